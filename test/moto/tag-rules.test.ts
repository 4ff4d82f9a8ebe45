/**
 * The provider's tag rules and lifecycle.ignore_changes in a live scan: tags the AWS
 * provider never reports (`aws:*`, the provider block's ignore_tags) are not drift, and
 * ignoring `tags` hides the same drift in `tags_all`, as `terraform plan` would.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSubnetCommand, CreateTagsCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { tags, v4State, type BuiltResource } from '../support/state-builder.js';

const CODE = `provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Team = "platform"
    }
  }

  ignore_tags {
    keys         = ["LastScanned"]
    key_prefixes = ["kubernetes.io/"]
  }
}

provider "aws" {
  alias  = "audit"
  region = "us-east-1"
}

resource "aws_vpc" "shared" {
  cidr_block = "10.40.0.0/16"
  tags       = { Name = "shared" }
}

resource "aws_vpc" "audited" {
  provider   = aws.audit
  cidr_block = "10.41.0.0/16"
  tags       = { Name = "audited" }
}

resource "aws_subnet" "scratch" {
  vpc_id     = aws_vpc.shared.id
  cidr_block = "10.40.1.0/24"
  tags       = { Name = "scratch" }

  lifecycle {
    ignore_changes = [tags]
  }
}

resource "aws_subnet" "frozen" {
  vpc_id     = aws_vpc.shared.id
  cidr_block = "10.40.2.0/24"
  tags       = { Name = "frozen" }

  lifecycle {
    ignore_changes = all
  }
}
`;

interface Ids {
  shared: string;
  audited: string;
  scratch: string;
  frozen: string;
}

async function createStack(): Promise<{ dir: string; ids: Ids }> {
  const ec2 = motoEc2();
  const vpc = async (cidr: string, name: string) => {
    const id = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    await ec2.send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [
          { Key: 'Name', Value: name },
          { Key: 'Team', Value: 'platform' },
        ],
      }),
    );
    return id;
  };
  const shared = await vpc('10.40.0.0/16', 'shared');
  const audited = await vpc('10.41.0.0/16', 'audited');
  const subnet = async (cidr: string, name: string) => {
    const id = (
      await ec2.send(
        new CreateSubnetCommand({ VpcId: shared, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' }),
      )
    ).Subnet!.SubnetId!;
    await ec2.send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [
          { Key: 'Name', Value: name },
          { Key: 'Team', Value: 'platform' },
        ],
      }),
    );
    return id;
  };
  const scratch = await subnet('10.40.1.0/24', 'scratch');
  const frozen = await subnet('10.40.2.0/24', 'frozen');
  const vpcState = (name: string, id: string, cidr: string): BuiltResource => ({
    type: 'aws_vpc',
    name,
    attributes: {
      id,
      cidr_block: cidr,
      instance_tenancy: 'default',
      enable_dns_support: true,
      enable_dns_hostnames: false,
      ...tags({ Name: name }, { Team: 'platform' }),
    },
  });
  const subnetState = (name: string, id: string, cidr: string): BuiltResource => ({
    type: 'aws_subnet',
    name,
    attributes: {
      id,
      vpc_id: shared,
      cidr_block: cidr,
      availability_zone: 'us-east-1a',
      map_public_ip_on_launch: false,
      assign_ipv6_address_on_creation: false,
      ...tags({ Name: name }, { Team: 'platform' }),
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'driftgate-tag-rules-'));
  await writeFile(join(dir, 'main.tf'), CODE);
  await writeFile(
    join(dir, 'terraform.tfstate'),
    v4State([
      vpcState('shared', shared, '10.40.0.0/16'),
      vpcState('audited', audited, '10.41.0.0/16'),
      subnetState('scratch', scratch, '10.40.1.0/24'),
      subnetState('frozen', frozen, '10.40.2.0/24'),
    ]),
  );
  return { dir, ids: { shared, audited, scratch, frozen } };
}

async function scan(dir: string): Promise<Record<string, string[]>> {
  const io = captureIo();
  const code = await runCli(
    ['scan', dir, '--endpoint-url', motoEndpoint(), '--region', 'us-east-1', '--format', 'json'],
    io,
  );
  if (code !== 0) throw new Error(io.err());
  return Object.fromEntries(
    JSON.parse(io.out()).stacks[0].drifts.map(
      (d: { address: string; changes: { path: string }[] }) => [
        d.address,
        d.changes.map((c) => c.path),
      ],
    ),
  );
}

describeWithMoto('provider tag rules and ignore_changes in a live scan', () => {
  let dir: string;
  let ids: Ids;

  beforeAll(async () => {
    ({ dir, ids } = await createStack());
  });

  it('starts clean', async () => {
    expect(await scan(dir)).toEqual({});
  });

  it('never reports aws:* tags, honours ignore_tags per provider configuration, still reports real tag drift', async () => {
    const ec2 = motoEc2();
    const serviceAndScannerTags = [
      // Set by AWS services (an Auto Scaling group, CloudFormation): never drift.
      { Key: 'aws:cloudformation:stack-name', Value: 'legacy' },
      // Ignored by the default provider's ignore_tags (a key and a key prefix).
      { Key: 'LastScanned', Value: '2026-11-24' },
      { Key: 'kubernetes.io/cluster/prod', Value: 'shared' },
    ];
    await ec2.send(
      new CreateTagsCommand({ Resources: [ids.shared, ids.audited], Tags: serviceAndScannerTags }),
    );
    expect(await scan(dir)).toEqual({
      // aws.audit has no ignore_tags: only the aws:* tag is hidden there.
      'aws_vpc.audited': [
        'tags.LastScanned',
        'tags["kubernetes.io/cluster/prod"]',
        'tags_all.LastScanned',
        'tags_all["kubernetes.io/cluster/prod"]',
      ],
    });
    await ec2.send(
      new CreateTagsCommand({ Resources: [ids.shared], Tags: [{ Key: 'Owner', Value: 'bob' }] }),
    );
    expect((await scan(dir))['aws_vpc.shared']).toEqual(['tags.Owner', 'tags_all.Owner']);
  });

  it('ignore_changes = [tags] hides tags_all too; ignore_changes = all hides everything', async () => {
    const ec2 = motoEc2();
    await ec2.send(
      new CreateTagsCommand({
        Resources: [ids.scratch, ids.frozen],
        Tags: [
          { Key: 'Name', Value: 'renamed-in-console' },
          { Key: 'Team', Value: 'someone-else' },
        ],
      }),
    );
    const drifts = await scan(dir);
    expect(drifts['aws_subnet.scratch']).toBeUndefined();
    expect(drifts['aws_subnet.frozen']).toBeUndefined();
  });
});
