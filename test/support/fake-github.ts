/**
 * A stateful fake of the GitHub REST API for one repository, served through nock at the
 * HTTP layer, so the real Octokit (inside Probot) talks to it and a scenario sees its own
 * writes. Requests it does not know fail the test (nock refuses every other connection).
 */
import nock from 'nock';

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null };
}

export class FakeGitHub {
  /** Files by commit sha, then path. */
  readonly commits = new Map<string, Map<string, string>>();
  readonly checkRuns: FakeCheckRun[] = [];
  /** Every write the app made, as "METHOD /path". */
  readonly writes: string[] = [];
  private nextId = 1;

  constructor(
    readonly owner: string,
    readonly repo: string,
  ) {}

  commit(sha: string, files: Record<string, string>): void {
    this.commits.set(sha, new Map(Object.entries(files)));
  }

  install(): void {
    nock.disableNetConnect();
    const base = `/repos/${this.owner}/${this.repo}`;
    nock('https://api.github.com')
      .persist()
      .post(/^\/app\/installations\/\d+\/access_tokens$/)
      .reply(201, {
        token: 'ghs_fake_installation_token',
        expires_at: '2099-01-01T00:00:00Z',
        permissions: {},
      })
      .get(new RegExp(`^${base}/contents/(.+)\\?ref=([0-9a-f]+)$`))
      .reply((uri) => {
        const [, path, ref] = /contents\/(.+)\?ref=([0-9a-f]+)$/.exec(uri)!;
        const content = this.commits.get(ref!)?.get(decodeURIComponent(path!));
        if (content === undefined) return [404, { message: 'Not Found' }];
        return [
          200,
          {
            type: 'file',
            encoding: 'base64',
            path,
            content: Buffer.from(content).toString('base64'),
          },
        ];
      })
      .get(new RegExp(`^${base}/commits/([0-9a-f]+)/check-runs\\?`))
      .reply((uri) => {
        const url = new URL(uri, 'https://api.github.com');
        const sha = /commits\/([0-9a-f]+)\/check-runs/.exec(uri)![1];
        const name = url.searchParams.get('check_name');
        const runs = this.checkRuns
          .filter((run) => run.head_sha === sha && (!name || run.name === name))
          .reverse();
        return [200, { total_count: runs.length, check_runs: runs }];
      })
      .post(`${base}/check-runs`)
      .reply((uri, body) => {
        this.writes.push(`POST ${uri}`);
        const input = body as Record<string, unknown>;
        const run: FakeCheckRun = {
          id: this.nextId++,
          name: String(input.name),
          head_sha: String(input.head_sha),
          status: String(input.status ?? 'queued'),
          conclusion: (input.conclusion as string) ?? null,
          output: { title: null, summary: null, ...(input.output as object) },
        };
        this.checkRuns.push(run);
        return [201, run];
      })
      .patch(new RegExp(`^${base}/check-runs/(\\d+)$`))
      .reply((uri, body) => {
        this.writes.push(`PATCH ${uri}`);
        const id = Number(/check-runs\/(\d+)$/.exec(uri)![1]);
        const run = this.checkRuns.find((candidate) => candidate.id === id);
        if (!run) return [404, { message: 'Not Found' }];
        const input = body as Record<string, unknown>;
        Object.assign(run, {
          status: input.status ?? run.status,
          conclusion: input.conclusion ?? run.conclusion,
          output: { ...run.output, ...(input.output as object) },
        });
        return [200, run];
      });
  }

  uninstall(): void {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}
