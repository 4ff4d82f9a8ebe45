/**
 * The PR lifecycle beyond open/update/close, end to end on moto and the stateful fake
 * GitHub: the schedule, tier merge modes, tier labels, `/driftgate ignore`, the hourly
 * PR cap, the dashboard, and the push / re-run triggers.
 */
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDashboard } from '../../src/github/dashboard.js';
import { parsePullRequestMeta } from '../../src/github/pr-body.js';
import { parseConfig } from '../../src/config/load.js';
import { DriftRepository, labelsOf } from '../support/drift-repository.js';
import { describeWithMoto, useMotoEndpointForApp } from '../support/moto.js';
import { TEST_RECORDS, examplePayload } from '../support/probot.js';

useMotoEndpointForApp();

const DEV_TIER_ONE = `tiers:\n  use_defaults: false\n  rules:\n    - match: { environment: dev }\n      tier: 1\n      reason: dev fixes itself\n`;
const HOUR = 60 * 60_000;

describeWithMoto('tier 1 with GitHub auto-merge, on the schedule', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'dev', configExtra: DEV_TIER_ONE });
    world.github.settings.allowAutoMerge = true;
    world.github.settings.requiredChecks = ['ci/test'];
  });
  afterAll(() => world.close());

  it('a pushed config schedules the repository; when the cron comes round the scan opens the PR and arms auto-merge on its head', async () => {
    await world.openRdp();
    await world.push(['README.md']);
    expect(world.github.pullRequests).toEqual([]);
    const [schedule, ...others] = await world.app.jobs.repositorySchedules();
    expect(others).toEqual([]);
    expect(schedule).toMatchObject({
      repository: world.repository.full_name,
      pattern: '0 */6 * * *',
      ref: world.ref,
    });
    // The next run is the next 6-hour slot (UTC).
    const slot = 6 * HOUR;
    expect(schedule!.next).toBe(Math.ceil((Date.now() + 1) / slot) * slot);

    world.github.writes.length = 0;
    await world.scheduledScan();
    const [pr] = world.driftPullRequests();
    expect(labelsOf(pr)).toEqual(['driftgate:tier-1', 'driftgate:revert']);
    expect(pr!.body).toContain(
      'GitHub auto-merge is enabled: it merges once the required checks (`ci/test`) pass.',
    );
    expect(pr!.auto_merge).toEqual({ merge_method: 'squash' });
    expect(world.github.graphql).toEqual([
      {
        mutation: 'enablePullRequestAutoMerge',
        variables: {
          pullRequestId: pr!.node_id,
          expectedHeadOid: world.github.branches.get(pr!.head.ref),
        },
      },
    ]);
    // Writes for a new tier-1 drift PR, labels created once per repository aside.
    expect(
      world.github.writes.filter((write) => !/^POST \/repos\/[^/]+\/[^/]+\/labels$/.test(write)),
    ).toEqual([
      expect.stringMatching(/\/git\/trees$/),
      expect.stringMatching(/\/git\/commits$/),
      expect.stringMatching(/\/git\/refs$/),
      expect.stringMatching(/\/pulls$/),
      expect.stringMatching(/\/issues\/\d+\/labels$/),
      expect.stringMatching(/\/check-runs$/), // driftgate/policy, green before auto-merge is armed
      'POST /graphql enablePullRequestAutoMerge',
      expect.stringMatching(/\/issues$/),
    ]);

    // The config named no other cron: the schedule is the same one.
    expect(await world.app.jobs.repositorySchedules()).toEqual([schedule]);
  });

  it('a person raising the tier disarms auto-merge at once and says so', async () => {
    const [pr] = world.driftPullRequests();
    await world.label(pr!, 'labeled', 'driftgate:tier-2', 'maintainer');
    expect(pr!.auto_merge).toBeNull();
    expect(world.github.graphql.at(-1)!.mutation).toBe('disablePullRequestAutoMerge');
    expect(pr!.comments.at(-1)).toContain(
      'Auto-merge disabled: this PR is now tier 2 (raised by @maintainer; policy says 1).',
    );
  });

  it('a rescan keeps the raised tier', async () => {
    const [pr] = world.driftPullRequests();
    world.github.writes.length = 0;
    await world.scan();
    expect(world.github.writes).toEqual([]);
    expect(labelsOf(pr)).toContain('driftgate:tier-2');
  });
});

describeWithMoto(
  'tier 1 where the repository cannot auto-merge: driftgate merges when green',
  () => {
    let world: DriftRepository;
    beforeAll(async () => {
      world = await DriftRepository.create({ environment: 'dev', configExtra: DEV_TIER_ONE });
    });
    afterAll(() => world.close());

    it('says so in the PR, and never merges in the scan that opened it', async () => {
      await world.openRdp();
      await world.scan();
      const [pr] = world.driftPullRequests();
      expect(pr!.body).toContain(
        'This repository does not allow auto-merge, so driftgate merges this PR itself once every check on it is green.',
      );
      expect(pr!.state).toBe('open');
      expect(world.github.graphql).toEqual([]);
    });

    it('waits while a check fails, then merges exactly the checked head once all are green', async () => {
      const [pr] = world.driftPullRequests();
      const head = world.github.branches.get(pr!.head.ref)!;
      world.github.statuses.set(head, [{ context: 'ci/test', state: 'failure' }]);
      const suite = (conclusion: string) => ({
        ...examplePayload('check_suite', (candidate) => candidate.action === 'completed'),
        action: 'completed',
        check_suite: {
          ...(examplePayload('check_suite', (candidate) => candidate.action === 'completed')
            .check_suite as object),
          head_branch: pr!.head.ref,
          head_sha: head,
          conclusion,
        },
      });
      await world.deliver('check_suite', suite('failure'));
      expect(pr!.state).toBe('open');

      world.github.statuses.set(head, [{ context: 'ci/test', state: 'success' }]);
      await world.deliver('check_suite', suite('success'));
      expect(pr!.merged_at).not.toBeNull();
      expect(pr!.merged_by).toEqual({ login: 'driftgate[bot]' });
      expect(world.github.writes).toContainEqual(
        expect.stringMatching(/^PUT .*\/pulls\/\d+\/merge$/),
      );
    });
  },
);

describeWithMoto('a drift that changes', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    await world.openRdp();
    await world.scan();
  });
  afterAll(() => world.close());

  it('updates its PR in place: the branch is force-moved, the body rewritten, no second PR', async () => {
    const [pr] = world.driftPullRequests();
    const before = { head: world.github.branches.get(pr!.head.ref), body: pr!.body };
    pr!.labels.push({ name: 'needs-discussion' }); // a team's own label
    await world.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: world.groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    world.github.writes.length = 0;
    await world.scan();
    expect(world.driftPullRequests().map((candidate) => candidate.number)).toEqual([pr!.number]);
    expect(world.github.branches.get(pr!.head.ref)).not.toBe(before.head);
    expect(pr!.body).not.toBe(before.body);
    expect(pr!.body).toContain('| `+ ingress` | `(absent)` | `{tcp/80 from 0.0.0.0/0}` |');
    expect(labelsOf(pr)).toEqual(['needs-discussion', 'driftgate:tier-2', 'driftgate:revert']);
    expect(
      parsePullRequestMeta(TEST_RECORDS, pr!.body)!.fingerprint ===
        parsePullRequestMeta(TEST_RECORDS, before.body)!.fingerprint,
    ).toBe(false);
    expect(world.github.writes).toEqual([
      expect.stringMatching(/^POST .*\/git\/trees$/),
      expect.stringMatching(/^POST .*\/git\/commits$/),
      expect.stringMatching(/^PATCH .*\/git\/refs\//),
      expect.stringMatching(/^POST .*\/check-runs$/), // driftgate/policy on the new head
      expect.stringMatching(/^PATCH .*\/pulls\/\d+$/),
      expect.stringMatching(/^PUT .*\/issues\/\d+\/labels$/),
      expect.stringMatching(/^PATCH .*\/issues\/\d+$/), // the dashboard's new fingerprint
    ]);
  });
});

describeWithMoto('tier 2: labels below the policy floor are restored', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    await world.openRdp();
    await world.scan();
  });
  afterAll(() => world.close());

  it('swapping tier-2 for tier-1 is undone with a comment naming the rule', async () => {
    const [pr] = world.driftPullRequests();
    expect(labelsOf(pr)).toEqual(['driftgate:tier-2', 'driftgate:revert']);
    // Both edits in one go (the sidebar's label picker): GitHub sends two events; the
    // second may arrive first. Each handler reads the labels as they are now.
    pr!.labels = pr!.labels.filter((label) => label.name !== 'driftgate:tier-2');
    await world.label(pr!, 'labeled', 'driftgate:tier-1', 'intern');
    expect(labelsOf(pr)).toEqual(['driftgate:revert', 'driftgate:tier-2']);
    expect(pr!.comments.at(-1)).toBe(
      "@intern: `driftgate:tier-1` is below this drift's policy floor: restored `driftgate:tier-2` (set by built-in rule: security group or IAM). Change the rule in `.github/driftgate.yml` to lower it.",
    );
    expect(world.github.graphql).toEqual([]);
    // The late "unlabeled tier-2" event finds everything in order and writes nothing.
    world.github.writes.length = 0;
    await world.deliver(
      'pull_request',
      world.pullRequestPayload(pr!, 'unlabeled', {
        label: { name: 'driftgate:tier-2' },
        sender: world.user('intern'),
      }),
    );
    expect(world.github.writes).toEqual([]);
  });

  it('removing the tier label puts it back', async () => {
    const [pr] = world.driftPullRequests();
    await world.label(pr!, 'unlabeled', 'driftgate:tier-2', 'intern');
    expect(labelsOf(pr)).toEqual(['driftgate:revert', 'driftgate:tier-2']);
    expect(pr!.comments.at(-1)).toBe(
      '@intern: The tier label was removed; restored `driftgate:tier-2` (set by built-in rule: security group or IAM).',
    );
  });

  it("an edited PR record is not driftgate's: a tier label does nothing, the next scan restores it", async () => {
    const [pr] = world.driftPullRequests();
    const edited = pr!.body.replace(
      /<!-- driftgate:meta ([A-Za-z0-9+/=]+) ([A-Za-z0-9_-]+) -->/,
      (_, meta: string, mac: string) =>
        `<!-- driftgate:meta ${Buffer.from(
          JSON.stringify({ ...JSON.parse(Buffer.from(meta, 'base64').toString()), tier: 1 }),
        ).toString('base64')} ${mac} -->`,
    );
    expect(edited).not.toBe(pr!.body);
    pr!.body = edited;
    expect(parsePullRequestMeta(TEST_RECORDS, pr!.body)).toBeUndefined();
    world.github.writes.length = 0;
    await world.label(pr!, 'labeled', 'driftgate:tier-1', 'intern');
    // driftgate does not act on a PR whose record it did not write.
    expect(world.github.writes).toEqual([]);
    await world.scan();
    expect(parsePullRequestMeta(TEST_RECORDS, pr!.body)).toMatchObject({ tier: 2 });
    expect([...labelsOf(pr)!].sort()).toEqual(['driftgate:revert', 'driftgate:tier-2']);
  });
});

describeWithMoto('/driftgate ignore', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    world.github.permissions.set('maintainer', 'maintain');
    await world.openRdp();
    await world.scan();
  });
  afterAll(() => world.close());

  it('closes the drift PR and proposes the ignore, with owner, reason and expiry, as a config PR', async () => {
    const [pr] = world.driftPullRequests();
    await world.comment(
      pr!.number,
      '/driftgate ignore for 2 weeks vendor remote support',
      'maintainer',
    );
    expect(pr!.state).toBe('closed');
    expect(labelsOf(pr)).toContain('driftgate:ignored');
    const configPr = world
      .open()
      .find((candidate) => candidate.head.ref.startsWith('driftgate-config/'))!;
    expect(configPr.head.ref).toBe('driftgate-config/ignore/net/aws_security_group.web');
    expect(pr!.comments.at(-1)).toContain(`The rule is proposed in #${configPr.number}.`);
    const until = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    expect(parsePullRequestMeta(TEST_RECORDS, pr!.body)?.ignored_until).toBe(until);
    const config = world.github.filesAt(configPr.head.ref).get('.github/driftgate.yml')!;
    expect(config.startsWith(world.config())).toBe(true);
    expect(parseConfig(config).ignore).toEqual([
      {
        address: 'aws_security_group.web',
        until,
        reason: `vendor remote support (via /driftgate ignore on #${pr!.number})`,
        owner: 'maintainer',
      },
    ]);
    expect(world.github.reactions.map((reaction) => reaction.content)).toEqual(['eyes', 'rocket']);
  });

  it('later scans do not re-open it; once the config PR merges the dashboard lists the ignore', async () => {
    world.github.writes.length = 0;
    await world.scan();
    expect(world.driftPullRequests()).toEqual([]);
    const configPr = world
      .open()
      .find((candidate) => candidate.head.ref.startsWith('driftgate-config/'))!;
    world.github.merge(configPr.number, 'maintainer');
    await world.scan();
    expect(world.driftPullRequests()).toEqual([]);
    const dashboard = parseDashboard(TEST_RECORDS, world.github.issues[0]!.body)!;
    expect(dashboard.ignored).toEqual([
      expect.objectContaining({
        address: 'aws_security_group.web',
        owner: 'maintainer',
        expired: false,
      }),
    ]);
    expect(dashboard.stacks[0]!.drifts).toEqual([]);
  });

  it('when the ignore expires, the next scheduled scan opens the drift again', async () => {
    const later = Date.now() + 20 * 86_400_000;
    world.now = () => new Date(later);
    await world.scheduledScan();
    const reopened = world.driftPullRequests();
    expect(reopened).toHaveLength(1);
    expect(reopened[0]!.body).toContain('tcp/3389 from 0.0.0.0/0');
    expect(parseDashboard(TEST_RECORDS, world.github.issues[0]!.body)!.ignored[0]!.expired).toBe(
      true,
    );
  });
});

describeWithMoto('the hourly PR cap and the dashboard', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({
      environment: 'prod',
      groups: ['web', 'api'],
      configExtra: 'limits:\n  prs_per_hour: 1\n',
      installationId: 4242,
    });
  });
  afterAll(() => world.close());

  it('opens one PR per hour budget and counts the rest as waiting on the dashboard', async () => {
    await world.openRdp('web');
    await world.openRdp('api');
    await world.scan();
    expect(world.driftPullRequests()).toHaveLength(1);
    const [dashboard] = world.github.issues;
    expect(dashboard!.labels).toEqual([{ name: 'driftgate:dashboard' }]);
    expect(dashboard!.body).toMatch(/\| `aws_security_group.api` \| 2 \| revert \| #\d+ \|/);
    expect(dashboard!.body).toContain(
      '1 drift(s) wait for the hourly PR limit (`limits.prs_per_hour`)',
    );
    expect(dashboard!.body).toContain(
      '| `aws_security_group.web` | 2 | revert | waiting (hourly PR limit) |',
    );
  });

  it('an identical scan writes nothing, not even to the dashboard', async () => {
    world.github.writes.length = 0;
    await world.scan();
    expect(world.github.writes).toEqual([]);
    expect(world.github.issues).toHaveLength(1);
  });
});

describeWithMoto('push and re-run triggers', () => {
  let world: DriftRepository;
  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
  });
  afterAll(() => world.close());

  const push = (paths: string[]) => world.push(paths);

  it('a push that touches only docs validates the config and scans nothing', async () => {
    await world.openRdp();
    await push(['README.md']);
    expect(world.github.checkRuns.map((run) => [run.name, run.conclusion])).toEqual([
      ['driftgate/config', 'success'],
    ]);
    expect(world.driftPullRequests()).toEqual([]);
  });

  it('a push touching the stack re-scans it', async () => {
    await push([`${world.dir}/web.tf`]);
    expect(world.driftPullRequests()).toHaveLength(1);
  });

  it('a broken config pushed: failing check run, nothing touched; fixed and re-run: scans again', async () => {
    const good = world.github.filesAt(world.github.defaultBranch);
    world.github.commit(
      undefined,
      {
        ...Object.fromEntries(good),
        '.github/driftgate.yml': 'stacks:\n  - name: net\n    dri: x\n',
      },
      world.github.defaultBranch,
    );
    world.github.writes.length = 0;
    await world.closeRdp();
    await push(['.github/driftgate.yml']);
    const failing = world.github.checkRuns.at(-1)!;
    expect(failing.conclusion).toBe('failure');
    expect(failing.output.summary).toContain('stacks[0]');
    expect(world.github.writes).toEqual([expect.stringMatching(/^POST .*\/check-runs$/)]);
    expect(world.driftPullRequests()).toHaveLength(1);

    // The config is fixed on the same commit (say, by force-push) and someone clicks "Re-run".
    world.github.commits.get(failing.head_sha)!.files.set('.github/driftgate.yml', world.config());
    const example = examplePayload('check_run', (candidate) => candidate.action === 'rerequested');
    await world.deliver('check_run', {
      ...example,
      check_run: {
        ...(example.check_run as object),
        id: failing.id,
        name: 'driftgate/config',
        head_sha: failing.head_sha,
      },
    });
    expect(failing.conclusion).toBe('success');
    // The rescan found the drift gone and closed its PR.
    expect(world.driftPullRequests()).toEqual([]);
  });
});
