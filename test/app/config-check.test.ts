import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DRIFTGATE_LABELS } from '../../src/github/repository.js';
import { FakeGitHub } from '../support/fake-github.js';
import { INSTALLATION, driftgateApp as app, examplePayload } from '../support/probot.js';

const SHA = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';

/** GitHub's own example push event, made a push of SHA to the default branch of an installed app. */
function pushPayload(): Record<string, unknown> {
  const example = examplePayload('push', (candidate) =>
    (candidate.ref as string).startsWith('refs/heads/'),
  );
  const repository = example.repository as Record<string, unknown>;
  return {
    ...example,
    ref: `refs/heads/${repository.default_branch}`,
    after: SHA,
    deleted: false,
    installation: INSTALLATION,
  };
}

describe('driftgate/config check run (push to the default branch)', () => {
  let github: FakeGitHub;
  beforeEach(() => {
    const payload = pushPayload();
    const repository = payload.repository as { name: string; owner: { login: string } };
    github = new FakeGitHub(repository.owner.login, repository.name);
    github.install();
  });
  afterEach(() => github.uninstall());

  it('given an invalid config, when it is pushed, then a failing check run names the bad key', async () => {
    github.commit(SHA, {
      '.github/driftgate.yml':
        'stacks:\n  - name: prod\n    dir: envs/prod\n    aws:\n      role: admin\n',
    });
    await app().receive({ id: '1', name: 'push', payload: pushPayload() } as never);
    expect(github.checkRuns).toHaveLength(1);
    const [run] = github.checkRuns;
    expect(run).toMatchObject({
      name: 'driftgate/config',
      head_sha: SHA,
      status: 'completed',
      conclusion: 'failure',
    });
    expect(run!.output.title).toBe(
      '.github/driftgate.yml is invalid: driftgate is paused for this repository',
    );
    expect(run!.output.summary).toContain('stacks[0].aws.role: expected an IAM role ARN');
  });

  it('given a valid config, the check run succeeds and lists the stacks; a duplicate delivery writes nothing', async () => {
    github.commit(SHA, {
      '.github/driftgate.yml':
        'stacks:\n  - name: prod-network\n    dir: envs/prod/network\n    environment: prod\n',
    });
    const probot = app();
    await probot.receive({ id: '1', name: 'push', payload: pushPayload() } as never);
    await probot.receive({ id: '1', name: 'push', payload: pushPayload() } as never);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({
      conclusion: 'success',
      output: { summary: expect.stringContaining('`prod-network` (`envs/prod/network`, prod)') },
    });
    // A valid config sets the repository up: driftgate's labels are created now, once, so
    // the first drift PR spends no writes on them.
    expect(github.writes).toEqual([
      `POST /repos/${github.owner}/${github.repo}/check-runs`,
      ...DRIFTGATE_LABELS.map(() => `POST /repos/${github.owner}/${github.repo}/labels`),
    ]);
    expect([...github.labels].sort()).toEqual([...DRIFTGATE_LABELS].sort());
  });

  it("a fixed config turns the same commit's failing run green by updating it", async () => {
    github.commit(SHA, { '.github/driftgate.yml': 'stacks: []\n' });
    const probot = app();
    await probot.receive({ id: '1', name: 'push', payload: pushPayload() } as never);
    github.commit(SHA, { '.github/driftgate.yml': 'stacks:\n  - name: a\n    dir: a\n' });
    await probot.receive({ id: '2', name: 'push', payload: pushPayload() } as never);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]!.conclusion).toBe('success');
    expect(
      github.writes
        .filter((write) => !write.endsWith('/labels'))
        .map((write) => write.split(' ')[0]),
    ).toEqual(['POST', 'PATCH']);
  });

  it('ignores repositories without a config, and pushes to other branches', async () => {
    await app().receive({ id: '1', name: 'push', payload: pushPayload() } as never);
    await app().receive({
      id: '2',
      name: 'push',
      payload: { ...pushPayload(), ref: 'refs/heads/feature' },
    } as never);
    expect(github.writes).toEqual([]);
  });
});
