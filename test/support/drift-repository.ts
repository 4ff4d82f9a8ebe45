/**
 * One scenario's world: a security group in moto whose Terraform code and state live in a
 * stateful fake GitHub repository, and driftgate (real Probot, real Octokit) receiving
 * GitHub's own example webhook payloads about it.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { FakeGitHub, type FakePullRequest } from './fake-github.js';
import { motoEc2 } from './moto.js';
import { INSTALLATION, driftgateApp, examplePayload, type DriftgateTestApp } from './probot.js';
import { securityGroup, v4State } from './state-builder.js';
import type { AppEnvironment } from '../../src/app/environment.js';

export const SSH: IpPermission = {
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'SSH from the VPN' }],
};
export const RDP: IpPermission = {
  IpProtocol: 'tcp',
  FromPort: 3389,
  ToPort: 3389,
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
};

/** The same two rules as Terraform records them in state. */
export const SSH_RULE = {
  protocol: 'tcp',
  from_port: 22,
  to_port: 22,
  cidr_blocks: ['10.0.0.0/8'],
  description: 'SSH from the VPN',
};
export const ALL_EGRESS_RULE = {
  protocol: '-1',
  from_port: 0,
  to_port: 0,
  cidr_blocks: ['0.0.0.0/0'],
};

export function securityGroupTf(name: string): string {
  return `resource "aws_security_group" "${name}" {
  name        = "${name}"
  description = "Web tier"

  ingress {
    description = "SSH from the VPN"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
}

export interface DriftRepositoryOptions {
  stack?: string;
  dir?: string;
  environment?: string;
  /** YAML appended to the generated config (tiers, limits, ignore …). */
  configExtra?: string;
  /** Security groups in the stack (resource names); default one, "web". */
  groups?: string[];
  /** Installation id in payloads (the hourly PR cap is per installation). */
  installationId?: number;
  /** Also let a "bastion" group (outside the stack) reach each group on tcp/22. */
  bastion?: boolean;
  /** The config's `attribution:` block (YAML, indented two spaces); default `source: off`. */
  attribution?: string;
  /** The app's environment (notification targets …); default TEST_ENVIRONMENT. */
  appEnvironment?: AppEnvironment;
}

export class DriftRepository {
  readonly ec2 = motoEc2();
  readonly github: FakeGitHub;
  readonly repository: Record<string, unknown>;
  readonly groupIds = new Map<string, string>();
  bastionId: string | undefined;
  readonly stack: string;
  readonly dir: string;
  readonly installation: { id: number; node_id: string };
  /** The time driftgate's jobs act at: a test moves it to see schedules and expiries. */
  now = (): Date => new Date();
  readonly app: DriftgateTestApp;

  private constructor(readonly options: DriftRepositoryOptions) {
    this.app = driftgateApp({ now: () => this.now(), environment: options.appEnvironment });
    this.stack = options.stack ?? 'net';
    this.dir = options.dir ?? 'envs/net';
    this.installation = { ...INSTALLATION, id: options.installationId ?? INSTALLATION.id };
    this.repository = examplePayload('repository_dispatch').repository as Record<string, unknown>;
    this.github = new FakeGitHub(
      (this.repository.owner as { login: string }).login,
      this.repository.name as string,
      this.repository.default_branch as string,
    );
  }

  static async create(options: DriftRepositoryOptions = {}): Promise<DriftRepository> {
    const world = new DriftRepository(options);
    await world.build();
    world.github.install();
    return world;
  }

  get groupId(): string {
    return this.groupIds.values().next().value!;
  }

  config(): string {
    return `stacks:\n  - name: ${this.stack}\n    dir: ${this.dir}\n    environment: ${this.options.environment ?? 'prod'}\n    state: ${this.dir}/terraform.tfstate\n    aws:\n      region: us-east-1\nattribution:\n${this.options.attribution ?? '  source: off\n'}${this.options.configExtra ?? ''}`;
  }

  private async build(): Promise<void> {
    const vpcId = (await this.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!
      .VpcId!;
    const resources = [];
    const files: Record<string, string> = { '.github/driftgate.yml': this.config() };
    if (this.options.bastion)
      this.bastionId = (
        await this.ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: `bastion-${vpcId}`,
            Description: 'Bastion hosts',
            VpcId: vpcId,
          }),
        )
      ).GroupId!;
    const fromBastion = this.bastionId
      ? [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            UserIdGroupPairs: [{ GroupId: this.bastionId }],
          },
        ]
      : [];
    for (const name of this.options.groups ?? ['web']) {
      const groupId = (
        await this.ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: `${name}-${vpcId}`,
            Description: 'Web tier',
            VpcId: vpcId,
          }),
        )
      ).GroupId!;
      this.groupIds.set(name, groupId);
      await this.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [SSH, ...fromBastion],
        }),
      );
      const ownerId = (
        await this.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))
      ).SecurityGroups![0]!.OwnerId!;
      resources.push(
        securityGroup(name, {
          id: groupId,
          name: `${name}-${vpcId}`,
          description: 'Web tier',
          vpcId,
          ownerId,
          ingress: [
            SSH_RULE,
            ...(this.bastionId
              ? [{ protocol: 'tcp', from_port: 22, to_port: 22, security_groups: [this.bastionId] }]
              : []),
          ],
          egress: [ALL_EGRESS_RULE],
        }),
      );
      files[`${this.dir}/${name}.tf`] = securityGroupTf(name).replace(
        `name        = "${name}"`,
        `name        = "${name}-${vpcId}"`,
      );
    }
    files[`${this.dir}/terraform.tfstate`] = v4State(resources);
    this.github.commit(undefined, files, this.github.defaultBranch);
  }

  /** Someone opens RDP to the internet by hand. */
  async openRdp(group = 'web'): Promise<void> {
    await this.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: this.groupIds.get(group)!,
        IpPermissions: [RDP],
      }),
    );
  }

  async closeRdp(group = 'web'): Promise<void> {
    await this.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: this.groupIds.get(group)!,
        IpPermissions: [RDP],
      }),
    );
  }

  deliver(name: string, payload: Record<string, unknown>): Promise<void> {
    return this.app.receive({
      id: String(Math.random()),
      name,
      payload: { ...payload, repository: this.repository, installation: this.installation },
    } as never);
  }

  /** The repository as the job layer names it in jobs and schedules. */
  get ref() {
    return {
      installationId: this.installation.id,
      owner: (this.repository.owner as { login: string }).login,
      repo: this.repository.name as string,
      defaultBranch: this.repository.default_branch as string,
    };
  }

  /** GitHub sends a push to the default branch touching `paths`. */
  push(paths: string[]): Promise<void> {
    const example = examplePayload('push');
    return this.deliver('push', {
      ...example,
      ref: `refs/heads/${this.github.defaultBranch}`,
      deleted: false,
      after: this.github.branches.get(this.github.defaultBranch)!,
      commits: [{ ...(example.commits as object[])[0], added: [], removed: [], modified: paths }],
    });
  }

  /** The repository's schedule comes round: what its job scheduler adds, run to the end. */
  async scheduledScan(): Promise<void> {
    await this.app.jobs.enqueue({ kind: 'scheduled-scan', ...this.ref });
    await this.app.jobs.settled();
  }

  scan(): Promise<void> {
    return this.deliver('repository_dispatch', {
      ...examplePayload('repository_dispatch'),
      action: 'driftgate-scan',
      client_payload: {},
    });
  }

  open(): FakePullRequest[] {
    return this.github.pullRequests.filter((pr) => pr.state === 'open');
  }

  driftPullRequests(): FakePullRequest[] {
    return this.open().filter((pr) => pr.head.ref.startsWith(`driftgate/${this.stack}/`));
  }

  user(login: string, type = 'User'): Record<string, unknown> {
    const example = examplePayload('issue_comment', (candidate) => candidate.action === 'created');
    return { ...(example.sender as object), login, type };
  }

  comment(number: number, body: string, login: string): Promise<void> {
    const example = examplePayload('issue_comment', (candidate) => candidate.action === 'created');
    const issue = {
      ...(example.issue as object),
      number,
      pull_request: { url: `https://api.github.com/repos/x/y/pulls/${number}` },
    };
    return this.deliver('issue_comment', {
      ...example,
      issue,
      comment: {
        ...(example.comment as object),
        id: 1000 + number,
        body,
        user: this.user(login),
      },
      sender: this.user(login),
    });
  }

  /** The pull_request payload GitHub would send for this fake PR now. */
  pullRequestPayload(pr: FakePullRequest, action: string, extra: Record<string, unknown> = {}) {
    const example = examplePayload('pull_request', (candidate) => candidate.action === 'opened');
    const base = example.pull_request as Record<string, unknown>;
    const fullName = this.repository.full_name as string;
    return {
      ...example,
      action,
      number: pr.number,
      pull_request: {
        ...base,
        number: pr.number,
        node_id: pr.node_id,
        state: pr.state,
        draft: pr.draft,
        title: pr.title,
        body: pr.body,
        labels: pr.labels,
        auto_merge: pr.auto_merge,
        merged: pr.merged_at !== null,
        merged_at: pr.merged_at,
        merge_commit_sha: pr.merge_commit_sha,
        merged_by: pr.merged_by,
        head: {
          ...(base.head as object),
          ref: pr.head.ref,
          sha: this.github.branches.get(pr.head.ref) ?? pr.head.sha,
          repo: { ...(this.repository as object), full_name: pr.headRepo ?? fullName },
        },
        base: {
          ...(base.base as object),
          ref: pr.base.ref,
          repo: { ...(this.repository as object), full_name: fullName },
        },
      },
      ...extra,
    };
  }

  private nextPull = 900;

  /** Someone opens an ordinary PR: one commit on the default branch with `files` changed. */
  async openPullRequest(branch: string, files: Record<string, string>): Promise<FakePullRequest> {
    const { github } = this;
    github.branches.set(branch, github.branches.get(github.defaultBranch)!);
    github.commit(
      undefined,
      { ...Object.fromEntries(github.filesAt(github.defaultBranch)), ...files },
      branch,
    );
    const number = this.nextPull++;
    const pr: FakePullRequest = {
      number,
      node_id: `PR_human${number}`,
      created_at: new Date().toISOString(),
      merge_commit_sha: null,
      merged_by: null,
      auto_merge: null,
      state: 'open',
      merged_at: null,
      draft: false,
      title: `Change ${branch}`,
      body: 'An unrelated change',
      head: { ref: branch, sha: github.branches.get(branch)! },
      base: { ref: github.defaultBranch },
      labels: [],
      comments: [],
    };
    github.pullRequests.push(pr);
    await this.deliver('pull_request', this.pullRequestPayload(pr, 'opened'));
    return pr;
  }

  /** Someone pushes `files` to the PR's branch; GitHub sends pull_request.synchronize. */
  async pushToPullRequest(pr: FakePullRequest, files: Record<string, string>): Promise<void> {
    const { github } = this;
    github.commit(
      undefined,
      { ...Object.fromEntries(github.filesAt(pr.head.ref)), ...files },
      pr.head.ref,
    );
    await this.deliver('pull_request', this.pullRequestPayload(pr, 'synchronize'));
  }

  /** The guard check runs on the PR's current head. */
  guardRuns(pr: FakePullRequest) {
    const sha = this.github.branches.get(pr.head.ref);
    return this.github.checkRuns.filter(
      (run) => run.name === 'driftgate/guard' && run.head_sha === sha,
    );
  }

  /** A person presses "Re-run" on the guard check of `pr`. */
  rerunGuard(pr: FakePullRequest): Promise<void> {
    const example = examplePayload('check_run', (candidate) => candidate.action === 'rerequested');
    const [run] = this.guardRuns(pr);
    return this.deliver('check_run', {
      ...example,
      check_run: {
        ...(example.check_run as object),
        id: run!.id,
        name: 'driftgate/guard',
        head_sha: run!.head_sha,
        external_id: run!.external_id ?? '',
        pull_requests: [{ number: pr.number }],
      },
    });
  }

  label(pr: FakePullRequest, action: 'labeled' | 'unlabeled', name: string, login: string) {
    if (action === 'labeled') {
      if (!pr.labels.some((label) => label.name === name)) pr.labels.push({ name });
    } else pr.labels = pr.labels.filter((label) => label.name !== name);
    return this.deliver(
      'pull_request',
      this.pullRequestPayload(pr, action, { label: { name }, sender: this.user(login) }),
    );
  }

  /** A person merges the PR (after `approvers` approved it); GitHub sends pull_request.closed. */
  async mergeAsHuman(pr: FakePullRequest, by: string, approvers: string[] = []): Promise<void> {
    this.github.reviews.set(
      pr.number,
      approvers.map((login, index) => ({
        id: index + 1,
        user: { login },
        state: 'APPROVED' as const,
        commit_id: this.github.branches.get(pr.head.ref)!,
      })),
    );
    this.github.merge(pr.number, by);
    await this.deliver(
      'pull_request',
      this.pullRequestPayload(pr, 'closed', { sender: this.user(by) }),
    );
  }

  /** The live ingress of a group, as "proto/port cidr" strings. */
  async liveIngress(group = 'web'): Promise<string[]> {
    const { SecurityGroups } = await this.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [this.groupIds.get(group)!] }),
    );
    return SecurityGroups![0]!
      .IpPermissions!.flatMap((permission) => [
        ...(permission.IpRanges ?? []).map(
          (range) => `${permission.IpProtocol}/${permission.FromPort} ${range.CidrIp}`,
        ),
        ...(permission.UserIdGroupPairs ?? []).map(
          (pair) => `${permission.IpProtocol}/${permission.FromPort} ${pair.GroupId}`,
        ),
      ])
      .sort();
  }

  close(): void {
    this.github.uninstall();
  }
}

export const labelsOf = (pr: FakePullRequest | undefined) => pr?.labels.map((label) => label.name);
