/**
 * driftgate's own AWS scan: every managed resource in state is read live by its family's
 * batched reader and compared in the provider's attribute shape. A type no family reads
 * is reported as not scanned — never silently clean.
 */
import { findDrift } from '../../drift/build.js';
import type { Drift } from '../../drift/model.js';
import { applyProviderTagRules, providerTagRulesFor } from '../../drift/tag-rules.js';
import type { StackReport } from '../../report/model.js';
import type { StateInstance, TerraformState } from '../../terraform/state.js';
import type { TerraformStack } from '../../terraform/stack.js';
import type { FamilyScan, ResourceFamily } from './family.js';
import { internetGatewayFamily, natGatewayFamily } from './gateways.js';
import { elbv2Family } from './elbv2.js';
import { iamFamily } from './iam.js';
import { instanceFamily } from './instance.js';
import { networkAclFamily } from './network-acl.js';
import { rdsFamily } from './rds.js';
import { routeTableFamily } from './route-table.js';
import { s3Family } from './s3.js';
import { knownSensitiveAttributes, setPredicateFor } from '../../providers/aws/schema.js';
import { inPool } from './pool.js';
import { securityGroupFamily } from './security-groups.js';
import { describeAwsError, type AwsSession } from './session.js';
import { subnetFamily } from './subnet.js';
import { vpcFamily } from './vpc.js';

export const RESOURCE_FAMILIES: readonly ResourceFamily[] = [
  securityGroupFamily,
  vpcFamily,
  subnetFamily,
  routeTableFamily,
  networkAclFamily,
  internetGatewayFamily,
  natGatewayFamily,
  instanceFamily,
  iamFamily,
  s3Family,
  rdsFamily,
  elbv2Family,
];

/** At most this many families read at once: EC2 throttles per account and region. */
const FAMILY_CONCURRENCY = 3;

export interface LiveScanResult {
  drifts: Drift[];
  notScanned: StackReport['notScanned'];
}

export async function scanLiveAws(input: {
  session: AwsSession;
  state: TerraformState;
  stack: TerraformStack | undefined;
  stackName: string;
}): Promise<LiveScanResult> {
  const managed = input.state.instances.filter((instance) => instance.mode === 'managed');
  const familyOfType = new Map(
    RESOURCE_FAMILIES.flatMap((family) => family.types.map((type) => [type, family] as const)),
  );
  const byFamily = new Map<ResourceFamily, StateInstance[]>();
  const notScanned: StackReport['notScanned'] = [];
  for (const instance of managed) {
    const family = familyOfType.get(instance.type);
    if (!family) {
      notScanned.push({
        address: instance.address,
        type: instance.type,
        reason: `driftgate has no live reader for ${instance.type}; use --plan-json with a refresh-only plan to cover it`,
      });
      continue;
    }
    const members = byFamily.get(family);
    if (members) members.push(instance);
    else byFamily.set(family, [instance]);
  }

  const scans = await inPool(
    [...byFamily.entries()],
    FAMILY_CONCURRENCY,
    async ([family, instances]): Promise<FamilyScan> => {
      try {
        return await family.scan(input.session, instances, input.stack);
      } catch (error) {
        throw describeAwsError(error, `reading ${family.name}`);
      }
    },
  );

  const drifts: Drift[] = [];
  for (const { comparisons } of scans) {
    for (const { instance, recorded, live } of comparisons) {
      const drift = findDrift({
        stack: input.stackName,
        address: instance.address,
        type: instance.type,
        action: live === null ? 'delete' : 'update',
        recorded,
        live,
        sensitivePaths: [...instance.sensitivePaths, ...knownSensitiveAttributes(instance.type)],
        isSet: setPredicateFor(instance.type),
        source: 'aws',
      });
      // Tags the provider ignores (`aws:*`, ignore_tags) are not drift: drop them before
      // attribution spends CloudTrail calls on them.
      const visible =
        drift && applyProviderTagRules(drift, providerTagRulesFor(input.stack, instance.address));
      if (visible && (visible.action === 'delete' || visible.changes.length > 0))
        drifts.push(visible);
    }
  }
  drifts.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { drifts, notScanned };
}
