/**
 * Given a dev stack (tier 1) with an apply role, when a drill starts, then one resource
 * carries a recorded drill tag live, a scan finds it, the learner removes it by hand, and
 * `drill --check` scores found/fixed/time and cleans up. A drill not fixed is cleaned up
 * too. A prod stack (tier 3) and a stack without an apply role are refused, nothing sent.
 */
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeTagsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEndpoint } from '../support/moto.js';
import { STATE_ONLY_CODE, v4State } from '../support/state-builder.js';

const APPLY_ROLE = 'arn:aws:iam::123456789012:role/driftgate-apply';

describeWithMoto('driftgate drill', () => {
  let ec2: EC2Client;
  let dir: string;
  let vpcId: string;
  const saved = process.env.DRIFTGATE_ALLOWED_ROLE_ARNS;
  afterAll(() => {
    if (saved === undefined) delete process.env.DRIFTGATE_ALLOWED_ROLE_ARNS;
    else process.env.DRIFTGATE_ALLOWED_ROLE_ARNS = saved;
  });
  const cli = async (args: string[]) => {
    const io = captureIo();
    const code = await runCli(args, io);
    return { code, out: io.out(), err: io.err() };
  };
  const config = (name: string) => [
    '--config',
    join(dir, '.github', name),
    '--endpoint-url',
    motoEndpoint(),
    '--stack',
    'lab',
  ];
  const drillTags = async () =>
    (
      (
        await ec2.send(
          new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] }),
        )
      ).Tags ?? []
    ).filter((tag) => tag.Key === 'driftgate-drill');
  const drills = () => readdir(join(dir, '.driftgate', 'drills')).catch(() => [] as string[]);

  beforeAll(async () => {
    process.env.DRIFTGATE_ALLOWED_ROLE_ARNS = APPLY_ROLE;
    ec2 = new EC2Client({
      endpoint: motoEndpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' }))).Vpc!.VpcId!;
    dir = await mkdtemp(join(tmpdir(), 'driftgate-drill-'));
    await writeFile(join(dir, 'main.tf'), STATE_ONLY_CODE);
    await writeFile(
      join(dir, 'terraform.tfstate'),
      v4State([
        {
          type: 'aws_vpc',
          name: 'main',
          attributes: { id: vpcId, cidr_block: '10.21.0.0/16', tags: {}, tags_all: {} },
        },
      ]),
    );
    await mkdir(join(dir, '.github'));
    const stack = (environment: string, role: string) =>
      `stacks:\n  - name: lab\n    dir: .\n    environment: ${environment}\n    aws:\n      region: us-east-1\n${role}attribution:\n  source: off\n`;
    await writeFile(
      join(dir, '.github', 'dev.yml'),
      stack('dev', `      apply_role: ${APPLY_ROLE}\n`),
    );
    await writeFile(
      join(dir, '.github', 'prod.yml'),
      stack('prod', `      apply_role: ${APPLY_ROLE}\n`),
    );
    await writeFile(join(dir, '.github', 'no-role.yml'), stack('dev', ''));
  });

  it('a tier-1 drill: recorded, found by a scan, fixed by hand, scored, cleaned up', async () => {
    const started = await cli(['drill', dir, ...config('dev.yml')]);
    expect(started.err).toBe('');
    expect(started.code).toBe(0);
    expect(await drills()).toEqual(['lab.json']);
    expect(await drillTags()).toHaveLength(1);
    // The learner finds it with a scan...
    const scan = await cli([
      'scan',
      dir,
      '--config',
      join(dir, '.github', 'dev.yml'),
      '--endpoint-url',
      motoEndpoint(),
      '--format',
      'json',
    ]);
    const found = JSON.parse(scan.out).stacks[0].drifts.find(
      (drift: { address: string }) => drift.address === 'aws_vpc.main',
    );
    expect(found.changes.map((change: { path: string }) => change.path)).toContain(
      'tags.driftgate-drill',
    );
    // ...and fixes it by hand.
    await ec2.send(
      new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'driftgate-drill' }] }),
    );
    const check = await cli([
      'drill',
      dir,
      ...config('dev.yml'),
      '--check',
      '--answer',
      'aws_vpc.main',
      '--format',
      'json',
    ]);
    expect(check.err).toBe('');
    expect(JSON.parse(check.out)).toMatchObject({
      address: 'aws_vpc.main',
      found: true,
      fixed: true,
      score: 2,
      minutes: 0,
    });
    expect(await drills()).toEqual([]);
  });

  it('a drill not fixed scores so, and --check still removes the drift', async () => {
    expect((await cli(['drill', dir, ...config('dev.yml')])).code).toBe(0);
    const check = await cli([
      'drill',
      dir,
      ...config('dev.yml'),
      '--check',
      '--answer',
      'aws_vpc.other',
    ]);
    expect(check.out).toContain('found: no\n  fixed by hand: no');
    expect(check.out).toContain('score: 0/2');
    expect(await drillTags()).toEqual([]);
    expect(await drills()).toEqual([]);
  });

  it('refuses a tier-3 stack and a stack without an apply role, changing nothing', async () => {
    const prod = await cli(['drill', dir, ...config('prod.yml')]);
    expect(prod.code).toBe(1);
    expect(prod.err).toMatch(
      /^driftgate: error: .*prod\.yml: drill refused: drills run only on tier-1 resources; stack lab is tier 3 \(built-in rule: core production/,
    );
    const noRole = await cli(['drill', dir, ...config('no-role.yml')]);
    expect(noRole.code).toBe(1);
    expect(noRole.err).toContain('drill refused: stack lab has no aws.apply_role');
    expect(await drillTags()).toEqual([]);
    expect(await drills()).toEqual([]);
  });
});

describe('driftgate drill without a config', () => {
  it('is one line and exit 1', async () => {
    const io = captureIo();
    expect(await runCli(['drill', '.', '--stack', 'lab'], io)).toBe(1);
    expect(io.err()).toBe(
      'driftgate: error: a drill needs --config and --stack: the stack, its tier and its apply role come from the config\n',
    );
  });
});
