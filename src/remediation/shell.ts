/**
 * Shell commands driftgate prints for people to paste. Every argument that comes from data
 * (an address, an id, a tag, a JSON document, a region) is single-quoted the POSIX way, so
 * a value with `$(…)`, backticks, spaces or quotes reaches the program exactly as it is
 * and never runs as code. Pure.
 */

/** One shell word that is exactly `value`: always single-quoted, `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `terraform plan|apply -target='<address>'`: what Terraform would do for one resource. */
export function terraformTargetCommand(verb: 'plan' | 'apply', address: string): string {
  return `terraform ${verb} -target=${shellQuote(address)}`;
}

/** Both Terraform commands for one resource, plan first. */
export function terraformTargetCommands(address: string): string[] {
  return [terraformTargetCommand('plan', address), terraformTargetCommand('apply', address)];
}

/**
 * `aws ec2 <subcommand> <flags…> --region '<region>'`: flag names are driftgate's own
 * literals; every value is quoted. A flag whose value is `true` is written alone
 * (`--no-source-dest-check`).
 */
export function awsEc2Command(
  subcommand: string,
  flags: readonly (readonly [string, string | true])[],
  region: string | undefined,
): string {
  const words = ['aws', 'ec2', subcommand];
  for (const [flag, value] of flags)
    words.push(value === true ? flag : `${flag} ${shellQuote(value)}`);
  if (region) words.push(`--region ${shellQuote(region)}`);
  return words.join(' ');
}

/**
 * `aws <service> <api-as-cli-name> --cli-input-json '<params>' --region '<region>'`: the API's
 * own parameter shape, so nothing is lost translating parameters into flags.
 */
export function awsCommand(
  service: 'ec2' | 's3api',
  api: string,
  params: Record<string, unknown>,
  region: string | undefined,
): string {
  const words = [
    'aws',
    service,
    api.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase(),
    `--cli-input-json ${shellQuote(JSON.stringify(params))}`,
  ];
  if (region) words.push(`--region ${shellQuote(region)}`);
  return words.join(' ');
}
