/**
 * Set elements in every output: an added or removed rule is shown as such, by content,
 * and no output names an index whose recorded element is not the one that changed.
 */
import { describe, expect, it } from 'vitest';
import { TEST_ENVIRONMENT } from '../support/records.js';
import { setPredicateFor } from '../../src/providers/aws/schema.js';
import { buildDrift } from '../../src/drift/build.js';
import type { Drift } from '../../src/drift/model.js';
import { renderPullRequestBody } from '../../src/github/pr-body.js';
import { planRevert } from '../../src/remediation/revert.js';
import { renderJson, renderMarkdown, renderText } from '../../src/report/render.js';
import type { ScanReport } from '../../src/report/model.js';

const rule = (port: number, cidrs: string[], description = '') => ({
  cidr_blocks: cidrs,
  description,
  from_port: port,
  to_port: port,
  protocol: 'tcp',
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  security_groups: [],
  self: false,
});

// Recorded: HTTPS (index 0) and 8080 from the office (index 1). Live, in the provider's
// order: a new SSH-from-anywhere rule first, HTTPS, and the office SSH rule gone.
const drift: Drift = {
  ...buildDrift({
    stack: 'prod-network',
    address: 'aws_security_group.web',
    type: 'aws_security_group',
    action: 'update',
    source: 'aws',
    sensitivePaths: [],
    recorded: {
      id: 'sg-0abc',
      ingress: [rule(443, ['0.0.0.0/0'], 'HTTPS'), rule(8080, ['198.51.100.0/24'], 'office')],
    },
    live: { id: 'sg-0abc', ingress: [rule(22, ['0.0.0.0/0']), rule(443, ['0.0.0.0/0'], 'HTTPS')] },
    isSet: setPredicateFor('aws_security_group'),
  }),
  tier: 2,
  tierReason: 'built-in rule: security group or IAM',
  direction: 'revert',
  directionReason: 'default',
};
const report: ScanReport = {
  generatedAt: '2026-11-24T08:00:00.000Z',
  stacks: [
    {
      name: 'prod-network',
      dir: 'envs/prod',
      environment: 'prod',
      source: 'aws',
      drifts: [drift],
      notScanned: [],
      warnings: [],
      apiCalls: {},
    },
  ],
};
const INDEX = /ingress\[\d+\]/;

describe('added and removed set elements in every output', () => {
  it('text: + and - lines naming the rule by content', () => {
    const text = renderText(report);
    expect(text).toContain('      + ingress {tcp/22 from 0.0.0.0/0}\n');
    expect(text).toContain('      - ingress {tcp/8080 from 198.51.100.0/24 "office"}\n');
    expect(text).not.toMatch(INDEX);
  });

  it('markdown and the PR body: a row per element, marked + or -', () => {
    const body = renderPullRequestBody(TEST_ENVIRONMENT.metadataKey, {
      drift,
      direction: 'revert',
      tier: 2,
      revert: planRevert(drift, 'sg-0abc'),
      codifyDiff: '',
      codifyRefusals: [],
    });
    for (const output of [renderMarkdown(report), body]) {
      expect(output).toContain('| `+ ingress` | `(absent)` | `{tcp/22 from 0.0.0.0/0}` |');
      expect(output).toContain(
        '| `- ingress` | `{tcp/8080 from 198.51.100.0/24 "office"}` | `(absent)` |',
      );
      expect(output).not.toMatch(INDEX);
    }
    // The revert still knows exactly which rules to revoke and restore.
    expect(body).toContain('RevokeSecurityGroupIngress');
    expect(body).toContain('AuthorizeSecurityGroupIngress');
  });

  it('JSON: path is the set, set_element says added or removed, the element is whole', () => {
    const [json] = JSON.parse(renderJson(report)).stacks[0].drifts;
    expect(json.changes).toEqual([
      {
        path: 'ingress',
        set_element: 'removed',
        recorded: rule(8080, ['198.51.100.0/24'], 'office'),
        live: null,
      },
      { path: 'ingress', set_element: 'added', recorded: null, live: rule(22, ['0.0.0.0/0']) },
    ]);
  });
});
