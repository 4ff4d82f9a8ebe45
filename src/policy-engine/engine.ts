/**
 * The policy engine: Open Policy Agent's Rego, compiled to WebAssembly (`opa build -t wasm
 * -e driftgate/findings`) and evaluated in-process by OPA's own runtime
 * (@open-policy-agent/opa-wasm). driftgate ships a default bundle (policies/, built into
 * policies/dist/policy.wasm); a repository adds its own compiled bundles (config
 * `policy.bundles`). Every bundle answers the same entrypoint with a set of findings.
 */
import { readFile } from 'node:fs/promises';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { z } from 'zod';
import { DriftgateError } from '../errors.js';
import { DEFAULT_BUNDLE_URL } from './bundle-path.js';
import type { PolicyInput } from './input.js';

export { DEFAULT_BUNDLE_URL };

export const POLICY_ENTRYPOINT = 'driftgate/findings';

export interface PolicyBundle {
  /** Shown in errors and findings: `driftgate` or the bundle's repository path. */
  name: string;
  wasm: Uint8Array;
}

/** One finding as a bundle reports it: which rule, about what, where in the resource. */
export interface EngineFinding {
  bundle: string;
  rule: string;
  address: string;
  path: (string | number)[];
  message: string;
}

const findingSchema = z.object({
  rule: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a rule id is 1–64 letters, digits or _.:-'),
  address: z.string().max(512),
  path: z.array(z.union([z.string().max(256), z.number().int()])).max(32),
  // Printed on terminals and in PRs: no control characters from a team's bundle.
  message: z
    .string()
    .min(1)
    .max(500)
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    .transform((text) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')),
});

const resultSchema = z.array(z.object({ result: z.array(findingSchema).max(1000) })).max(1);

/** The bundle driftgate ships. */
export async function loadDefaultBundle(): Promise<PolicyBundle> {
  try {
    return { name: 'driftgate', wasm: await readFile(DEFAULT_BUNDLE_URL) };
  } catch {
    throw new DriftgateError(
      "driftgate's default policy bundle is missing: run scripts/build-policies.sh",
      { file: DEFAULT_BUNDLE_URL.pathname },
    );
  }
}

async function evaluateBundle(bundle: PolicyBundle, input: PolicyInput): Promise<EngineFinding[]> {
  let policy;
  try {
    policy = await loadPolicy(bundle.wasm);
  } catch (error) {
    throw new DriftgateError(
      `not an OPA WebAssembly policy (${(error as Error).message.split('\n')[0]})`,
      { file: bundle.name },
    );
  }
  if (!(POLICY_ENTRYPOINT in (policy.entrypoints as Record<string, number>)))
    throw new DriftgateError(
      `the policy has no ${POLICY_ENTRYPOINT} entrypoint: build it with opa build -t wasm -e ${POLICY_ENTRYPOINT}`,
      { file: bundle.name },
    );
  const parsed = resultSchema.safeParse(policy.evaluate(input, POLICY_ENTRYPOINT));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DriftgateError(
      `the policy's ${POLICY_ENTRYPOINT} is not a set of findings {rule, address, path, message}: ${issue.path.join('.')}: ${issue.message}`,
      { file: bundle.name },
    );
  }
  return (parsed.data[0]?.result ?? []).map((finding) => ({ bundle: bundle.name, ...finding }));
}

/** Every bundle's findings on `input`, in a stable order (rule, address, path). */
export async function evaluatePolicies(
  bundles: PolicyBundle[],
  input: PolicyInput,
): Promise<EngineFinding[]> {
  if (input.resources.length === 0) return [];
  const findings: EngineFinding[] = [];
  for (const bundle of bundles) findings.push(...(await evaluateBundle(bundle, input)));
  const key = (finding: EngineFinding) =>
    JSON.stringify([finding.rule, finding.address, finding.path, finding.message]);
  return findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
