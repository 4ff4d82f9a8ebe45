/**
 * Training mode, end to end: real webhook payloads into Probot, the real Octokit against
 * the stateful fake GitHub, the real EC2 and S3 clients against moto, and CloudTrail log
 * files in S3 naming who changed what. A tier-1 drift in a training stack goes to a learner
 * with a by-hand checklist and no auto-merge; the learner fixes it by hand; the next scan
 * closes the PR crediting them and the ledger on the default branch says so.
 */
import { gzipSync } from 'node:zlib';
import {
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePullRequestMeta } from '../../src/github/pr-body.js';
import { cloudTrailRecord } from '../support/cloudtrail.js';
import { FakeGitHub, type FakePullRequest } from '../support/fake-github.js';
import { describeWithMoto, motoEc2, motoS3, useMotoEndpointForApp } from '../support/moto.js';
import {
  TEST_RECORDS,
  commentPayload,
  dispatchPayload,
  driftgateApp,
  examplePayload,
} from '../support/probot.js';
import { securityGroup, v4State } from '../support/state-builder.js';

const ACCOUNT = '123456789012';
const BUCKET = 'training-trail';
const EGRESS = [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }];

describeWithMoto('training mode', () => {
  useMotoEndpointForApp();
  const ec2 = motoEc2();
  const s3 = motoS3();
  let github: FakeGitHub;
  let repository: Record<string, unknown>;
  const ids: Record<string, string> = {};
  let logFiles = 0;

  /** One more trail log file in S3, as CloudTrail delivers it. */
  const deliver = async (records: Record<string, unknown>[]) => {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${day}/${ACCOUNT}_CloudTrail_us-east-1_${logFiles++}.json.gz`,
        Body: gzipSync(JSON.stringify({ Records: records })),
      }),
    );
  };
  const tagByHand = async (name: string, who: string, eventId: string) => {
    await ec2.send(
      new CreateTagsCommand({ Resources: [ids[name]!], Tags: [{ Key: 'Owner', Value: 'ops' }] }),
    );
    await deliver([
      cloudTrailRecord({
        kind: 'iam-user',
        name: who,
        resourceId: ids[name]!,
        time: new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        eventId,
      }),
    ]);
  };
  const untagByHand = async (name: string, who: string, eventId: string) => {
    await ec2.send(new DeleteTagsCommand({ Resources: [ids[name]!], Tags: [{ Key: 'Owner' }] }));
    await deliver([
      cloudTrailRecord({
        kind: 'iam-user',
        name: who,
        resourceId: ids[name]!,
        time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        eventId,
        eventName: 'DeleteTags',
      }),
    ]);
  };

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' }))).Vpc!.VpcId!;
    let ownerId = '';
    for (const name of ['web', 'api', 'tools']) {
      ids[name] = (
        await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: `training-${name}`,
            Description: name,
            VpcId: vpcId,
          }),
        )
      ).GroupId!;
      ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids[name]!] })))
        .SecurityGroups![0]!.OwnerId!;
    }
    const group = (name: string) =>
      securityGroup(name, {
        id: ids[name]!,
        name: `training-${name}`,
        description: name,
        vpcId,
        ownerId,
        ingress: [],
        egress: EGRESS,
      });
    const code = (names: string[]) =>
      names
        .map(
          (name) =>
            `resource "aws_security_group" "${name}" {\n  name        = "training-${name}"\n  description = "${name}"\n  vpc_id      = "${vpcId}"\n}\n`,
        )
        .join('\n');
    repository = examplePayload('repository_dispatch').repository as Record<string, unknown>;
    github = new FakeGitHub(
      (repository.owner as { login: string }).login,
      repository.name as string,
      repository.default_branch as string,
    );
    // GitHub could auto-merge here: only the training hold keeps it off.
    github.settings.allowAutoMerge = true;
    github.settings.requiredChecks = ['ci'];
    github.permissions.set('lead', 'write');
    github.permissions.set('visitor', 'read');
    github.commit(
      undefined,
      {
        '.github/driftgate.yml': [
          'stacks:',
          '  - name: dev-sandbox',
          '    dir: envs/dev/sandbox',
          '    environment: dev',
          '    state: envs/dev/sandbox/terraform.tfstate',
          '    aws:',
          '      region: us-east-1',
          '  - name: tools',
          '    dir: envs/dev/tools',
          '    environment: dev',
          '    state: envs/dev/tools/terraform.tfstate',
          '    aws:',
          '      region: us-east-1',
          'attribution:',
          '  source: s3',
          '  s3:',
          `    bucket: ${BUCKET}`,
          `    account_id: "${ACCOUNT}"`,
          '  lookback_hours: 24',
          // Security groups are tier 2 by default; this repository makes dev tier 1.
          'tiers:',
          '  use_defaults: false',
          '  rules:',
          '    - match: { environment: dev }',
          '      tier: 1',
          '      reason: dev',
          'training:',
          '  learners:',
          '    - github: alice',
          '      aws: [alice]',
          '    - github: bob',
          `      aws: ["arn:aws:iam::${ACCOUNT}:user/bob"]`,
          '  stacks: ["dev-*"]',
          '  hold_hours: 24',
          '',
        ].join('\n'),
        'envs/dev/sandbox/main.tf': code(['web', 'api']),
        'envs/dev/sandbox/terraform.tfstate': v4State([group('web'), group('api')]),
        'envs/dev/tools/main.tf': code(['tools']),
        'envs/dev/tools/terraform.tfstate': v4State([group('tools')]),
      },
      github.defaultBranch,
    );
    github.install();
  });
  afterAll(() => github.uninstall());

  const scan = () =>
    driftgateApp().receive({
      id: String(Math.random()),
      name: 'repository_dispatch',
      payload: dispatchPayload(repository),
    } as never);
  const comment = (number: number, body: string, login: string) =>
    driftgateApp().receive({
      id: String(Math.random()),
      name: 'issue_comment',
      payload: commentPayload(repository, number, body, login),
    } as never);
  const prFor = (address: string, stack = 'dev-sandbox'): FakePullRequest =>
    github.pullRequests.find((pr) => pr.head.ref === `driftgate/${stack}/${address}`)!;
  const labels = (pr: FakePullRequest) => pr.labels.map((label) => label.name);
  const assignees = (pr: FakePullRequest) => (pr.assignees ?? []).map((user) => user.login);

  it('a tier-1 drift in a training stack goes to the least-loaded learner, with a checklist and auto-merge held', async () => {
    await tagByHand('web', 'carol', 'ev-web-tag');
    await scan();
    const web = prFor('aws_security_group.web');
    expect(labels(web)).toEqual(['driftgate:tier-1', 'driftgate:revert', 'driftgate:training']);
    expect(assignees(web)).toEqual(['alice']);
    expect(web.body).toContain('### Training: hands-on for @alice');
    expect(web.body).toMatch(/Auto-merge is held until \d{4}-\d\d-\d\dT[\d:]+Z/);
    const checklist = web.body.slice(web.body.indexOf('### Training'));
    expect(checklist).toContain(
      `aws ec2 delete-tags --resources '${ids.web}' --tags '[{"Key":"Owner"}]' --region 'us-east-1'`,
    );
    expect(checklist).toContain("terraform apply -target='aws_security_group.web'");
    expect(checklist).toContain('`/driftgate rescan`');
    expect(parsePullRequestMeta(TEST_RECORDS, web.body)).toMatchObject({
      learner: 'alice',
      tier: 1,
    });
    // GitHub could auto-merge it, but driftgate did not arm auto-merge.
    expect(
      github.graphql.filter((call) => call.mutation.includes('enablePullRequestAutoMerge')),
    ).toEqual([]);
    expect(web.auto_merge).toBeNull();

    // A second training drift goes to bob: alice already has one open.
    await tagByHand('api', 'carol', 'ev-api-tag');
    await scan();
    expect(assignees(prFor('aws_security_group.api'))).toEqual(['bob']);
  });

  it('while the hold lasts, driftgate does not merge a green tier-1 training PR itself either', async () => {
    github.settings.allowAutoMerge = false;
    const web = prFor('aws_security_group.web');
    github.statuses.set(github.branches.get(web.head.ref)!, [{ context: 'ci', state: 'success' }]);
    await scan();
    expect(web.state).toBe('open');
    expect(web.merged_at).toBeNull();
    github.settings.allowAutoMerge = true;
  });

  it('a person relabelling the held PR to tier 1 does not arm auto-merge while the hold lasts', async () => {
    const web = prFor('aws_security_group.web');
    const example = examplePayload('pull_request', (candidate) => candidate.action === 'opened');
    const base = example.pull_request as Record<string, unknown>;
    const fullName = repository.full_name as string;
    const before = github.graphql.length;
    await driftgateApp().receive({
      id: String(Math.random()),
      name: 'pull_request',
      payload: {
        ...example,
        action: 'labeled',
        installation: dispatchPayload(repository).installation,
        number: web.number,
        label: { name: 'driftgate:tier-1' },
        sender: { ...(example.sender as object), login: 'maintainer', type: 'User' },
        repository,
        pull_request: {
          ...base,
          number: web.number,
          node_id: web.node_id,
          state: web.state,
          draft: false,
          body: web.body,
          labels: web.labels,
          auto_merge: null,
          head: {
            ...(base.head as object),
            ref: web.head.ref,
            sha: github.branches.get(web.head.ref),
            repo: { ...repository, full_name: fullName },
          },
          base: {
            ...(base.base as object),
            ref: web.base.ref,
            repo: { ...repository, full_name: fullName },
          },
        },
      },
    } as never);
    expect(github.graphql.slice(before).map((call) => call.mutation)).toEqual([]);
    expect(web.auto_merge).toBeNull();
  });

  it('the learner fixes it by hand; the next scan closes the PR crediting them and records it in the ledger', async () => {
    await untagByHand('web', 'alice', 'ev-web-fix');
    await scan();
    const web = prFor('aws_security_group.web');
    expect(web.state).toBe('closed');
    expect(web.comments.at(-1)).toMatch(
      /^Closing: the drift is gone — fixed by hand by @alice\. CloudTrail: DeleteTags by alice at /,
    );
    const ledgerFiles = [
      ...github.commits.get(github.branches.get(github.defaultBranch)!)!.files,
    ].filter(([path]) => path.startsWith('.driftgate/ledger/dev-sandbox/'));
    expect(ledgerFiles).toHaveLength(1);
    const [path, record] = ledgerFiles[0]!;
    expect(web.comments.at(-1)).toContain(`Recorded in the ledger: \`${path}\``);
    expect(record).toMatch(
      /outcome:\n {2}status: hands-on\n {2}pull_request: \d+\n {2}executed_by: alice\n {2}actor: alice\n {2}event_name: DeleteTags\n {2}event_id: ev-web-fix/,
    );
    expect(record).toContain('address: aws_security_group.web');
  });

  it('a drift fixed by someone else closes as usual, without credit or a ledger record', async () => {
    await untagByHand('api', 'carol', 'ev-api-fix');
    await scan();
    const api = prFor('aws_security_group.api');
    expect(api.state).toBe('closed');
    expect(api.comments.at(-1)).toBe(
      'Closing: the drift is gone: live state matches the recorded state again.',
    );
    const ledger = [
      ...github.commits.get(github.branches.get(github.defaultBranch)!)!.files.keys(),
    ].filter((path) => path.includes('/dev-sandbox/'));
    expect(ledger).toHaveLength(1);
  });

  it('/driftgate handson @bob from a reader changes nothing; from a writer it assigns the PR to bob', async () => {
    await tagByHand('tools', 'carol', 'ev-tools-tag');
    await scan();
    const tools = prFor('aws_security_group.tools', 'tools');
    // Not a training stack: an ordinary tier-1 PR, auto-merge armed.
    expect(labels(tools)).toEqual(['driftgate:tier-1', 'driftgate:revert']);
    expect(assignees(tools)).toEqual([]);
    expect(tools.auto_merge).not.toBeNull();

    await comment(tools.number, '/driftgate handson @bob', 'visitor');
    expect(tools.comments.at(-1)).toContain(
      '@visitor: `/driftgate handson` needs write access to this repository; nothing was changed.',
    );
    expect(assignees(tools)).toEqual([]);
    expect(tools.body).not.toContain('### Training');

    await comment(tools.number, '/driftgate handson @bob', 'lead');
    expect(assignees(tools)).toEqual(['bob']);
    expect(labels(tools)).toContain('driftgate:training');
    expect(tools.body).toContain('### Training: hands-on for @bob');
    expect(tools.body).toContain('(assigned by @lead with `/driftgate handson`)');
    expect(parsePullRequestMeta(TEST_RECORDS, tools.body)).toMatchObject({
      learner: 'bob',
      learner_by: 'lead',
    });
    // The hold disarmed the auto-merge that was armed before.
    expect(tools.auto_merge).toBeNull();
    expect(tools.comments.at(-1)).toContain('Assigned to @bob to fix by hand, as @lead asked');
  });
});
