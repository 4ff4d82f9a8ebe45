/**
 * IAM answered from memory: a node:http server speaking the IAM Query API's
 * GetAccountAuthorizationDetails with its real paging (MaxItems capped at 1,000, Marker,
 * IsTruncated) and Filter, over N roles each with one inline policy (documents
 * URL-encoded, as IAM returns them). moto answers that call in one page whatever MaxItems
 * says, so it would hide paging. Used by the paging test and the calls benchmark.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BuiltResource } from './state-builder.js';

const ACCOUNT = '123456789012';
/** The API's largest page. */
const MAX_ITEMS = 1000;

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const policyOf = (index: number) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::data-${index}/*` },
    ],
  });
const roleName = (index: number) => `role-${String(index).padStart(5, '0')}`;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One RoleDetail as IAM writes it: documents URL-encoded, as the real API returns them. */
function roleXml(index: number): string {
  const name = roleName(index);
  return `<member><Path>/</Path><RoleName>${name}</RoleName><RoleId>AROA${String(index).padStart(17, '0')}</RoleId><Arn>arn:aws:iam::${ACCOUNT}:role/${name}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${escapeXml(encodeURIComponent(TRUST))}</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList><member><PolicyName>read</PolicyName><PolicyDocument>${escapeXml(encodeURIComponent(policyOf(index)))}</PolicyDocument></member></RolePolicyList><AttachedManagedPolicies/><Tags/></member>`;
}

/** The IAM Query API's GetAccountAuthorizationDetails over `roles` roles, paged as IAM pages. */
export function startIamEndpoint(roles: number): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      if (form.get('Action') !== 'GetAccountAuthorizationDetails') {
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not served: ${escapeXml(String(form.get('Action')))}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
        );
        return;
      }
      const filters = [...form.entries()]
        .filter(([key]) => key.startsWith('Filter.member.'))
        .map(([, value]) => value);
      const total = filters.length === 0 || filters.includes('Role') ? roles : 0;
      const start = Number(form.get('Marker') ?? 0);
      const size = Math.min(Number(form.get('MaxItems') ?? 100), MAX_ITEMS);
      const end = Math.min(start + size, total);
      const members: string[] = [];
      for (let index = start; index < end; index++) members.push(roleXml(index));
      const truncated = end < total;
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><IsTruncated>${truncated}</IsTruncated>${truncated ? `<Marker>${end}</Marker>` : ''}<UserDetailList/><GroupDetailList/><RoleDetailList>${members.join('')}</RoleDetailList><Policies/></GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`,
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      }),
    ),
  );
}

/** State for `roles` roles and their inline policies, as the provider records them. */
export function iamState(roles: number): BuiltResource[] {
  const resources: BuiltResource[] = [];
  for (let index = 0; index < roles; index++) {
    const name = roleName(index);
    resources.push(
      {
        type: 'aws_iam_role',
        name: `r${index}`,
        attributes: {
          id: name,
          name,
          arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
          path: '/',
          assume_role_policy: TRUST,
          permissions_boundary: '',
          managed_policy_arns: [],
          inline_policy: [{ name: 'read', policy: policyOf(index) }],
          tags: {},
          tags_all: {},
        },
      },
      {
        type: 'aws_iam_role_policy',
        name: `r${index}`,
        attributes: { id: `${name}:read`, role: name, name: 'read', policy: policyOf(index) },
      },
    );
  }
  return resources;
}
