import { readFile } from 'node:fs/promises';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readState } from '../../src/terraform/state-source.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEndpoint, motoS3 } from '../support/moto.js';

const exampleState = 'examples/prod-network/terraform.tfstate';

describeWithMoto('state in S3 (the s3 backend)', () => {
  beforeAll(async () => {
    const s3 = motoS3();
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-tfstate' }));
    const body = await readFile(exampleState, 'utf8');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'acme-tfstate',
        Key: 'network/terraform.tfstate',
        Body: body,
      }),
    );
    const staging = body.replace('"serial": 42', '"serial": 7');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'acme-tfstate',
        Key: 'env:/staging/network/terraform.tfstate',
        Body: staging,
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: 'acme-tfstate',
        Key: 'broken/terraform.tfstate',
        Body: '{"version": 4,',
      }),
    );
  });

  it('reads a v4 state from s3://bucket/key', async () => {
    const state = await readState('s3://acme-tfstate/network/terraform.tfstate', {
      connection: { endpoint: motoEndpoint() },
    });
    expect(state.serial).toBe(42);
    expect(state.instances.map((i) => i.address)).toContain('aws_security_group.web');
  });

  it('reads a workspace state under the env:/<workspace>/ prefix', async () => {
    const state = await readState('s3://acme-tfstate/network/terraform.tfstate', {
      workspace: 'staging',
      connection: { endpoint: motoEndpoint() },
    });
    expect(state.serial).toBe(7);
  });

  it('state list prints the addresses of an S3 state, and names a missing key clearly', async () => {
    const io = captureIo();
    const ok = await runCli(
      [
        'state',
        'list',
        '--state',
        's3://acme-tfstate/network/terraform.tfstate',
        '--endpoint-url',
        motoEndpoint(),
      ],
      io,
    );
    expect(ok).toBe(0);
    expect(io.out()).toBe(
      [
        'aws_db_instance.orders',
        'aws_security_group.web',
        'aws_subnet.public[0]',
        'aws_subnet.public[1]',
        'aws_vpc.main',
        '',
      ].join('\n'),
    );

    const missing = captureIo();
    const code = await runCli(
      [
        'state',
        'list',
        '--state',
        's3://acme-tfstate/nope.tfstate',
        '--endpoint-url',
        motoEndpoint(),
      ],
      missing,
    );
    expect(code).toBe(1);
    expect(missing.err()).toContain(
      's3://acme-tfstate/nope.tfstate: cannot read state from S3: no state object at this key',
    );
  });

  it('reports a corrupt state object with its S3 URL and no stack trace', async () => {
    const io = captureIo();
    const code = await runCli(
      [
        'state',
        'list',
        '--state',
        's3://acme-tfstate/broken/terraform.tfstate',
        '--endpoint-url',
        motoEndpoint(),
      ],
      io,
    );
    expect(code).toBe(1);
    expect(io.err()).toMatch(
      /^driftgate: error: s3:\/\/acme-tfstate\/broken\/terraform.tfstate: not valid JSON/,
    );
    expect(io.err()).not.toContain('    at ');
  });
});
