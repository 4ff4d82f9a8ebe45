/**
 * A stateful fake of the GitHub REST API for one repository, served through nock at the
 * HTTP layer, so the real Octokit (inside Probot) talks to it and a scenario sees its own
 * writes: branches, commits and trees (Git Data API), file contents, pull requests,
 * labels, comments and check runs. Requests it does not know fail the test: nock refuses
 * every other connection (loopback stays open for moto).
 */
import nock from 'nock';

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null };
  /** Buttons the app put on the run (check_run.requested_action). */
  actions?: { label: string; description: string; identifier: string }[];
  /** The app's own reference on the run (only the app that made the run can set it). */
  external_id?: string;
  /** The GitHub App that made the run: driftgate's (id 1, the tests' APP_ID) unless a test says. */
  app?: { id: number };
}

export interface FakeCommit {
  sha: string;
  message: string;
  parents: string[];
  files: Map<string, string>;
}

export interface FakePullRequest {
  number: number;
  node_id: string;
  created_at: string;
  merge_commit_sha: string | null;
  merged_by: { login: string } | null;
  auto_merge: { merge_method: string } | null;
  state: 'open' | 'closed';
  merged_at: string | null;
  draft: boolean;
  title: string;
  body: string;
  head: { ref: string; sha: string };
  /** The repository the head branch lives in, when it is a fork. */
  headRepo?: string;
  base: { ref: string };
  labels: { name: string }[];
  comments: string[];
  assignees?: { login: string }[];
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: { name: string }[];
  comments: string[];
}

export interface FakeReview {
  id: number;
  user: { login: string };
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  commit_id: string;
}

type Reply = [number, unknown];

export class FakeGitHub {
  readonly commits = new Map<string, FakeCommit>();
  readonly branches = new Map<string, string>();
  readonly checkRuns: FakeCheckRun[] = [];
  readonly pullRequests: FakePullRequest[] = [];
  readonly labels = new Set<string>();
  /** Repository permission by user login ("admin", "write", "read"); missing = not a collaborator. */
  readonly permissions = new Map<string, string>();
  readonly reactions: { commentId: number; content: string }[] = [];
  readonly issues: FakeIssue[] = [];
  /** Reviews by pull request number. */
  readonly reviews = new Map<number, FakeReview[]>();
  /** Commit statuses by sha. */
  readonly statuses = new Map<string, { context: string; state: string }[]>();
  /** Repository settings and default-branch protection, as GitHub reports them. */
  readonly settings = { allowAutoMerge: false, requiredChecks: [] as string[] };
  /** GraphQL mutations the app ran, by name, with their variables. */
  readonly graphql: { mutation: string; variables: Record<string, unknown> }[] = [];
  /** Workflow dispatches the app made. */
  readonly dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[] = [];
  /** Workflow run artifacts by run id: name and zip bytes. */
  readonly artifacts = new Map<number, { id: number; name: string; zip: Uint8Array }[]>();
  /** Every request the app made (reads too), as "METHOD /path". */
  readonly requests: string[] = [];
  /** Every write the app made, as "METHOD /path". */
  readonly writes: string[] = [];
  readonly defaultBranch: string;
  private nextId = 1;
  private nextSha = 1;

  constructor(
    readonly owner: string,
    readonly repo: string,
    defaultBranch = 'main',
  ) {
    this.defaultBranch = defaultBranch;
  }

  private sha(): string {
    return (this.nextSha++).toString(16).padStart(40, 'c');
  }

  /** Add a commit with exactly these files; `branch` (if given) points at it. */
  commit(sha: string | undefined, files: Record<string, string>, branch?: string): string {
    const id = sha ?? this.sha();
    const parent = branch ? this.branches.get(branch) : undefined;
    this.commits.set(id, {
      sha: id,
      message: 'test',
      parents: parent ? [parent] : [],
      files: new Map(Object.entries(files)),
    });
    if (branch) this.branches.set(branch, id);
    return id;
  }

  /** Files of a branch or commit. */
  filesAt(ref: string): Map<string, string> {
    const sha = this.branches.get(ref) ?? ref;
    return this.commits.get(sha)?.files ?? new Map();
  }

  private contents(path: string, ref: string): Reply {
    const files = this.filesAt(ref);
    const content = files.get(path);
    if (content !== undefined)
      return [
        200,
        {
          type: 'file',
          encoding: 'base64',
          name: path.split('/').pop(),
          path,
          content: Buffer.from(content).toString('base64'),
        },
      ];
    const prefix = `${path.replace(/\/$/, '')}/`;
    const entries = new Map<string, { type: string; name: string; path: string }>();
    for (const file of files.keys()) {
      if (!file.startsWith(prefix)) continue;
      const [name, ...rest] = file.slice(prefix.length).split('/');
      entries.set(name!, {
        type: rest.length ? 'dir' : 'file',
        name: name!,
        path: `${prefix}${name}`,
      });
    }
    return entries.size ? [200, [...entries.values()]] : [404, { message: 'Not Found' }];
  }

  /** Squash-merge a PR as GitHub would: the head's changes on top of the base. */
  merge(number: number, by = 'octocat'): string {
    const pr = this.pullRequests.find((candidate) => candidate.number === number)!;
    const head = this.commits.get(this.branches.get(pr.head.ref)!)!;
    const headBase = this.commits.get(head.parents[0] ?? '')?.files ?? new Map<string, string>();
    const base = this.branches.get(pr.base.ref)!;
    const files = new Map(this.commits.get(base)!.files);
    for (const [path, content] of head.files)
      if (headBase.get(path) !== content) files.set(path, content);
    const sha = this.sha();
    this.commits.set(sha, {
      sha,
      message: `${pr.title} (#${pr.number})\n\n${head.message}`,
      parents: [base],
      files,
    });
    this.branches.set(pr.base.ref, sha);
    Object.assign(pr, {
      state: 'closed',
      merged_at: new Date().toISOString(),
      merge_commit_sha: sha,
      merged_by: { login: by },
      auto_merge: null,
    });
    return sha;
  }

  private issueOrPull(
    number: number,
  ): { labels: { name: string }[]; comments: string[] } | undefined {
    return (
      this.pullRequests.find((candidate) => candidate.number === number) ??
      this.issues.find((candidate) => candidate.number === number)
    );
  }

  install(): void {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    const base = `/repos/${this.owner}/${this.repo}`;
    const write = (method: string, uri: string) =>
      this.writes.push(`${method} ${uri.split('?')[0]}`);
    const pull = (uri: string) =>
      this.pullRequests.find(
        (candidate) => candidate.number === Number(/(?:pulls|issues)\/(\d+)/.exec(uri)![1]),
      );
    const issueOrPull = (uri: string) =>
      this.issueOrPull(Number(/(?:pulls|issues)\/(\d+)/.exec(uri)![1]));
    const repositoryJson = () => ({
      id: 1,
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      owner: { login: this.owner },
      default_branch: this.defaultBranch,
      allow_auto_merge: this.settings.allowAutoMerge,
      archived: false,
      disabled: false,
    });
    const pullJson = (pr: FakePullRequest) => ({
      ...pr,
      merged: pr.merged_at !== null,
      comments: undefined,
      head: {
        ref: pr.head.ref,
        sha: this.branches.get(pr.head.ref) ?? pr.head.sha,
        repo: { full_name: pr.headRepo ?? `${this.owner}/${this.repo}` },
      },
      base: { ref: pr.base.ref, repo: { full_name: `${this.owner}/${this.repo}` } },
    });

    nock.emitter.on('no match', this.onNoMatch);
    this.installStorage();
    const scope = nock('https://api.github.com').persist();
    scope.on('request', (request: { method: string; path: string }) =>
      this.requests.push(`${request.method} ${request.path.split('?')[0]}`),
    );
    scope
      // The app's own view: installations and their repositories (the scheduler)
      .get(/^\/app\/installations(\?.*)?$/)
      .reply(() => [200, [{ id: 375706, account: { login: this.owner }, suspended_at: null }]])
      .get(/^\/installation\/repositories(\?.*)?$/)
      .reply(() => [200, { total_count: 1, repositories: [repositoryJson()] }])
      .get(`${base}`)
      .reply(() => [200, repositoryJson()])
      .get(new RegExp(`^${base}/branches/([^/?]+)$`))
      .reply((uri) => {
        const name = decodeURIComponent(/branches\/([^/?]+)$/.exec(uri)![1]!);
        const sha = this.branches.get(name);
        if (!sha) return [404, { message: 'Branch not found' }];
        const protectedBranch =
          name === this.defaultBranch && this.settings.requiredChecks.length > 0;
        return [
          200,
          {
            name,
            commit: { sha },
            protected: protectedBranch,
            protection: protectedBranch
              ? {
                  enabled: true,
                  required_status_checks: {
                    enforcement_level: 'non_admins',
                    contexts: this.settings.requiredChecks,
                    checks: this.settings.requiredChecks.map((context) => ({
                      context,
                      app_id: null,
                    })),
                  },
                }
              : {
                  enabled: false,
                  required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
                },
          },
        ];
      })
      .get(new RegExp(`^${base}/commits/([0-9a-f]+)/status(\\?.*)?$`))
      .reply((uri) => {
        const sha = /commits\/([0-9a-f]+)\/status/.exec(uri)![1]!;
        const statuses = this.statuses.get(sha) ?? [];
        const state = statuses.some(
          (status) => status.state === 'failure' || status.state === 'error',
        )
          ? 'failure'
          : statuses.some((status) => status.state === 'pending')
            ? 'pending'
            : 'success';
        return [200, { state, sha, total_count: statuses.length, statuses }];
      })
      .post('/graphql')
      .reply((uri, body) => {
        const input = body as { query: string; variables: Record<string, unknown> };
        const mutation = /(enablePullRequestAutoMerge|disablePullRequestAutoMerge)/.exec(
          input.query,
        )?.[1];
        if (!mutation)
          return [200, { errors: [{ message: `fake GitHub: unknown query ${input.query}` }] }];
        write('POST', `/graphql ${mutation}`);
        this.graphql.push({ mutation, variables: input.variables });
        const pr = this.pullRequests.find(
          (candidate) => candidate.node_id === input.variables.pullRequestId,
        );
        if (!pr) return [200, { errors: [{ message: 'Could not resolve to a node' }] }];
        if (mutation === 'enablePullRequestAutoMerge') {
          if (!this.settings.allowAutoMerge)
            return [
              200,
              { errors: [{ message: 'Auto merge is not allowed for this repository' }] },
            ];
          if (input.variables.expectedHeadOid !== this.branches.get(pr.head.ref))
            return [200, { errors: [{ message: 'Head sha did not match expected head oid' }] }];
          pr.auto_merge = { merge_method: 'squash' };
        } else pr.auto_merge = null;
        return [200, { data: { [mutation]: { pullRequest: { number: pr.number } } } }];
      })
      .put(new RegExp(`^${base}/pulls/(\\d+)/merge$`))
      .reply((uri, body) => {
        write('PUT', uri);
        const pr = pull(uri);
        if (!pr || pr.state !== 'open') return [405, { message: 'Pull Request is not mergeable' }];
        if ((body as { sha?: string }).sha !== this.branches.get(pr.head.ref))
          return [409, { message: 'Head branch was modified. Review and try the merge again.' }];
        const sha = this.merge(pr.number, 'driftgate[bot]');
        return [200, { sha, merged: true, message: 'Pull Request successfully merged' }];
      })
      .get(new RegExp(`^${base}/pulls/(\\d+)/files(\\?.*)?$`))
      .reply((uri) => {
        const pr = pull(uri);
        if (!pr) return [404, { message: 'Not Found' }];
        const head = this.commits.get(this.branches.get(pr.head.ref)!)!;
        const before = this.commits.get(head.parents[0] ?? '')?.files ?? new Map<string, string>();
        const changed = [...head.files].filter(([path, content]) => before.get(path) !== content);
        return [
          200,
          changed.map(([path]) => ({
            filename: path,
            status: before.has(path) ? 'modified' : 'added',
          })),
        ];
      })
      .get(new RegExp(`^${base}/pulls/(\\d+)/reviews(\\?.*)?$`))
      .reply((uri) => [200, this.reviews.get(pull(uri)?.number ?? 0) ?? []])
      .post(new RegExp(`^${base}/actions/workflows/([^/]+)/dispatches$`))
      .reply((uri, body) => {
        write('POST', uri);
        const input = body as { ref: string; inputs: Record<string, string> };
        this.dispatches.push({
          workflow: decodeURIComponent(/workflows\/([^/]+)\/dispatches/.exec(uri)![1]!),
          ref: input.ref,
          inputs: input.inputs,
        });
        return [204, ''];
      })
      // Actions artifacts: the listing, and the download (a redirect to storage, as GitHub does)
      .get(new RegExp(`^${base}/actions/runs/(\\d+)/artifacts(\\?.*)?$`))
      .reply((uri) => {
        const runId = Number(/runs\/(\d+)\/artifacts/.exec(uri)![1]);
        const name = new URL(uri, 'https://api.github.com').searchParams.get('name');
        const artifacts = (this.artifacts.get(runId) ?? [])
          .filter((artifact) => !name || artifact.name === name)
          .map((artifact) => ({
            id: artifact.id,
            name: artifact.name,
            size_in_bytes: artifact.zip.length,
            expired: false,
          }));
        return [200, { total_count: artifacts.length, artifacts }];
      })
      .get(new RegExp(`^${base}/actions/artifacts/(\\d+)/zip$`))
      .reply((uri) => [
        302,
        '',
        {
          location: `https://artifacts.example.test/blob/${/artifacts\/(\d+)\/zip/.exec(uri)![1]}`,
        },
      ])
      // Issues (the dashboard)
      .get(new RegExp(`^${base}/issues\\?`))
      .reply((uri) => {
        const url = new URL(uri, 'https://api.github.com');
        const labels = url.searchParams.get('labels')?.split(',') ?? [];
        const state = url.searchParams.get('state') ?? 'open';
        return [
          200,
          this.issues
            .filter((issue) => state === 'all' || issue.state === state)
            .filter((issue) =>
              labels.every((name) => issue.labels.some((label) => label.name === name)),
            )
            .map((issue) => ({ ...issue, comments: issue.comments.length })),
        ];
      })
      .post(`${base}/issues`)
      .reply((uri, body) => {
        write('POST', uri);
        const input = body as { title: string; body: string; labels?: string[] };
        const issue: FakeIssue = {
          number: this.nextId++,
          title: input.title,
          body: input.body,
          state: 'open',
          labels: (input.labels ?? []).map((name) => ({ name })),
          comments: [],
        };
        this.issues.push(issue);
        return [201, { ...issue, comments: 0 }];
      })
      .patch(new RegExp(`^${base}/issues/(\\d+)$`))
      .reply((uri, body) => {
        write('PATCH', uri);
        const issue = this.issues.find(
          (candidate) => candidate.number === Number(/issues\/(\d+)$/.exec(uri)![1]),
        );
        if (!issue) return [404, { message: 'Not Found' }];
        Object.assign(issue, body as object);
        return [200, { ...issue, comments: issue.comments.length }];
      })
      .get(new RegExp(`^${base}/issues/(\\d+)/labels(\\?.*)?$`))
      .reply((uri) => [200, issueOrPull(uri)?.labels ?? []])
      .delete(new RegExp(`^${base}/issues/(\\d+)/labels/(.+)$`))
      .reply((uri) => {
        write('DELETE', uri);
        const target = issueOrPull(uri)!;
        const name = decodeURIComponent(/labels\/(.+)$/.exec(uri)![1]!);
        target.labels = target.labels.filter((label) => label.name !== name);
        return [200, target.labels];
      })
      .post(/^\/app\/installations\/\d+\/access_tokens$/)
      .reply(201, {
        token: 'ghs_fake_installation_token',
        expires_at: '2099-01-01T00:00:00Z',
        permissions: {},
      })
      // Contents of a file or directory at a ref (no ref: the default branch)
      .get(new RegExp(`^${base}/contents/([^?]+)(\\?ref=(.+))?$`))
      .reply((uri) => {
        const [, path, , ref] = /contents\/([^?]+)(\?ref=(.+))?$/.exec(uri)!;
        return this.contents(
          decodeURIComponent(path!),
          ref ? decodeURIComponent(ref) : this.defaultBranch,
        );
      })
      // Check runs
      .get(new RegExp(`^${base}/commits/([0-9a-f]+)/check-runs\\?`))
      .reply((uri) => {
        const url = new URL(uri, 'https://api.github.com');
        const sha = /commits\/([0-9a-f]+)\/check-runs/.exec(uri)![1];
        const name = url.searchParams.get('check_name');
        const appId = url.searchParams.get('app_id');
        const runs = this.checkRuns
          .filter(
            (run) =>
              run.head_sha === sha &&
              (!name || run.name === name) &&
              (!appId || (run.app?.id ?? 1) === Number(appId)),
          )
          .reverse();
        return [200, { total_count: runs.length, check_runs: runs }];
      })
      .post(`${base}/check-runs`)
      .reply((uri, body) => {
        write('POST', uri);
        const input = body as Record<string, unknown>;
        const run: FakeCheckRun = {
          id: this.nextId++,
          name: String(input.name),
          head_sha: String(input.head_sha),
          status: String(input.status ?? 'queued'),
          conclusion: (input.conclusion as string) ?? null,
          output: { title: null, summary: null, ...(input.output as object) },
          ...(input.actions ? { actions: input.actions as FakeCheckRun['actions'] } : {}),
          ...(typeof input.external_id === 'string' ? { external_id: input.external_id } : {}),
          app: { id: 1 },
        };
        this.checkRuns.push(run);
        return [201, run];
      })
      .patch(new RegExp(`^${base}/check-runs/(\\d+)$`))
      .reply((uri, body) => {
        write('PATCH', uri);
        const run = this.checkRuns.find(
          (candidate) => candidate.id === Number(/check-runs\/(\d+)$/.exec(uri)![1]),
        );
        if (!run) return [404, { message: 'Not Found' }];
        const input = body as Record<string, unknown>;
        Object.assign(run, {
          status: input.status ?? run.status,
          conclusion: input.conclusion ?? run.conclusion,
          output: { ...run.output, ...(input.output as object) },
          actions: (input.actions as FakeCheckRun['actions']) ?? run.actions,
          external_id: (input.external_id as string | undefined) ?? run.external_id,
        });
        return [200, run];
      })
      // Git Data API
      .get(new RegExp(`^${base}/git/ref/(.+)$`))
      .reply((uri) => {
        const ref = decodeURIComponent(/git\/ref\/(.+)$/.exec(uri)![1]!).replace(/^heads\//, '');
        const sha = this.branches.get(ref);
        return sha
          ? [200, { ref: `refs/heads/${ref}`, object: { sha, type: 'commit' } }]
          : [404, { message: 'Not Found' }];
      })
      .get(new RegExp(`^${base}/git/commits/([0-9a-f]+)$`))
      .reply((uri) => {
        const sha = /git\/commits\/([0-9a-f]+)$/.exec(uri)![1]!;
        return this.commits.has(sha)
          ? [
              200,
              {
                sha,
                tree: { sha: `tree-of-${sha}` },
                parents: this.commits.get(sha)!.parents.map((p) => ({ sha: p })),
              },
            ]
          : [404, { message: 'Not Found' }];
      })
      .post(`${base}/git/trees`)
      .reply((uri, body) => {
        write('POST', uri);
        const input = body as { base_tree: string; tree: { path: string; content: string }[] };
        const files = new Map(
          this.commits.get(input.base_tree.replace(/^tree-of-/, ''))?.files ?? [],
        );
        for (const entry of input.tree) files.set(entry.path, entry.content);
        const sha = this.sha();
        this.trees.set(sha, files);
        return [201, { sha }];
      })
      .post(`${base}/git/commits`)
      .reply((uri, body) => {
        write('POST', uri);
        const input = body as { message: string; tree: string; parents: string[] };
        const sha = this.sha();
        this.commits.set(sha, {
          sha,
          message: input.message,
          parents: input.parents,
          files: this.trees.get(input.tree) ?? new Map(),
        });
        return [201, { sha }];
      })
      .post(`${base}/git/refs`)
      .reply((uri, body) => {
        write('POST', uri);
        const input = body as { ref: string; sha: string };
        const branch = input.ref.replace(/^refs\/heads\//, '');
        if (this.branches.has(branch)) return [422, { message: 'Reference already exists' }];
        this.branches.set(branch, input.sha);
        return [201, { ref: input.ref, object: { sha: input.sha } }];
      })
      .patch(new RegExp(`^${base}/git/refs/(.+)$`))
      .reply((uri, body) => {
        write('PATCH', uri);
        const branch = decodeURIComponent(/git\/refs\/(.+)$/.exec(uri)![1]!).replace(
          /^heads\//,
          '',
        );
        if (!this.branches.has(branch)) return [422, { message: 'Reference does not exist' }];
        this.branches.set(branch, (body as { sha: string }).sha);
        return [200, { object: { sha: (body as { sha: string }).sha } }];
      })
      // Pull requests
      .get(new RegExp(`^${base}/pulls/(\\d+)$`))
      .reply((uri) => {
        const pr = pull(uri);
        return pr ? [200, pullJson(pr)] : [404, { message: 'Not Found' }];
      })
      .get(new RegExp(`^${base}/pulls\\?`))
      .reply(() => [200, this.pullRequests.map(pullJson)])
      .post(`${base}/pulls`)
      .reply((uri, body) => {
        write('POST', uri);
        const input = body as {
          head: string;
          base: string;
          title: string;
          body: string;
          draft?: boolean;
        };
        if (this.pullRequests.some((pr) => pr.state === 'open' && pr.head.ref === input.head))
          return [422, { message: 'A pull request already exists' }];
        const number = this.nextId++;
        const pr: FakePullRequest = {
          number,
          node_id: `PR_fake${number}`,
          created_at: new Date().toISOString(),
          merge_commit_sha: null,
          merged_by: null,
          auto_merge: null,
          state: 'open',
          merged_at: null,
          draft: Boolean(input.draft),
          title: input.title,
          body: input.body,
          head: { ref: input.head, sha: this.branches.get(input.head) ?? '' },
          base: { ref: input.base },
          labels: [],
          comments: [],
        };
        this.pullRequests.push(pr);
        return [201, pullJson(pr)];
      })
      .patch(new RegExp(`^${base}/pulls/(\\d+)$`))
      .reply((uri, body) => {
        write('PATCH', uri);
        const pr = pull(uri);
        if (!pr) return [404, { message: 'Not Found' }];
        Object.assign(pr, body as object);
        return [200, pullJson(pr)];
      })
      // Labels and comments
      .get(new RegExp(`^${base}/labels\\?`))
      .reply(() => [200, [...this.labels].map((name) => ({ name }))])
      .post(`${base}/labels`)
      .reply((uri, body) => {
        write('POST', uri);
        this.labels.add((body as { name: string }).name);
        return [201, body];
      })
      .post(new RegExp(`^${base}/issues/(\\d+)/labels$`))
      .reply((uri, body) => {
        write('POST', uri);
        const pr = issueOrPull(uri)!;
        for (const name of (body as { labels: string[] }).labels)
          if (!pr.labels.some((label) => label.name === name)) pr.labels.push({ name });
        return [200, pr.labels];
      })
      .put(new RegExp(`^${base}/issues/(\\d+)/labels$`))
      .reply((uri, body) => {
        write('PUT', uri);
        const pr = issueOrPull(uri)!;
        pr.labels = (body as { labels: string[] }).labels.map((name) => ({ name }));
        return [200, pr.labels];
      })
      .get(new RegExp(`^${base}/collaborators/([^/]+)/permission$`))
      .reply((uri) => {
        const login = decodeURIComponent(/collaborators\/([^/]+)\/permission$/.exec(uri)![1]!);
        const permission = this.permissions.get(login);
        return permission
          ? [200, { permission, role_name: permission, user: { login } }]
          : [404, { message: 'Not a collaborator' }];
      })
      .post(new RegExp(`^${base}/issues/comments/(\\d+)/reactions$`))
      .reply((uri, body) => {
        this.reactions.push({
          commentId: Number(/comments\/(\d+)\/reactions$/.exec(uri)![1]),
          content: (body as { content: string }).content,
        });
        return [201, { id: this.nextId++, content: (body as { content: string }).content }];
      })
      .post(new RegExp(`^${base}/issues/(\\d+)/assignees$`))
      .reply((uri, body) => {
        write('POST', uri);
        const pr = pull(uri);
        if (!pr) return [404, { message: 'Not Found' }];
        pr.assignees ??= [];
        for (const login of (body as { assignees: string[] }).assignees)
          if (!pr.assignees.some((assignee) => assignee.login === login))
            pr.assignees.push({ login });
        return [201, pullJson(pr)];
      })
      .post(new RegExp(`^${base}/issues/(\\d+)/comments$`))
      .reply((uri, body) => {
        write('POST', uri);
        issueOrPull(uri)!.comments.push((body as { body: string }).body);
        return [201, { id: this.nextId++, body: (body as { body: string }).body }];
      });
  }

  private readonly trees = new Map<string, Map<string, string>>();

  private installStorage(): void {
    nock('https://artifacts.example.test')
      .persist()
      .get(/^\/blob\/(\d+)$/)
      .reply((uri) => {
        const id = Number(/blob\/(\d+)$/.exec(uri)![1]);
        const artifact = [...this.artifacts.values()]
          .flat()
          .find((candidate) => candidate.id === id);
        return artifact
          ? [200, Buffer.from(artifact.zip), { 'content-type': 'application/zip' }]
          : [404, ''];
      });
  }

  /**
   * Requests to GitHub the fake had no route for. The app may catch such an error and carry
   * on (a ledger commit that fails is reported, not fatal), so uninstall() fails the test
   * for them instead of trusting the error to surface.
   */
  readonly unmatched: string[] = [];
  private readonly onNoMatch = (request: {
    method?: string;
    path?: string;
    host?: string;
    hostname?: string;
    options?: { host?: string; hostname?: string };
  }) => {
    const host =
      request.hostname ?? request.host ?? request.options?.hostname ?? request.options?.host ?? '';
    if (String(host).includes('127.0.0.1') || String(host).includes('localhost')) return;
    this.unmatched.push(`${request.method ?? '?'} ${host}${request.path ?? ''}`);
  };

  uninstall(): void {
    nock.emitter.removeListener('no match', this.onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
    if (this.unmatched.length)
      throw new Error(`fake GitHub: requests with no route:\n${this.unmatched.join('\n')}`);
  }
}
