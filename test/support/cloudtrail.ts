/** CloudTrail records in the format a trail delivers to S3, for one resource's CreateTags. */
const ACCOUNT = '123456789012';

type Who =
  | { kind: 'iam-user'; name: string }
  | { kind: 'role'; role: string; session: string }
  | { kind: 'service'; service: string };

export function cloudTrailRecord(
  input: Who & {
    resourceId: string;
    time: string;
    eventId: string;
    userAgent?: string;
    eventName?: string;
  },
): Record<string, unknown> {
  const userIdentity =
    input.kind === 'iam-user'
      ? {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLE',
          arn: `arn:aws:iam::${ACCOUNT}:user/${input.name}`,
          accountId: ACCOUNT,
          userName: input.name,
        }
      : input.kind === 'role'
        ? {
            type: 'AssumedRole',
            principalId: `AROAEXAMPLE:${input.session}`,
            arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${input.role}/${input.session}`,
            accountId: ACCOUNT,
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                principalId: 'AROAEXAMPLE',
                arn: `arn:aws:iam::${ACCOUNT}:role/${input.role}`,
                accountId: ACCOUNT,
                userName: input.role,
              },
            },
          }
        : { type: 'AWSService', invokedBy: input.service };
  return {
    eventVersion: '1.09',
    userIdentity,
    eventTime: input.time,
    eventSource: 'ec2.amazonaws.com',
    eventName: input.eventName ?? 'CreateTags',
    awsRegion: 'us-east-1',
    sourceIPAddress: input.kind === 'service' ? input.service : '198.51.100.20',
    userAgent:
      input.userAgent ??
      (input.kind === 'service' ? input.service : 'aws-cli/2.17.0 Python/3.12.6'),
    requestParameters: {
      resourcesSet: { items: [{ resourceId: input.resourceId }] },
      tagSet: { items: [{ key: 'Owner', value: 'ops' }] },
    },
    responseElements: { _return: true },
    eventID: input.eventId,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
  };
}
