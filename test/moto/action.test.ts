/**
 * The GitHub Action end to end, run as a workflow runs it: the committed bundle
 * (dist-action/index.js) in its own node process, with GITHUB_* and INPUT_* variables,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files; the real `@octokit/rest` client against the
 * stateful fake GitHub served over HTTP (GITHUB_API_URL), and the real EC2 client against
 * moto with the step's AWS credentials. The repository's config extends its organisation's
 * `.github` repository.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  ALL_EGRESS_RULE,
  RDP,
  SSH,
  SSH_RULE,
  securityGroupTf,
} from '../support/drift-repository.js';
import { FakeGitHub } from '../support/fake-github.js';
import { serveFakeGitHub, type FakeGitHubServer } from '../support/fake-github-http.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { securityGroup, v4State } from '../support/state-builder.js';

const DIR = 'envs/prod/network';
const OWNER = 'acme';
const REPO = 'network';
const ORG_CONFIG =
  'attribution:\n  source: off\ntiers:\n  rules:\n    - match: { environment: prod }\n      tier: 1\n';
const REPO_CONFIG = `_extends: .github\nstacks:\n  - name: prod-network\n    dir: ${DIR}\n    environment: prod\n    state: ${DIR}/terraform.tfstate\n    aws:\n      region: us-east-1\ntiers:\n  rules:\n    - match: { environment: prod }\n      tier: 2\n`;

interface StepResult {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** The runner's output file format (`name<<DELIMITER`). */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]!] = match[3]!;
  return outputs;
}

describeWithMoto('the driftgate Action (bundle, fake GitHub over HTTP, moto)', () => {
  let github: FakeGitHub;
  let organisation: FakeGitHub;
  let server: FakeGitHubServer;
  let work: string;

  beforeAll(async () => {
    const ec2 = motoEc2();
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const resources = [];
    const tf: string[] = [];
    for (const name of ['web', 'api']) {
      const id = (
        await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: name,
            Description: 'Web tier',
            VpcId: vpcId,
          }),
        )
      ).GroupId!;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [SSH] }),
      );
      const ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })))
        .SecurityGroups![0]!.OwnerId!;
      resources.push(
        securityGroup(name, {
          id,
          name,
          description: 'Web tier',
          vpcId,
          ownerId,
          ingress: [SSH_RULE],
          egress: [ALL_EGRESS_RULE],
        }),
      );
      tf.push(securityGroupTf(name));
      // The hand change: RDP opened to the internet on both groups.
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [RDP] }),
      );
    }
    github = new FakeGitHub(OWNER, REPO);
    github.commit(
      undefined,
      {
        '.github/driftgate.yml': REPO_CONFIG,
        [`${DIR}/main.tf`]: tf.join('\n'),
        [`${DIR}/terraform.tfstate`]: v4State(resources),
      },
      github.defaultBranch,
    );
    organisation = new FakeGitHub(OWNER, '.github');
    organisation.commit(undefined, { '.github/driftgate.yml': ORG_CONFIG }, 'main');
    github.install();
    organisation.install();
    server = await serveFakeGitHub();
    work = await mkdtemp(join(tmpdir(), 'driftgate-action-'));
  });
  afterAll(async () => {
    await server.close();
    github.uninstall();
    organisation.uninstall();
  });
  beforeEach(() => {
    github.writes.length = 0;
  });

  let runs = 0;
  /** One workflow step running the bundle. */
  async function step(inputs: Record<string, string>): Promise<StepResult> {
    runs += 1;
    const outputPath = join(work, `output-${runs}`);
    const summaryPath = join(work, `summary-${runs}`);
    await writeFile(outputPath, '');
    await writeFile(summaryPath, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: work,
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_API_URL: `http://${server.host}`,
      GITHUB_RUN_ID: String(1000 + runs),
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      RUNNER_TEMP: work,
      AWS_ENDPOINT_URL: motoEndpoint(),
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      INPUT_TOKEN: 'ghs_test_token',
      'INPUT_DETAILED-EXITCODE': 'false',
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          ['dist-action/index.js'],
          { env, cwd: process.cwd() },
          (error, stdout) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
        );
      },
    );
    return {
      code,
      stdout,
      outputs: parseOutputs(await readFile(outputPath, 'utf8')),
      summary: await readFile(summaryPath, 'utf8'),
    };
  }

  const propose = { mode: 'propose', 'metadata-key': 'a-stable-secret-for-this-repository' };

  it('report mode: finds both drifts, writes the report and summary, and writes nothing to GitHub', async () => {
    const result = await step({ mode: 'report', 'detailed-exitcode': 'true' });
    expect(result.code).toBe(2);
    expect(result.outputs['drift-count']).toBe('2');
    expect(result.outputs['pull-requests']).toBe('[]');
    const report = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(report.drift_count).toBe(2);
    expect(
      report.stacks[0].drifts.map((drift: { address: string }) => drift.address).sort(),
    ).toEqual(['aws_security_group.api', 'aws_security_group.web']);
    // The organisation's `attribution: off` applied; the repository's tier 2 won over its tier 1.
    expect(report.stacks[0].drifts[0].attribution_skipped).toBe('off');
    expect(report.stacks[0].drifts[0].tier).toBe(2);
    expect(result.summary).toContain('### Stack `prod-network`');
    expect(result.summary).toContain(
      'Report mode: driftgate opened, changed and closed no pull requests',
    );
    expect(github.writes).toEqual([]);
    expect(github.pullRequests).toEqual([]);
  });

  it('propose mode: one PR per drift and the dashboard; outputs and summary name them; never merges', async () => {
    const result = await step({ ...propose, 'detailed-exitcode': 'true' });
    expect(result.stdout).not.toContain('::error');
    expect(result.code).toBe(2);
    expect(github.pullRequests.map((pr) => pr.head.ref).sort()).toEqual([
      'driftgate/prod-network/aws_security_group.api',
      'driftgate/prod-network/aws_security_group.web',
    ]);
    const numbers = github.pullRequests.map((pr) => pr.number).sort((a, b) => a - b);
    expect(JSON.parse(result.outputs['pull-requests']!)).toEqual(numbers);
    expect(result.outputs['drift-count']).toBe('2');
    for (const pr of github.pullRequests) {
      expect(result.summary).toContain(
        `| \`${pr.head.ref.split('/').pop()}\` | #${pr.number} | opened |`,
      );
      expect(pr.auto_merge).toBeNull();
    }
    expect(github.issues.map((issue) => issue.labels.map((label) => label.name))).toEqual([
      ['driftgate:dashboard'],
    ]);
    expect(github.graphql).toEqual([]);
    // No check runs: a workflow's token rarely has `checks: write` (see the examples).
    expect(github.writes.filter((write) => write.includes('/check-runs'))).toEqual([]);
  });

  it('an unchanged rerun writes nothing and reports the same PRs', async () => {
    const before = github.pullRequests.map((pr) => pr.number).sort((a, b) => a - b);
    const result = await step(propose);
    expect(result.code).toBe(0);
    expect(github.writes).toEqual([]);
    expect(JSON.parse(result.outputs['pull-requests']!)).toEqual(before);
    expect(result.summary).toContain('| unchanged |');
  });

  it('the stricter mode wins: a stack the config keeps in report mode gets nothing from a propose run', async () => {
    const open = github.pullRequests.map((pr) => ({ number: pr.number, state: pr.state }));
    const dashboard = github.issues.map((issue) => issue.body);
    github.commit(
      undefined,
      {
        ...Object.fromEntries(github.filesAt(github.defaultBranch)),
        '.github/driftgate.yml': REPO_CONFIG.replace(
          '    environment: prod\n',
          '    environment: prod\n    mode: report\n',
        ),
      },
      github.defaultBranch,
    );
    github.writes.length = 0;
    const result = await step({ ...propose, 'detailed-exitcode': 'true' });
    expect(result.stdout).not.toContain('::error');
    expect(result.code).toBe(2);
    expect(result.outputs['drift-count']).toBe('2');
    expect(result.outputs['pull-requests']).toBe('[]');
    expect(result.summary).toContain(
      '_Stack `prod-network` is in `report` mode in its config: driftgate opened, changed and closed no pull requests for it._',
    );
    // No PR opened, updated or closed, and the dashboard as it was.
    expect(github.writes).toEqual([]);
    expect(github.pullRequests.map((pr) => ({ number: pr.number, state: pr.state }))).toEqual(open);
    expect(github.issues.map((issue) => issue.body)).toEqual(dashboard);
    github.commit(
      undefined,
      {
        ...Object.fromEntries(github.filesAt(github.defaultBranch)),
        '.github/driftgate.yml': REPO_CONFIG,
      },
      github.defaultBranch,
    );
  });

  it('a broken organisation config stops the run, naming the parent file; nothing is written', async () => {
    organisation.commit(
      undefined,
      { '.github/driftgate.yml': 'attribution:\n  source: sometimes\n' },
      'main',
    );
    const result = await step(propose);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `::error title=driftgate::${OWNER}/.github:.github/driftgate.yml:2:`,
    );
    expect(result.summary).toContain(`${OWNER}/.github:.github/driftgate.yml:2:`);
    expect(result.summary).toContain('attribution.source');
    expect(github.writes).toEqual([]);
    organisation.commit(undefined, { '.github/driftgate.yml': ORG_CONFIG }, 'main');
  });

  it('bad inputs are one line naming the input, exit 1', async () => {
    const result = await step({ mode: 'remediate' });
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(
      '::error title=driftgate::input mode must be report or propose, not "remediate"',
    );
  });
});
