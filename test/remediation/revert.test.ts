import { describe, expect, it } from 'vitest';
import { setPredicateFor } from '../../src/cloud/aws/schema.js';
import { buildDrift } from '../../src/drift/build.js';
import { planRevert } from '../../src/remediation/revert.js';
import { ruleBlock } from '../support/state-builder.js';

const sg = (ingress: Parameters<typeof ruleBlock>[0][], tags: Record<string, string> = {}) => ({
  ingress: ingress.map(ruleBlock),
  egress: [],
  tags,
});
const drift = (recorded: object, live: object, type = 'aws_security_group') =>
  buildDrift({
    stack: 's',
    address: `${type}.web`,
    type,
    action: 'update',
    recorded,
    live,
    sensitivePaths: [],
    isSet: setPredicateFor(type),
    source: 'aws',
  });

describe('revert plan', () => {
  it('revokes an added rule and restores a removed source, with the aws CLI command for each', () => {
    const plan = planRevert(
      drift(
        sg([{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['10.0.0.0/8'] }]),
        sg([
          { protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'] },
          {
            protocol: 'tcp',
            from_port: 3389,
            to_port: 3389,
            cidr_blocks: ['0.0.0.0/0'],
            description: 'rdp',
          },
        ]),
      ),
      'sg-0123456789abcdef0',
    );
    expect(plan.refusals).toEqual([]);
    expect(plan.operations.map((operation) => operation.description)).toEqual([
      'revoke ingress tcp/22 0.0.0.0/0 on sg-0123456789abcdef0',
      'revoke ingress tcp/3389 0.0.0.0/0 on sg-0123456789abcdef0',
      'restore ingress tcp/22 10.0.0.0/8 on sg-0123456789abcdef0',
    ]);
    expect(plan.operations[1]).toMatchObject({
      api: 'RevokeSecurityGroupIngress',
      params: {
        GroupId: 'sg-0123456789abcdef0',
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 3389,
            ToPort: 3389,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'rdp' }],
          },
        ],
      },
      command: `aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --ip-permissions '[{"IpProtocol":"tcp","FromPort":3389,"ToPort":3389,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"rdp"}]}]'`,
    });
  });

  it('restores and removes tags', () => {
    const plan = planRevert(
      drift(
        { tags: { Name: 'web', Owner: 'a' } },
        { tags: { Name: 'web-2', Temp: 'x' } },
        'aws_vpc',
      ),
      'vpc-1',
    );
    expect(plan.operations.map((operation) => operation.command)).toEqual([
      'aws ec2 create-tags --resources vpc-1 --tags Key=Name,Value=web Key=Owner,Value=a',
      'aws ec2 delete-tags --resources vpc-1 --tags Key=Temp',
    ]);
  });

  it('refuses what would replace or stop a resource, and always offers terraform', () => {
    const plan = planRevert(
      drift(
        { instance_type: 't3.micro', source_dest_check: true },
        { instance_type: 't3.large', source_dest_check: false },
        'aws_instance',
      ),
      'i-1',
    );
    expect(plan.operations.map((operation) => operation.api)).toEqual(['ModifyInstanceAttribute']);
    expect(plan.refusals).toEqual([
      { path: 'instance_type', reason: 'changing the instance type needs the instance stopped' },
    ]);
    expect(plan.terraformCommands).toEqual([
      'terraform plan -target=aws_instance.web',
      'terraform apply -target=aws_instance.web',
    ]);
  });
});
