/**
 * Scenarios for the app's drift PRs, end to end: real webhook payloads into Probot, the
 * real Octokit against the stateful fake GitHub, and the real EC2 client against moto.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePullRequestMeta } from '../../src/github/pr-body.js';
import {
  ALL_EGRESS_RULE,
  RDP,
  SSH,
  SSH_RULE,
  securityGroupTf,
} from '../support/drift-repository.js';
import { DRIFTGATE_LABELS } from '../../src/github/repository.js';
import { FakeGitHub } from '../support/fake-github.js';
import { motoEc2, motoEndpoint, describeWithMoto } from '../support/moto.js';
import {
  INSTALLATION,
  TEST_RECORDS,
  commentPayload,
  dispatchPayload,
  driftgateApp,
  examplePayload,
} from '../support/probot.js';
import { securityGroup, v4State } from '../support/state-builder.js';

const DIR = 'envs/prod/network';

const MAIN_TF = securityGroupTf('web');

describeWithMoto('drift pull requests (repository_dispatch driftgate-scan)', () => {
  let github: FakeGitHub;
  let groupId: string;
  let repository: Record<string, unknown>;
  const ec2 = motoEc2();
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL = motoEndpoint();
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'Web tier', VpcId: vpcId }),
      )
    ).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [SSH] }),
    );
    const ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.OwnerId!;
    const state = v4State([
      securityGroup('web', {
        id: groupId,
        name: 'web',
        description: 'Web tier',
        vpcId,
        ownerId,
        ingress: [SSH_RULE],
        egress: [ALL_EGRESS_RULE],
      }),
    ]);
    repository = examplePayload('repository_dispatch').repository as Record<string, unknown>;
    const owner = (repository.owner as { login: string }).login;
    github = new FakeGitHub(owner, repository.name as string, repository.default_branch as string);
    github.commit(
      undefined,
      {
        '.github/driftgate.yml': `stacks:\n  - name: prod-network\n    dir: ${DIR}\n    environment: prod\n    state: ${DIR}/terraform.tfstate\n    aws:\n      region: us-east-1\nattribution:\n  source: off\n`,
        [`${DIR}/main.tf`]: MAIN_TF,
        [`${DIR}/terraform.tfstate`]: state,
      },
      github.defaultBranch,
    );
    github.install();
  });
  afterAll(() => {
    github.uninstall();
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = savedEndpoint;
  });
  beforeEach(() => {
    github.writes.length = 0;
    github.reactions.length = 0;
  });

  const scan = () =>
    driftgateApp().receive({
      id: String(Math.random()),
      name: 'repository_dispatch',
      payload: dispatchPayload(repository),
    } as never);
  const open = () => github.pullRequests.filter((pr) => pr.state === 'open');
  const comment = (number: number, body: string, login: string) =>
    driftgateApp().receive({
      id: String(Math.random()),
      name: 'issue_comment',
      payload: commentPayload(repository, number, body, login),
    } as never);

  it('a clean stack opens nothing', async () => {
    await scan();
    expect(github.pullRequests).toEqual([]);
    expect(github.writes).toEqual([]);
  });

  it('given RDP opened to the internet by hand, a scan opens one revert PR a reviewer can decide from', async () => {
    // The repository was set up by a push of its config: the driftgate/config check run and
    // driftgate's labels (created then, so the first drift PR spends no writes on them).
    const push = examplePayload('push', (candidate) =>
      (candidate.ref as string).startsWith('refs/heads/'),
    );
    await driftgateApp().receive({
      id: String(Math.random()),
      name: 'push',
      payload: {
        ...push,
        ref: `refs/heads/${github.defaultBranch}`,
        after: github.branches.get(github.defaultBranch),
        deleted: false,
        commits: [],
        repository,
        installation: INSTALLATION,
      },
    } as never);
    expect(github.writes.filter((write) => write.endsWith('/labels'))).toHaveLength(
      DRIFTGATE_LABELS.length,
    );
    github.writes.length = 0;

    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [RDP] }),
    );
    await scan();
    expect(open()).toHaveLength(1);
    const [pr] = open();
    expect(pr!.head.ref).toBe('driftgate/prod-network/aws_security_group.web');
    expect(pr!.title).toBe('driftgate: Revert drift on aws_security_group.web (prod-network)');
    expect(pr!.labels.map((label) => label.name)).toEqual(['driftgate:tier-2', 'driftgate:revert']);
    expect(pr!.draft).toBe(false);
    expect(pr!.body).toContain('### Security: widening');
    expect(pr!.body).toContain(
      'the change opened tcp/3389 from 0.0.0.0/0 (the internet); reverting would close it.',
    );
    expect(pr!.body).toMatch(
      new RegExp(
        `aws ec2 revoke-security-group-ingress --group-id '${groupId}' --ip-permissions '\\[.*\\]' --region 'us-east-1'`,
      ),
    );
    expect(pr!.body).toContain(`terraform plan -target='aws_security_group.web'`);
    expect(pr!.body).toContain('`/driftgate codify`');
    expect(parsePullRequestMeta(TEST_RECORDS, pr!.body)).toMatchObject({
      stack: 'prod-network',
      address: 'aws_security_group.web',
      direction: 'revert',
      tier: 2,
    });

    // The branch holds one commit on main with the ledger record and the audit trailers.
    const commit = github.commits.get(github.branches.get(pr!.head.ref)!)!;
    expect(commit.parents).toEqual([github.branches.get(github.defaultBranch)]);
    expect(commit.message).toMatch(
      /\nDrift-Id: [0-9a-f]{16}\nDrift-Stack: prod-network\nDrift-Address: aws_security_group.web\nDrift-Actor: unknown\nDrift-Tier: 2\nDrift-Direction: revert\n$/,
    );
    const ledger = [...commit.files.keys()].find((path) =>
      path.startsWith('.driftgate/ledger/prod-network/'),
    );
    expect(commit.files.get(ledger!)).toContain(
      'planned_operations:\n  - api: RevokeSecurityGroupIngress',
    );

    // GitHub write calls for the first drift PR in the repository: 7, labels included.
    expect(github.writes).toEqual([
      expect.stringMatching(/^POST .*\/git\/trees$/),
      expect.stringMatching(/^POST .*\/git\/commits$/),
      expect.stringMatching(/^POST .*\/git\/refs$/),
      expect.stringMatching(/^POST .*\/pulls$/),
      expect.stringMatching(/^POST .*\/issues\/\d+\/labels$/),
      // the driftgate/policy check on the PR's head (a revert PR writes no code: success)
      expect.stringMatching(/^POST .*\/check-runs$/),
      // the drift dashboard, created on the first drift (later drifts update it: PATCH)
      expect.stringMatching(/^POST .*\/issues$/),
    ]);
    const [dashboard] = github.issues;
    expect(dashboard!.title).toBe('driftgate: drift dashboard');
    expect(dashboard!.body).toContain(
      `| \`aws_security_group.web\` | 2 | revert | #${pr!.number} |`,
    );
  });

  it('a second scan with the same drift writes nothing; two racing deliveries still leave one PR', async () => {
    await scan();
    expect(github.writes).toEqual([]);
    await Promise.all([scan(), scan()]);
    expect(open()).toHaveLength(1);
    expect(github.writes).toEqual([]);
  });

  it('/driftgate codify from a read-only user is refused and changes nothing', async () => {
    github.permissions.set('reader', 'read');
    const [pr] = open();
    await comment(pr!.number, '/driftgate codify', 'reader');
    expect(pr!.labels.map((label) => label.name)).toEqual(['driftgate:tier-2', 'driftgate:revert']);
    expect(github.writes.filter((write) => !write.endsWith('/comments'))).toEqual([]);
    expect(pr!.comments.at(-1)).toContain(
      '@reader: `/driftgate codify` needs write access to this repository; nothing was changed.',
    );
    expect(github.reactions.map((reaction) => reaction.content)).toEqual(['eyes', 'confused']);
  });

  it('/driftgate codify from a maintainer rewrites the same PR to change the .tf code, and later scans keep it', async () => {
    github.permissions.set('maintainer', 'write');
    const [pr] = open();
    const before = github.branches.get(pr!.head.ref);
    await comment(
      pr!.number,
      "This was the vendor's remote-support hotfix.\n/driftgate codify",
      'maintainer',
    );
    expect(open()).toHaveLength(1);
    expect(pr!.labels.map((label) => label.name)).toEqual(['driftgate:tier-2', 'driftgate:codify']);
    expect(pr!.body).toContain(
      // Reasons are escaped text: the backticks show, and the name does not ping again.
      'Why this direction: chosen by @\u2060maintainer with \\`/driftgate codify\\`.',
    );
    expect(parsePullRequestMeta(TEST_RECORDS, pr!.body)).toMatchObject({
      direction: 'codify',
      override: 'codify',
      override_by: 'maintainer',
    });
    const branchHead = github.branches.get(pr!.head.ref)!;
    expect(branchHead).not.toBe(before);
    const tf = github.commits.get(branchHead)!.files.get(`${DIR}/main.tf`)!;
    expect(tf).toContain(
      '  ingress {\n    from_port   = 3389\n    to_port     = 3389\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n',
    );
    expect(pr!.comments.at(-1)).toContain('Switched to **codify**, as @maintainer asked');
    github.writes.length = 0;
    await scan();
    expect(github.writes).toEqual([]);
  });

  it('unknown commands get the help', async () => {
    const [pr] = open();
    await comment(pr!.number, '/driftgate destroy', 'maintainer');
    expect(pr!.comments.at(-1)).toContain('Unknown command `/driftgate destroy`.');
    expect(pr!.comments.at(-1)).toContain('`/driftgate revert`');
  });

  it('when the drift is fixed by hand, the PR is closed with a comment saying so', async () => {
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [RDP] }),
    );
    await scan();
    expect(open()).toEqual([]);
    const [pr] = github.pullRequests;
    expect(pr!.state).toBe('closed');
    expect(pr!.comments.at(-1)).toBe(
      'Closing: the drift is gone: live state matches the recorded state again.',
    );
    expect(pr!.labels.map((label) => label.name)).toContain('driftgate:resolved');
  });

  it('a PR a human closed unmerged is not re-opened for the same drift, and driftgate says so once', async () => {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [RDP] }),
    );
    await scan();
    const reopened = open();
    expect(reopened).toHaveLength(1);
    reopened[0]!.state = 'closed'; // a human closes it
    github.writes.length = 0;
    await scan();
    expect(open()).toEqual([]);
    expect(reopened[0]!.comments).toEqual([expect.stringContaining('will not open it again')]);
    github.writes.length = 0;
    await scan();
    expect(github.writes).toEqual([]);
  });

  it('a narrowing change (SSH removed by hand) becomes a codify PR that changes the .tf file', async () => {
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [RDP] }),
    );
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [SSH] }),
    );
    await scan();
    const [pr] = open();
    expect(pr!.labels.map((label) => label.name)).toEqual(['driftgate:tier-2', 'driftgate:codify']);
    expect(pr!.body).toContain('reverting would re-open tcp/22 from 10.0.0.0/8');
    const files = github.commits.get(github.branches.get(pr!.head.ref)!)!.files;
    // The group's only ingress rule is gone: `ingress = []` keeps Terraform managing the
    // direction (without it the rule would merely become unmanaged).
    expect(files.get(`${DIR}/main.tf`)).toBe(
      MAIN_TF.replace(/ {2}ingress \{[\s\S]*?\n {2}\}\n\n/, '  ingress = []\n\n'),
    );
    expect(pr!.body).toContain('-    description = "SSH from the VPN"');
  });
});

describe('no config', () => {
  it('a repository without .github/driftgate.yml is left alone', async () => {
    const repository = examplePayload('repository_dispatch').repository as Record<string, unknown>;
    const github = new FakeGitHub(
      (repository.owner as { login: string }).login,
      repository.name as string,
      repository.default_branch as string,
    );
    github.commit(undefined, { 'README.md': '# hello\n' }, github.defaultBranch);
    github.install();
    try {
      await driftgateApp().receive({
        id: '1',
        name: 'repository_dispatch',
        payload: dispatchPayload(repository),
      } as never);
      expect(github.writes).toEqual([]);
    } finally {
      github.uninstall();
    }
  });
});
