import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { securityGroup, writeStackFiles } from '../support/state-builder.js';

const ROLE = 'arn:aws:iam::123456789012:role/driftgate-read';

async function stackWithRole(role: string): Promise<{ dir: string; config: string }> {
  const ec2 = motoEc2();
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.3.0.0/16' }))).Vpc!.VpcId!;
  const groupId = (
    await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: `g-${Date.now()}`,
        Description: 'g',
        VpcId: vpcId,
      }),
    )
  ).GroupId!;
  const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
    .SecurityGroups![0]!;
  const dir = await mkdtemp(join(tmpdir(), 'driftgate-cred-'));
  await writeStackFiles(dir, [
    securityGroup('g', {
      id: groupId,
      name: group.GroupName!,
      description: 'g',
      vpcId,
      ownerId: group.OwnerId!,
      ingress: [],
      egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
    }),
  ]);
  await mkdir(join(dir, '.github'));
  const config = join(dir, '.github/driftgate.yml');
  await writeFile(
    config,
    `stacks:\n  - name: g\n    dir: .\n    aws:\n      role: ${role}\nattribution:\n  source: off\n`,
  );
  return { dir, config };
}

describeWithMoto('credentials and failures', () => {
  const saved = process.env.DRIFTGATE_ALLOWED_ROLE_ARNS;
  afterEach(() => {
    if (saved === undefined) delete process.env.DRIFTGATE_ALLOWED_ROLE_ARNS;
    else process.env.DRIFTGATE_ALLOWED_ROLE_ARNS = saved;
  });

  it('assumes an allowed stack role through STS and scans with it', async () => {
    process.env.DRIFTGATE_ALLOWED_ROLE_ARNS = 'arn:aws:iam::123456789012:role/driftgate-*';
    const { dir, config } = await stackWithRole(ROLE);
    const io = captureIo();
    const code = await runCli(
      ['scan', dir, '--config', config, '--endpoint-url', motoEndpoint(), '--format', 'json'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(io.out()).stacks[0].drifts).toEqual([]);
  });

  it('refuses a role outside the allow-list before calling AWS', async () => {
    process.env.DRIFTGATE_ALLOWED_ROLE_ARNS = 'arn:aws:iam::123456789012:role/driftgate-*';
    const { dir, config } = await stackWithRole('arn:aws:iam::999999999999:role/admin');
    const io = captureIo();
    expect(
      await runCli(['scan', dir, '--config', config, '--endpoint-url', motoEndpoint()], io),
    ).toBe(1);
    expect(io.err()).toBe(
      'driftgate: error: role arn:aws:iam::999999999999:role/admin is not in the allow-list\n  hint: allowed: arn:aws:iam::123456789012:role/driftgate-*\n',
    );
  });

  it('refuses any role when no allow-list is set', async () => {
    delete process.env.DRIFTGATE_ALLOWED_ROLE_ARNS;
    const { dir, config } = await stackWithRole(ROLE);
    const io = captureIo();
    expect(
      await runCli(['scan', dir, '--config', config, '--endpoint-url', motoEndpoint()], io),
    ).toBe(1);
    expect(io.err()).toContain('hint: set DRIFTGATE_ALLOWED_ROLE_ARNS');
  });
});

describeWithMoto('unreachable endpoints and throttling', () => {
  let throttler: Server;
  let throttlerUrl: string;
  let requests = 0;
  let dir: string;

  beforeAll(async () => {
    // An EC2 endpoint that always answers RequestLimitExceeded, as EC2 does under throttling.
    throttler = createServer((request, response) => {
      requests++;
      request.resume();
      response.writeHead(503, { 'content-type': 'text/xml' });
      response.end(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>1</RequestID></Response>',
      );
    });
    await new Promise<void>((resolve) => throttler.listen(0, '127.0.0.1', resolve));
    const address = throttler.address();
    throttlerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = await mkdtemp(join(tmpdir(), 'driftgate-throttle-'));
    await writeStackFiles(dir, [
      securityGroup('g', {
        id: 'sg-0123456789abcdef0',
        name: 'g',
        description: 'g',
        vpcId: 'vpc-1',
        ownerId: '1',
        ingress: [],
        egress: [],
      }),
    ]);
  });
  afterAll(() => throttler.close());

  it('retries throttling in standard mode, then reports it clearly with exit 1', async () => {
    const io = captureIo();
    const code = await runCli(
      ['scan', dir, '--endpoint-url', throttlerUrl, '--max-attempts', '3'],
      io,
    );
    expect(code).toBe(1);
    expect(io.err()).toMatch(
      /^driftgate: error: reading security groups: AWS kept throttling requests after every retry \(RequestLimitExceeded\)/,
    );
    expect(requests).toBe(3); // --max-attempts in standard retry mode
  });

  it('reports an unreachable endpoint with exit 1', async () => {
    const io = captureIo();
    const code = await runCli(['scan', dir, '--endpoint-url', 'http://127.0.0.1:9'], io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(
      /^driftgate: error: reading security groups: cannot reach the AWS endpoint/,
    );
  });
});
