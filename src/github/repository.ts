/**
 * The GitHub side of driftgate for one repository: reading files, listing driftgate's
 * pull requests, and the writes reconcile needs. Commits go through the Git Data API
 * (tree → commit → ref), so GitHub signs them as the app. Every verb is named for the
 * state it ensures, and writes nothing when that state already holds.
 */
import type { ProbotOctokit } from 'probot';
import { DriftgateError } from '../errors.js';
import type { CheckResult, RepositoryMergeSettings } from '../policy/merge.js';
import type { RecordReader } from './hidden-json.js';
import { extractPlanJson } from './plan-artifact.js';
import { parsePullRequestMeta } from './pr-body.js';
import type { ExistingPullRequest } from './reconcile.js';

/** What is used of an Octokit: Probot's (the app) and `@octokit/rest`'s (the Action) both fit. */
type Octokit = Pick<
  InstanceType<typeof ProbotOctokit>,
  'rest' | 'paginate' | 'graphql' | 'request'
>;

export interface FileToCommit {
  path: string;
  content: string;
}

const LABEL_COLOURS: Record<string, string> = {
  'driftgate:tier-1': '0e8a16',
  'driftgate:tier-2': 'fbca04',
  'driftgate:tier-3': 'b60205',
  'driftgate:revert': '1d76db',
  'driftgate:codify': '5319e7',
  'driftgate:resolved': 'c2e0c6',
  'driftgate:ignored': 'eeeeee',
  'driftgate:advisory': 'd4c5f9',
  'driftgate:dashboard': '0052cc',
  'driftgate:training': 'bfdadc',
};

/**
 * Every label driftgate puts on PRs and issues. They are created when a repository is set
 * up (installed, synced, or its config checked), so the first drift PR spends no writes
 * on them.
 */
export const DRIFTGATE_LABELS = Object.keys(LABEL_COLOURS);

export interface OpenedPullRequest {
  number: number;
  nodeId: string;
  headSha: string;
}

export interface IssueRef {
  number: number;
  body: string;
}

export class GitHubRepository {
  private labels: Set<string> | undefined;

  constructor(
    readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
    readonly defaultBranch: string,
    /** The app's key for hidden records, and where a rejected record is logged. */
    readonly records: RecordReader,
  ) {}

  private get base() {
    return { owner: this.owner, repo: this.repo };
  }

  /** A file's text at a ref, or undefined when it does not exist. */
  async readFile(path: string, ref = this.defaultBranch): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({ ...this.base, path, ref });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
      return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  /** The Terraform files (`.tf`, `.tfvars`) directly in a stack directory. */
  async readStackFiles(dir: string, ref = this.defaultBranch): Promise<FileToCommit[]> {
    const { data } = await this.octokit.rest.repos.getContent({ ...this.base, path: dir, ref });
    if (!Array.isArray(data)) return [];
    const names = data
      .filter((entry) => entry.type === 'file' && /\.tf$|\.tfvars$/.test(entry.name))
      .map((entry) => entry.path)
      .sort();
    const files: FileToCommit[] = [];
    for (const path of names) files.push({ path, content: (await this.readFile(path, ref)) ?? '' });
    return files;
  }

  /** Every file path under `dir` at a ref (directories walked), or none when it does not exist. */
  async listFilesUnder(dir: string, ref = this.defaultBranch): Promise<string[]> {
    let data: unknown;
    try {
      ({ data } = await this.octokit.rest.repos.getContent({ ...this.base, path: dir, ref }));
    } catch (error) {
      if ((error as { status?: number }).status === 404) return [];
      throw error;
    }
    if (!Array.isArray(data)) return [];
    const paths: string[] = [];
    for (const entry of data as { type: string; path: string }[]) {
      if (entry.type === 'file') paths.push(entry.path);
      else if (entry.type === 'dir') paths.push(...(await this.listFilesUnder(entry.path, ref)));
    }
    return paths;
  }

  async listDriftgatePullRequests(): Promise<ExistingPullRequest[]> {
    const pulls = await this.octokit.paginate(this.octokit.rest.pulls.list, {
      ...this.base,
      state: 'all',
      per_page: 100,
    });
    return pulls
      .filter((pull) => pull.head.ref.startsWith('driftgate/'))
      .map((pull) => ({
        number: pull.number,
        state: pull.state === 'open' ? 'open' : 'closed',
        merged: Boolean(pull.merged_at),
        branch: pull.head.ref,
        labels: pull.labels.map((label) => label.name ?? '').filter(Boolean),
        meta: parsePullRequestMeta(this.records, pull.body),
        nodeId: pull.node_id,
        headSha: pull.head.sha,
        autoMerge: Boolean(pull.auto_merge),
        draft: Boolean(pull.draft),
        createdAt: pull.created_at,
      }));
  }

  async ensureLabels(names: string[]): Promise<void> {
    if (!this.labels) {
      const existing = await this.octokit.paginate(this.octokit.rest.issues.listLabelsForRepo, {
        ...this.base,
        per_page: 100,
      });
      this.labels = new Set(existing.map((label) => label.name));
    }
    for (const name of names) {
      if (this.labels.has(name)) continue;
      await this.octokit.rest.issues.createLabel({
        ...this.base,
        name,
        color: LABEL_COLOURS[name] ?? 'ededed',
      });
      this.labels.add(name);
    }
  }

  /**
   * Put one commit with `files` on top of the default branch at `branch`: created when
   * missing, force-moved when it exists (a remediation branch always holds exactly one
   * driftgate commit on the current default branch).
   */
  async ensureBranchCommit(
    branch: string,
    files: FileToCommit[],
    message: string,
  ): Promise<string> {
    // A branch may outlive its PR (a closed PR keeps its branch), so ask GitHub, not the PR.
    const exists = await this.octokit.rest.git
      .getRef({ ...this.base, ref: `heads/${branch}` })
      .then(() => true)
      .catch((error: { status?: number }) => {
        if (error.status === 404) return false;
        throw error;
      });
    const commit = await this.commitOnDefaultBranchHead(files, message);
    if (exists)
      await this.octokit.rest.git.updateRef({
        ...this.base,
        ref: `heads/${branch}`,
        sha: commit.sha,
        force: true,
      });
    else
      await this.octokit.rest.git.createRef({
        ...this.base,
        ref: `refs/heads/${branch}`,
        sha: commit.sha,
      });
    return commit.sha;
  }

  async openPullRequest(input: {
    branch: string;
    title: string;
    body: string;
    draft: boolean;
    labels: string[];
  }): Promise<OpenedPullRequest> {
    const { data } = await this.octokit.rest.pulls.create({
      ...this.base,
      head: input.branch,
      base: this.defaultBranch,
      title: input.title,
      body: input.body,
      draft: input.draft,
    });
    if (input.labels.length)
      await this.octokit.rest.issues.addLabels({
        ...this.base,
        issue_number: data.number,
        labels: input.labels,
      });
    return { number: data.number, nodeId: data.node_id, headSha: data.head.sha };
  }

  async updatePullRequest(
    number: number,
    input: { title: string; body: string; labels: string[] },
  ): Promise<void> {
    await this.octokit.rest.pulls.update({
      ...this.base,
      pull_number: number,
      title: input.title,
      body: input.body,
    });
    await this.octokit.rest.issues.setLabels({
      ...this.base,
      issue_number: number,
      labels: input.labels,
    });
  }

  async addAssignees(number: number, logins: string[]): Promise<void> {
    await this.octokit.rest.issues.addAssignees({
      ...this.base,
      issue_number: number,
      assignees: logins,
    });
  }

  async closePullRequest(number: number, comment: string, label: string): Promise<void> {
    await this.commentAndLabel(number, comment, label);
    await this.octokit.rest.pulls.update({ ...this.base, pull_number: number, state: 'closed' });
  }

  async commentAndLabel(number: number, comment: string, label: string): Promise<void> {
    await this.comment(number, comment);
    await this.octokit.rest.issues.addLabels({
      ...this.base,
      issue_number: number,
      labels: [label],
    });
  }

  private mergeSettingsCache: RepositoryMergeSettings | undefined;

  /** Can GitHub auto-merge here, and which checks does branch protection require? (Reads only.) */
  async mergeSettings(): Promise<RepositoryMergeSettings> {
    if (this.mergeSettingsCache) return this.mergeSettingsCache;
    const { data: repository } = await this.octokit.rest.repos.get(this.base);
    // "Get a branch" shows the protection summary with contents:read; the protection
    // endpoints themselves would need administration access.
    const { data: branch } = await this.octokit.rest.repos.getBranch({
      ...this.base,
      branch: this.defaultBranch,
    });
    const required = branch.protection?.required_status_checks;
    const requiredChecks = [
      ...new Set([
        ...(required?.contexts ?? []),
        ...(required?.checks ?? []).map((check) => check.context),
      ]),
    ];
    this.mergeSettingsCache = {
      allowAutoMerge: Boolean(repository.allow_auto_merge),
      requiredChecks:
        branch.protected && required?.enforcement_level !== 'off' ? requiredChecks : [],
    };
    return this.mergeSettingsCache;
  }

  /** GitHub auto-merge, pinned to the head driftgate wrote (a later push disarms it). */
  async enableAutoMerge(nodeId: string, expectedHeadOid: string): Promise<void> {
    await this.octokit.graphql(
      `mutation($pullRequestId: ID!, $expectedHeadOid: GitObjectID!) {
        enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, expectedHeadOid: $expectedHeadOid, mergeMethod: SQUASH}) {
          pullRequest { number }
        }
      }`,
      { pullRequestId: nodeId, expectedHeadOid },
    );
  }

  async disableAutoMerge(nodeId: string): Promise<void> {
    await this.octokit.graphql(
      `mutation($pullRequestId: ID!) {
        disablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId}) { pullRequest { number } }
      }`,
      { pullRequestId: nodeId },
    );
  }

  /** Every check run and commit status on a commit. */
  async checksOn(sha: string): Promise<CheckResult[]> {
    const runs = await this.octokit.paginate(this.octokit.rest.checks.listForRef, {
      ...this.base,
      ref: sha,
      filter: 'latest',
      per_page: 100,
    });
    const { data: combined } = await this.octokit.rest.repos.getCombinedStatusForRef({
      ...this.base,
      ref: sha,
    });
    return [
      ...runs.map((run) => ({ name: run.name, status: run.status, conclusion: run.conclusion })),
      ...combined.statuses.map((status) => ({
        name: status.context,
        status: status.state === 'pending' ? 'in_progress' : 'completed',
        conclusion: status.state === 'pending' ? null : status.state,
      })),
    ];
  }

  /** Merge (squash) exactly the commit driftgate checked; GitHub refuses if the head moved. */
  async mergePullRequest(number: number, sha: string, title: string): Promise<void> {
    await this.octokit.rest.pulls.merge({
      ...this.base,
      pull_number: number,
      sha,
      merge_method: 'squash',
      commit_title: `${title} (#${number})`,
    });
  }

  async setLabels(number: number, labels: string[]): Promise<void> {
    await this.octokit.rest.issues.setLabels({ ...this.base, issue_number: number, labels });
  }

  async comment(number: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...this.base, issue_number: number, body });
  }

  /** The open issue labelled as driftgate's dashboard, if any. */
  async findDashboardIssue(label: string, title: string): Promise<IssueRef | undefined> {
    const issues = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, {
      ...this.base,
      state: 'open',
      labels: label,
      per_page: 100,
    });
    const issue = issues.find((candidate) => !candidate.pull_request && candidate.title === title);
    return issue ? { number: issue.number, body: issue.body ?? '' } : undefined;
  }

  async createIssue(title: string, body: string, labels: string[]): Promise<number> {
    const { data } = await this.octokit.rest.issues.create({ ...this.base, title, body, labels });
    return data.number;
  }

  async updateIssueBody(number: number, body: string): Promise<void> {
    await this.octokit.rest.issues.update({ ...this.base, issue_number: number, body });
  }

  async updatePullRequestBody(number: number, body: string): Promise<void> {
    await this.octokit.rest.pulls.update({ ...this.base, pull_number: number, body });
  }

  /** Files a PR changed (paths and status), for finding its ledger record. */
  async pullRequestFiles(number: number): Promise<{ path: string; status: string }[]> {
    const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
      ...this.base,
      pull_number: number,
      per_page: 100,
    });
    return files.map((file) => ({ path: file.filename, status: file.status }));
  }

  /** Latest review state per reviewer. */
  async latestReviews(number: number): Promise<{ login: string; state: string }[]> {
    const reviews = await this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
      ...this.base,
      pull_number: number,
      per_page: 100,
    });
    const latest = new Map<string, string>();
    for (const review of reviews)
      if (review.user && review.state !== 'COMMENTED') latest.set(review.user.login, review.state);
    return [...latest].map(([login, state]) => ({ login, state }));
  }

  /** The user's permission on the repository (undefined: not a collaborator). */
  async permissionOf(login: string): Promise<{ permission?: string; role?: string }> {
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({
        ...this.base,
        username: login,
      });
      return { permission: data.permission, role: (data as { role_name?: string }).role_name };
    } catch (error) {
      if ((error as { status?: number }).status === 404) return {};
      throw error;
    }
  }

  /**
   * One commit with `files` on top of the default branch, fast-forward only: if the branch
   * moved meanwhile GitHub refuses, and the caller reports instead of overwriting.
   */
  async commitToDefaultBranch(files: FileToCommit[], message: string): Promise<string> {
    const commit = await this.commitOnDefaultBranchHead(files, message);
    await this.octokit.rest.git.updateRef({
      ...this.base,
      ref: `heads/${this.defaultBranch}`,
      sha: commit.sha,
      force: false,
    });
    return commit.sha;
  }

  /** A commit (tree + commit, no ref yet) with `files` on top of the default branch's head. */
  private async commitOnDefaultBranchHead(
    files: FileToCommit[],
    message: string,
  ): Promise<{ sha: string }> {
    const { data: ref } = await this.octokit.rest.git.getRef({
      ...this.base,
      ref: `heads/${this.defaultBranch}`,
    });
    const { data: head } = await this.octokit.rest.git.getCommit({
      ...this.base,
      commit_sha: ref.object.sha,
    });
    const { data: tree } = await this.octokit.rest.git.createTree({
      ...this.base,
      base_tree: head.tree.sha,
      tree: files.map((file) => ({
        path: file.path,
        mode: '100644' as const,
        type: 'blob' as const,
        content: file.content,
      })),
    });
    const { data: commit } = await this.octokit.rest.git.createCommit({
      ...this.base,
      message,
      tree: tree.sha,
      parents: [ref.object.sha],
    });
    return commit;
  }

  async getPullRequest(number: number) {
    const { data } = await this.octokit.rest.pulls.get({ ...this.base, pull_number: number });
    return data;
  }

  /** The commit the default branch points at. */
  async defaultBranchHead(): Promise<string> {
    const { data } = await this.octokit.rest.git.getRef({
      ...this.base,
      ref: `heads/${this.defaultBranch}`,
    });
    return data.object.sha;
  }

  /**
   * The plan JSON a workflow run uploaded as an artifact (a zip holding one `.json` file:
   * the output of `terraform show -json PLANFILE`), at most `limit` bytes uncompressed.
   */
  async downloadPlanArtifact(
    runId: number,
    name: string,
    limit: number,
  ): Promise<{ path: string; text: string }> {
    const where = `artifact "${name}" of workflow run ${runId}`;
    const { data } = await this.octokit.rest.actions.listWorkflowRunArtifacts({
      ...this.base,
      run_id: runId,
      name,
      per_page: 100,
    });
    const artifact = data.artifacts.find(
      (candidate) => candidate.name === name && !candidate.expired,
    );
    if (!artifact) throw new DriftgateError(`no ${where} (missing or expired)`);
    // A zip is never much larger than what it holds: one over the limit is not a plan.
    if (artifact.size_in_bytes > limit)
      throw new DriftgateError(
        `${where} is ${artifact.size_in_bytes} bytes; the limit is ${limit} (limits.plan_json_bytes)`,
      );
    const { data: zip } = await this.octokit.rest.actions.downloadArtifact({
      ...this.base,
      artifact_id: artifact.id,
      archive_format: 'zip',
    });
    const plan = extractPlanJson(new Uint8Array(zip as ArrayBuffer), where, limit);
    return { path: `${name}/${plan.name}`, text: plan.text };
  }
}
