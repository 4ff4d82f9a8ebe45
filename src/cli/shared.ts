/** Look-ups shared by several commands. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DriftgateError } from '../errors.js';
import { s3LocationFromBackend } from '../terraform/state-source.js';
import type { TerraformStack } from '../terraform/stack.js';

/**
 * Where a stack's state is when `--state` is not given: its `backend "s3"` block, else a
 * local `terraform.tfstate` (Terraform's local backend default). The stack's code is read
 * (tree-sitter) only here, when the location is not given.
 */
export async function resolveStateLocation(
  dir: string,
  workspace?: string,
  read: () => Promise<TerraformStack> = async () =>
    (await import('../terraform/stack.js')).readStack(dir),
): Promise<string> {
  const stack = await read();
  if (stack.backend) {
    const location = s3LocationFromBackend(stack.backend, workspace);
    return `s3://${location.bucket}/${location.key}`;
  }
  const local =
    workspace && workspace !== 'default'
      ? join(dir, 'terraform.tfstate.d', workspace, 'terraform.tfstate')
      : join(dir, 'terraform.tfstate');
  try {
    await access(local);
    return local;
  } catch {
    throw new DriftgateError(
      `no state found: the stack has no backend "s3" block and there is no ${local}`,
      { file: dir },
      'pass --state FILE or --state s3://bucket/key',
    );
  }
}
