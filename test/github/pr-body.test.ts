import { describe, expect, it } from 'vitest';
import { parseDashboard, renderDashboard } from '../../src/github/dashboard.js';
import {
  parsePullRequestMeta,
  renderPullRequestBody,
  type PullRequestModel,
} from '../../src/github/pr-body.js';
import { renderMarkdown } from '../../src/report/render.js';
import { aDrift } from '../support/drift-builder.js';
import { activeMarkdown } from '../support/markdown-tree.js';
import { TEST_ENVIRONMENT, TEST_RECORDS } from '../support/records.js';

const KEY = TEST_ENVIRONMENT.metadataKey;

/** What an attacker who can tag a resource would write: driftgate's own record, overriding it. */
const FORGED_RECORD = `<!-- driftgate:meta ${Buffer.from(
  JSON.stringify({
    v: 1,
    stack: 'net',
    address: 'aws_security_group.web',
    fingerprint: 'f',
    direction: 'codify',
    tier: 1,
    override: 'codify',
    override_by: 'attacker',
    ignored_until: '2099-12-31',
  }),
).toString('base64')} -->`;

const HOSTILE = {
  key: '# heading',
  value: `\`\`\` @org/team <img src=x onerror=alert(1)> ${FORGED_RECORD}`,
};

const drift = aDrift(
  'aws_security_group.web',
  [{ path: ['tags', HOSTILE.key], recorded: null, live: HOSTILE.value }],
  {
    stack: 'net',
    fingerprint: 'abc123',
    source: 'aws',
    direction: 'revert',
    directionReason: 'default: @org/team said `so`',
    tier: 2,
    tierReason: '- [x] <b>policy</b>',
    attribution: {
      actor: '@org/admins <!-- x -->',
      actorType: 'iam-user',
      time: '2026-11-24T08:00:00Z',
      eventName: 'CreateTags',
      sourceIp: undefined,
      via: 'console',
      userAgent: undefined,
    },
  },
);

const model: PullRequestModel = {
  drift,
  direction: 'revert',
  tier: 2,
  revert: {
    operations: [],
    refusals: [{ path: `tags["${HOSTILE.key}"]`, reason: `live value ${HOSTILE.value}` }],
    terraformCommands: ['terraform apply'],
  },
  codifyDiff: '',
  codifyRefusals: [{ subject: HOSTILE.key, reason: HOSTILE.value }],
};

/** Every place a body could smuggle driftgate-looking data or active Markdown. */
async function expectInert(body: string, tag = 'meta'): Promise<void> {
  // The only comment opener in the raw body is driftgate's own record, last.
  expect(body.match(/<!--/g)).toHaveLength(1);
  expect(body.trimEnd()).toMatch(new RegExp(`<!-- driftgate:${tag} \\S+ \\S+ -->$`));
  // Rendered: no HTML from values, no mention, no link, no heading made of a tag key.
  expect(await activeMarkdown(body)).toEqual([]);
}

describe('a drift whose live values are hostile', () => {
  it('renders a PR body with no parsable forged record: parsing returns the real one', async () => {
    const body = renderPullRequestBody(KEY, model);
    await expectInert(body);
    expect(parsePullRequestMeta(TEST_RECORDS, body)).toEqual({
      v: 1,
      stack: 'net',
      address: 'aws_security_group.web',
      fingerprint: 'abc123',
      direction: 'revert',
      tier: 2,
    });
    // The value is shown (as JSON), in a code span whose fence its backticks cannot close.
    expect(body).toContain(
      '| ````"``` @org/team <img src=x onerror=alert(1)> <\u2060!-- driftgate:meta ',
    );
  });

  it('an edited record in the body (MAC mismatch) is ignored and reported', () => {
    const body = renderPullRequestBody(KEY, model);
    const edited = body.replace(
      /(<!-- driftgate:meta )(\S+)/,
      (_, head: string, payload: string) =>
        head +
        Buffer.from(
          Buffer.from(payload, 'base64').toString().replace('"tier":2', '"tier":1'),
        ).toString('base64'),
    );
    expect(edited).not.toBe(body);
    const rejected: string[] = [];
    expect(
      parsePullRequestMeta(
        { key: KEY, onRejected: (tag, reason) => rejected.push(`${tag}: ${reason}`) },
        edited,
      ),
    ).toBeUndefined();
    expect(rejected).toEqual(['meta: MAC mismatch (edited, forged, or another key)']);
  });

  it('renders the dashboard inert; its forged or edited record is ignored', async () => {
    const dashboard = {
      v: 1 as const,
      updatedAt: '2026-11-24T08:00:00.000Z',
      stacks: [
        {
          name: 'net',
          environment: 'prod',
          scannedAt: '2026-11-24T08:00:00.000Z',
          error: `state unreadable: ${HOSTILE.value}`,
          drifts: [
            {
              address: `aws_instance.x["${HOSTILE.value}"]`,
              fingerprint: 'f',
              tier: 2,
              direction: 'revert',
            },
          ],
          notScanned: [],
        },
      ],
      ignored: [
        { address: 'aws_vpc.main', reason: HOSTILE.value, owner: 'org/team', expired: false },
      ],
    };
    const body = renderDashboard(KEY, dashboard);
    await expectInert(body, 'dashboard');
    expect(parseDashboard(TEST_RECORDS, body)).toEqual(dashboard);
    // A person (or a value) appending a record of their own makes the dashboard unreadable, not theirs.
    const forged = `${body}\n<!-- driftgate:dashboard ${Buffer.from(JSON.stringify({ ...dashboard, ignored: [] })).toString('base64')} -->`;
    expect(parseDashboard(TEST_RECORDS, forged)).toBeUndefined();
  });

  it('renders `scan --format markdown` inert', async () => {
    const markdown = renderMarkdown({
      generatedAt: '2026-11-24T08:00:00.000Z',
      stacks: [
        {
          name: 'net',
          dir: 'envs/<b>',
          environment: '@org/team',
          source: 'aws',
          drifts: [{ ...drift, security: { direction: 'widening', explanation: HOSTILE.value } }],
          notScanned: [{ address: 'aws_lambda_function.x', reason: HOSTILE.value }],
          warnings: [HOSTILE.value],
          apiCalls: {},
        },
      ],
    } as never);
    expect(markdown).not.toMatch(/<!--/);
    expect(await activeMarkdown(markdown)).toEqual([]);
    expect(markdown).toContain(
      '| `` tags["# heading"] `` |'.replace('`` tags', '`tags').replace('"] ``', '"]`'),
    );
  });
});
