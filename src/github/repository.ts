/**
 * The GitHub side of driftgate for one repository: reading files, listing driftgate's
 * pull requests, and the writes reconcile needs. Commits go through the Git Data API
 * (tree → commit → ref), so GitHub signs them as the app. Every verb is named for the
 * state it ensures, and writes nothing when that state already holds.
 */
import type { ProbotOctokit } from 'probot';
import { parsePullRequestMeta } from './pr-body.js';
import type { ExistingPullRequest } from './reconcile.js';

type Octokit = InstanceType<typeof ProbotOctokit>;

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
};

export class GitHubRepository {
  private labels: Set<string> | undefined;

  constructor(
    readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
    readonly defaultBranch: string,
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
        meta: parsePullRequestMeta(pull.body),
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
    const { data: baseRef } = await this.octokit.rest.git.getRef({
      ...this.base,
      ref: `heads/${this.defaultBranch}`,
    });
    const baseSha = baseRef.object.sha;
    const { data: baseCommit } = await this.octokit.rest.git.getCommit({
      ...this.base,
      commit_sha: baseSha,
    });
    const { data: tree } = await this.octokit.rest.git.createTree({
      ...this.base,
      base_tree: baseCommit.tree.sha,
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
      parents: [baseSha],
    });
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
  }): Promise<number> {
    const { data } = await this.octokit.rest.pulls.create({
      ...this.base,
      head: input.branch,
      base: this.defaultBranch,
      title: input.title,
      body: input.body,
      draft: input.draft,
    });
    await this.octokit.rest.issues.addLabels({
      ...this.base,
      issue_number: data.number,
      labels: input.labels,
    });
    return data.number;
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

  async closePullRequest(number: number, comment: string, label: string): Promise<void> {
    await this.octokit.rest.issues.createComment({
      ...this.base,
      issue_number: number,
      body: comment,
    });
    await this.octokit.rest.issues.addLabels({
      ...this.base,
      issue_number: number,
      labels: [label],
    });
    await this.octokit.rest.pulls.update({ ...this.base, pull_number: number, state: 'closed' });
  }

  async commentAndLabel(number: number, comment: string, label: string): Promise<void> {
    await this.octokit.rest.issues.createComment({
      ...this.base,
      issue_number: number,
      body: comment,
    });
    await this.octokit.rest.issues.addLabels({
      ...this.base,
      issue_number: number,
      labels: [label],
    });
  }
}
