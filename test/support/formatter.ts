/**
 * The formatting oracle for tests: `terraform fmt -` if terraform is on PATH, else
 * HashiCorp's `hclfmt` (both format HCL the same way). With neither, `formatHcl` throws
 * a message saying what to install, so the formatter tests fail instead of skipping.
 */
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

interface Formatter {
  name: string;
  format: (text: string) => string;
}

function works(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', env: quietEnv() });
    return true;
  } catch {
    return false;
  }
}

// No CLI configuration file: terraform would warn about a missing ~/.terraformrc.
const quietEnv = () => ({ ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' });

function findFormatter(): Formatter | undefined {
  const terraform = process.env.TERRAFORM ?? 'terraform';
  if (works(terraform, ['version']))
    return {
      name: 'terraform fmt',
      format: (text) =>
        execFileSync(terraform, ['fmt', '-no-color', '-'], {
          input: text,
          encoding: 'utf8',
          env: quietEnv(),
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
    };
  const hclfmt = [
    process.env.HCLFMT,
    'hclfmt',
    join(process.env.GOPATH ?? join(homedir(), 'go'), 'bin', 'hclfmt'),
  ]
    .filter((candidate): candidate is string => Boolean(candidate))
    .find((candidate) => works(candidate, ['-version']));
  if (hclfmt)
    return {
      name: 'hclfmt',
      format: (text) =>
        execFileSync(hclfmt, [], {
          input: text,
          encoding: 'utf8',
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
    };
  return undefined;
}

const formatter = findFormatter();

export const formatterName = formatter?.name ?? 'none';

/** `text` as terraform fmt (or hclfmt) formats it; throws when neither is installed. */
export function formatHcl(text: string): string {
  if (!formatter)
    throw new Error(
      'no HCL formatter on PATH: install Terraform (`terraform fmt`) or hclfmt (`go install github.com/hashicorp/hcl/v2/cmd/hclfmt@latest`), or set TERRAFORM / HCLFMT',
    );
  return formatter.format(text);
}
