import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { setPredicateFor } from '../../src/providers/aws/schema.js';
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
      command: `aws ec2 revoke-security-group-ingress --group-id 'sg-0123456789abcdef0' --ip-permissions '[{"IpProtocol":"tcp","FromPort":3389,"ToPort":3389,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"rdp"}]}]'`,
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
      `aws ec2 create-tags --resources 'vpc-1' --tags '[{"Key":"Name","Value":"web"},{"Key":"Owner","Value":"a"}]'`,
      `aws ec2 delete-tags --resources 'vpc-1' --tags '[{"Key":"Temp"}]'`,
    ]);
  });

  it('refuses a drift that mixes revertible and non-revertible changes before any write, and offers terraform', () => {
    const plan = planRevert(
      drift(
        { instance_type: 't3.micro', source_dest_check: true, tags: { Env: 'prod' } },
        { instance_type: 't3.large', source_dest_check: false, tags: { Env: 'dev' } },
        'aws_instance',
      ),
      'i-1',
    );
    // Reverting only the tag and the flag would leave the instance type drifted: the
    // verification would fail and roll the tag back. Nothing is planned instead.
    expect(plan.operations).toEqual([]);
    expect(plan.refusals.map((refusal) => refusal.path).sort()).toEqual([
      'instance_type',
      'source_dest_check',
      'tags.Env',
    ]);
    expect(plan.refusals.find((refusal) => refusal.path === 'tags.Env')?.reason).toMatch(
      /revertible by API \(CreateTags, ModifyInstanceAttribute\) on its own, but this drift also changes instance_type/,
    );
    expect(plan.terraformCommands).toEqual([
      `terraform plan -target='aws_instance.web'`,
      `terraform apply -target='aws_instance.web'`,
    ]);
  });

  it('still reverts an all-revertible drift of the same resource', () => {
    const plan = planRevert(
      drift(
        { source_dest_check: true, tags: { Env: 'prod' } },
        { source_dest_check: false, tags: { Env: 'dev' } },
        'aws_instance',
      ),
      { id: 'i-1', region: 'eu-west-1' },
    );
    expect(plan.refusals).toEqual([]);
    expect(plan.operations.map((operation) => operation.command)).toEqual([
      `aws ec2 create-tags --resources 'i-1' --tags '[{"Key":"Env","Value":"prod"}]' --region 'eu-west-1'`,
      `aws ec2 modify-instance-attribute --instance-id 'i-1' --source-dest-check --region 'eu-west-1'`,
    ]);
  });

  it('quotes every data argument: an address with $(…) and quotes cannot run code when pasted', () => {
    const hostile = buildDrift({
      stack: 's',
      address: `aws_vpc.x["$(touch /tmp/pwned)'\`id\`"]`,
      type: 'aws_vpc',
      action: 'update',
      recorded: { tags: { "it's": 'a,b=c "d"' } },
      live: { tags: {} },
      sensitivePaths: [],
      isSet: setPredicateFor('aws_vpc'),
      source: 'aws',
    });
    const plan = planRevert(hostile, { id: 'vpc-1', region: 'us-east-1' });
    expect(plan.terraformCommands[0]).toBe(
      `terraform plan -target='aws_vpc.x["$(touch /tmp/pwned)'\\''\`id\`"]'`,
    );
    expect(plan.operations[0]!.command).toBe(
      `aws ec2 create-tags --resources 'vpc-1' --tags '[{"Key":"it'\\''s","Value":"a,b=c \\"d\\""}]' --region 'us-east-1'`,
    );
  });

  it('a real shell hands terraform the exact address, whatever it contains', () => {
    const addresses = [
      'aws_instance.web',
      `module.a["$(touch /tmp/driftgate-pwned)"].aws_vpc.x`,
      `aws_vpc.x["it's; rm -rf ~ \`id\` $HOME"]`,
      'aws_subnet.s["ünï 🚀\\n"]',
    ];
    for (const address of addresses) {
      const plan = planRevert(
        buildDrift({
          stack: 's',
          address,
          type: 'aws_vpc',
          action: 'delete',
          recorded: {},
          live: null,
          sensitivePaths: [],
          isSet: setPredicateFor('aws_vpc'),
          source: 'aws',
        }),
        'vpc-1',
      );
      for (const command of plan.terraformCommands) {
        // A stand-in `terraform` that prints its arguments, NUL-separated.
        const argv = execFileSync('bash', [
          '-c',
          `terraform() { printf '%s\\0' "$@"; }; ${command}`,
        ])
          .toString('utf8')
          .split('\0')
          .slice(0, -1);
        expect(argv).toEqual([command.split(' ')[1], `-target=${address}`]);
      }
    }
  });

  it('never plans a sensitive value as its placeholder: the change is refused, with terraform instead', () => {
    const secret = buildDrift({
      stack: 's',
      address: 'aws_vpc.main',
      type: 'aws_vpc',
      action: 'update',
      recorded: { tags: { Token: 'real-secret', Env: 'prod' } },
      live: { tags: { Token: 'changed', Env: 'prod' } },
      sensitivePaths: [['tags', 'Token']],
      isSet: setPredicateFor('aws_vpc'),
      source: 'plan',
    });
    const plan = planRevert(secret, 'vpc-1');
    expect(plan.operations).toEqual([]);
    expect(JSON.stringify(plan)).not.toContain('(sensitive)"}');
    expect(JSON.stringify(plan)).not.toContain('real-secret');
    expect(plan.refusals).toEqual([
      {
        path: 'tags.Token',
        reason: expect.stringContaining('a sensitive value: driftgate only sees a placeholder'),
      },
    ]);
    expect(plan.terraformCommands[1]).toBe(`terraform apply -target='aws_vpc.main'`);
    // Fail closed: a placeholder that arrives unmarked is not written either.
    const unmarked = planRevert(
      drift({ tags: { Token: '(sensitive)' } }, { tags: { Token: 'x' } }, 'aws_vpc'),
      'vpc-1',
    );
    expect(unmarked.operations).toEqual([]);
  });

  it('modifies a rule resource in place with ModifySecurityGroupRules, its inverse the live rule', () => {
    const recorded = {
      id: 'sgr-1',
      security_group_rule_id: 'sgr-1',
      security_group_id: 'sg-1',
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '10.0.0.0/8',
      cidr_ipv6: null,
      prefix_list_id: null,
      referenced_security_group_id: null,
      description: 'https',
    };
    const plan = planRevert(
      drift(
        { cidr_ipv4: '10.0.0.0/8', from_port: 443, description: 'https' },
        { cidr_ipv4: '0.0.0.0/0', from_port: 443, description: null },
        'aws_vpc_security_group_ingress_rule',
      ),
      { id: 'sgr-1', attributes: recorded, region: 'us-east-1' },
    );
    expect(plan.refusals).toEqual([]);
    const rule = (cidr: string, description: string) => ({
      GroupId: 'sg-1',
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          SecurityGroupRule: {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            CidrIpv4: cidr,
            Description: description,
          },
        },
      ],
    });
    expect(plan.operations).toEqual([
      {
        api: 'ModifySecurityGroupRules',
        params: rule('10.0.0.0/8', 'https'),
        description: 'put rule sgr-1 back as recorded: tcp/443 10.0.0.0/8 ("https") on sg-1',
        command: `aws ec2 modify-security-group-rules --group-id 'sg-1' --security-group-rules '${JSON.stringify(rule('10.0.0.0/8', 'https').SecurityGroupRules)}' --region 'us-east-1'`,
        inverse: {
          api: 'ModifySecurityGroupRules',
          params: rule('0.0.0.0/0', ''),
          description: 'set rule sgr-1 of sg-1 to tcp/443 0.0.0.0/0',
        },
      },
    ]);
  });
});
