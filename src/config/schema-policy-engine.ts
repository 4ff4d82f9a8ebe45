/**
 * `policy_checks`: the policy engine that judges every codify patch (docs/guardrails.md,
 * "Policy checks on codify"). driftgate's default OPA bundle always runs; a team adds its
 * own rules as compiled OPA WebAssembly bundles committed to the repository.
 */
import { z } from 'zod';
import { repositoryPathProblem } from './repository-path.js';

const bundlePath = z
  .string()
  .regex(/\.wasm$/, 'expected a compiled OPA policy (opa build -t wasm), ending in .wasm')
  .superRefine((path, context) => {
    const problem = repositoryPathProblem(path);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

export const policyChecksSchema = z
  .object({
    bundles: z
      .array(bundlePath)
      .max(10)
      .default([])
      .describe(
        'Repository paths of extra OPA policies compiled to WebAssembly with `opa build -t wasm -e driftgate/findings`; read from the default branch.',
      ),
  })
  .strict()
  .default({ bundles: [] })
  .describe("Policy checks on codify patches: driftgate's default OPA rules plus these.");

export type PolicyChecksConfig = z.infer<typeof policyChecksSchema>;
