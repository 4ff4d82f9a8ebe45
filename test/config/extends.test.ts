/**
 * Organisation config through the app: a repository's `.github/driftgate.yml` extends the
 * organisation's `.github` repository (both served by the stateful fake GitHub), and the
 * push's driftgate/config check run says what the merged configuration is — or names the
 * file a problem came from.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../support/fake-github.js';
import { INSTALLATION, driftgateApp as app, examplePayload } from '../support/probot.js';

const SHA = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';

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

const ORG_CONFIG = [
  'schedule: "0 3 * * *"',
  'tiers:',
  '  rules:',
  '    - match: { environment: prod }',
  '      tier: 3',
  'ignore:',
  '  - address: aws_vpc.main',
  '    attributes: ["tags.LastAudit"]',
  '    reason: org-wide audit stamp',
  '',
].join('\n');

describe('_extends: organisation config', () => {
  let repository: FakeGitHub;
  let organisation: FakeGitHub;
  beforeEach(() => {
    const payload = pushPayload();
    const repo = payload.repository as { name: string; owner: { login: string } };
    repository = new FakeGitHub(repo.owner.login, repo.name);
    organisation = new FakeGitHub(repo.owner.login, '.github');
    repository.install();
    organisation.install();
  });
  afterEach(() => {
    repository.uninstall();
    organisation.uninstall();
  });

  async function push(
    own: string,
  ): Promise<{ conclusion: string | null; text: string; schedule: string | undefined }> {
    repository.commit(SHA, { '.github/driftgate.yml': own });
    const probot = app();
    await probot.receive({ id: '1', name: 'push', payload: pushPayload() } as never);
    const run = repository.checkRuns.find((candidate) => candidate.name === 'driftgate/config')!;
    const [schedule] = await probot.jobs.repositorySchedules();
    return {
      conclusion: run.conclusion,
      text: `${run.output.title}\n${run.output.summary}`,
      schedule: schedule?.pattern,
    };
  }

  it('merges the organisation file under the repository’s: its schedule and rules apply, the repository’s own keys win', async () => {
    organisation.commit(undefined, { '.github/driftgate.yml': ORG_CONFIG }, 'main');
    const run = await push(
      [
        '_extends: .github',
        'schedule: "15 * * * *"',
        'stacks:',
        '  - { name: prod, dir: envs/prod, environment: prod }',
        'ignore:',
        '  - address: aws_subnet.a',
        '',
      ].join('\n'),
    );
    expect(run.conclusion).toBe('success');
    expect(run.text).toContain('`prod`');
    // The schedule the repository set wins over the organisation's.
    expect(run.schedule).toBe('15 * * * *');
  });

  it('concatenates lists, the organisation’s first: stacks from both files are watched', async () => {
    organisation.commit(
      undefined,
      { '.github/driftgate.yml': 'stacks:\n  - { name: shared, dir: envs/shared }\n' },
      'main',
    );
    const run = await push('_extends: .github\nstacks:\n  - { name: prod, dir: envs/prod }\n');
    expect(run.conclusion).toBe('success');
    expect(run.text).toContain('driftgate watches 2 stack(s)');
    expect(run.text.indexOf('`shared`')).toBeLessThan(run.text.indexOf('`prod`'));
  });

  it('takes the organisation’s keys the repository does not set', async () => {
    organisation.commit(undefined, { '.github/driftgate.yml': ORG_CONFIG }, 'main');
    const run = await push('_extends: .github\nstacks:\n  - { name: prod, dir: envs/prod }\n');
    expect(run.conclusion).toBe('success');
    expect(run.schedule).toBe('0 3 * * *');
  });

  it('names the parent file when the organisation’s config is what is broken', async () => {
    organisation.commit(
      undefined,
      {
        '.github/driftgate.yml':
          'tiers:\n  rules:\n    - match: { environment: prod }\n      tier: 7\n',
      },
      'main',
    );
    const run = await push('_extends: .github\nstacks:\n  - { name: prod, dir: envs/prod }\n');
    expect(run.conclusion).toBe('failure');
    expect(run.text).toMatch(
      new RegExp(
        `${organisation.owner}/\\.github:\\.github/driftgate\\.yml:4:\\d+: invalid configuration`,
      ),
    );
    expect(run.text).toContain('tiers.rules[0].tier');
  });

  it('names the parent it cannot find, in the repository’s own file', async () => {
    const run = await push(
      '_extends: .github:policies/driftgate.yml\nstacks:\n  - { name: prod, dir: envs/prod }\n',
    );
    expect(run.conclusion).toBe('failure');
    expect(run.text).toContain(
      `.github/driftgate.yml: _extends names ${organisation.owner}/.github:policies/driftgate.yml, which does not exist or driftgate cannot read it`,
    );
  });

  it('names the repository’s own file for its own mistake, even when extending', async () => {
    organisation.commit(undefined, { '.github/driftgate.yml': ORG_CONFIG }, 'main');
    const run = await push('_extends: .github\nstacks:\n  - { name: prod, dir: ../escape }\n');
    expect(run.conclusion).toBe('failure');
    expect(run.text).toMatch(/^\.github\/driftgate\.yml:3:\d+: invalid configuration/m);
  });
});
