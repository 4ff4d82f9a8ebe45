/** What one scan found, per stack: the data behind every output format. */
import type { Drift } from '../drift/model.js';

export interface StackReport {
  name: string;
  dir: string;
  environment: string;
  source: 'plan' | 'aws';
  drifts: Drift[];
  /** Resource types in state that this source could not compare (never silently clean). */
  notScanned: { address: string; type: string; reason: string }[];
  warnings: string[];
  /** API calls by operation (`ec2:DescribeSecurityGroups`), for cost and throttling. */
  apiCalls: Record<string, number>;
}

export interface ScanReport {
  generatedAt: string;
  stacks: StackReport[];
}

export function countDrifts(report: ScanReport): number {
  return report.stacks.reduce((total, stack) => total + stack.drifts.length, 0);
}
