/**
 * API calls of the IAM family's live scan for N roles (each with an inline policy, both in
 * state), against an in-memory IAM endpoint that pages as IAM does (test/support/paged-iam.ts;
 * moto answers in one page and would hide the paging this benchmark is about). Baseline: a refresh reads
 * every resource on its own — at least one call each (the provider's role read sends
 * GetRole, ListRolePolicies and ListAttachedRolePolicies, more than one).
 */
import { scanLiveAws } from '../src/cloud/aws/scanner.js';
import { AwsSession } from '../src/cloud/aws/session.js';
import { parseState } from '../src/terraform/state.js';
import { iamState, startIamEndpoint } from '../test/support/paged-iam.js';
import { v4State } from '../test/support/state-builder.js';

export interface IamCallsRow {
  entities: number;
  calls: Record<string, number>;
  bound: number;
  refreshCalls: number;
  drifts: number;
  ms: number;
}

export async function benchIamCalls(sizes: number[]): Promise<IamCallsRow[]> {
  const rows: IamCallsRow[] = [];
  for (const entities of sizes) {
    const { server, endpoint } = await startIamEndpoint(entities);
    try {
      const resources = iamState(entities);
      const session = new AwsSession({ region: 'us-east-1', endpoint });
      const started = performance.now();
      const result = await scanLiveAws({
        session,
        state: parseState(v4State(resources), 'bench'),
        stack: undefined,
        stackName: 'bench',
      });
      const ms = performance.now() - started;
      session.destroy();
      rows.push({
        entities,
        calls: { ...session.calls },
        bound: Math.ceil(entities / 1000) + 2,
        refreshCalls: resources.length,
        drifts: result.drifts.length,
        ms,
      });
    } finally {
      server.close();
    }
  }
  return rows;
}
