/**
 * Scan benchmark against moto: stacks of N security groups (two ingress rules each).
 * For each N it measures, in the same run,
 *   - driftgate's batched scan (scanLiveAws), and
 *   - the baseline a refresh does: one DescribeSecurityGroups per group id,
 * and reports wall time, API calls by operation, peak heap, and the ratio.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { scanLiveAws } from '../src/cloud/aws/scanner.js';
import { AwsSession } from '../src/cloud/aws/session.js';
import { parseState } from '../src/terraform/state.js';
import { resetMoto } from '../test/support/moto-server.js';
import { securityGroup, v4State, type BuiltResource } from '../test/support/state-builder.js';
import { measure, type Measurement } from './measure.js';

export interface ScanBenchRow {
  groups: number;
  batched: Measurement & { calls: Record<string, number> };
  perResource: Measurement & { calls: Record<string, number> };
}

async function inBatches<T>(
  items: T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map(work));
}

async function createGroups(endpoint: string, count: number): Promise<BuiltResource[]> {
  const session = new AwsSession({ endpoint, region: 'us-east-1' });
  const ec2 = session.ec2();
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const resources: BuiltResource[] = [];
  await inBatches([...Array(count).keys()], 16, async (i) => {
    const name = `bench-${i}`;
    const groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }),
      )
    ).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS' }],
          },
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: `10.${i % 250}.0.0/16` }],
          },
        ],
      }),
    );
    resources.push(
      securityGroup(`g${i}`, {
        id: groupId,
        name,
        description: name,
        vpcId,
        ownerId: '123456789012',
        ingress: [
          {
            protocol: 'tcp',
            from_port: 443,
            to_port: 443,
            cidr_blocks: ['0.0.0.0/0'],
            description: 'HTTPS',
          },
          { protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: [`10.${i % 250}.0.0/16`] },
        ],
        egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
      }),
    );
  });
  session.destroy();
  return resources;
}

export async function benchScan(endpoint: string, sizes: number[]): Promise<ScanBenchRow[]> {
  const rows: ScanBenchRow[] = [];
  for (const groups of sizes) {
    await resetMoto(endpoint);
    const resources = await createGroups(endpoint, groups);
    const state = parseState(v4State(resources), 'bench');

    const batchedSession = new AwsSession({ endpoint, region: 'us-east-1' });
    const batched = await measure(async () => {
      const result = await scanLiveAws({
        session: batchedSession,
        state,
        stack: undefined,
        stackName: 'bench',
      });
      if (result.drifts.length !== 0)
        throw new Error(`bench stack should be clean, found ${result.drifts.length} drifts`);
    });
    batchedSession.destroy();

    const loopSession = new AwsSession({ endpoint, region: 'us-east-1' });
    const perResource = await measure(async () => {
      for (const instance of state.instances) {
        await loopSession
          .ec2()
          .send(new DescribeSecurityGroupsCommand({ GroupIds: [String(instance.attributes.id)] }));
      }
    });
    loopSession.destroy();

    rows.push({
      groups,
      batched: { ...batched, calls: { ...batchedSession.calls } },
      perResource: { ...perResource, calls: { ...loopSession.calls } },
    });
  }
  return rows;
}
