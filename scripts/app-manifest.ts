/**
 * `npm run manifest -- --webhook-url https://driftgate.example.com/api/github/webhooks`:
 * print the GitHub App manifest (app.yml) with the webhook URL the deployment answers on,
 * for GitHub's "register an app from a manifest" flow (docs/install.md).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export function appManifest(appYml: string, webhookUrl: string | undefined): object {
  if (!webhookUrl)
    throw new Error(
      '--webhook-url is required: the URL GitHub sends webhooks to (https://<host>/api/github/webhooks)',
    );
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    throw new Error(`--webhook-url: "${webhookUrl}" is not a URL`);
  }
  if (url.protocol !== 'https:')
    throw new Error('--webhook-url must be https: GitHub signs, but does not encrypt, deliveries');
  if (/(^|\.)(example\.(com|org|net)|example|invalid|localhost|test)$/.test(url.hostname))
    throw new Error(`--webhook-url: ${url.hostname} is a placeholder, not your deployment`);
  const manifest = parse(appYml) as Record<string, unknown>;
  return { ...manifest, hook_attributes: { url: url.toString(), active: true } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const index = process.argv.indexOf('--webhook-url');
  try {
    const manifest = appManifest(
      readFileSync('app.yml', 'utf8'),
      index > 0 ? process.argv[index + 1] : undefined,
    );
    process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    console.error(`app.yml: ${(error as Error).message}`);
    process.exit(1);
  }
}
