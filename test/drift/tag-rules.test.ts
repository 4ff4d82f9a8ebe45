import { describe, expect, it } from 'vitest';
import { buildDrift } from '../../src/drift/build.js';
import {
  applyProviderTagRules,
  providerTagRulesFor,
  providerTagRuleWarnings,
} from '../../src/drift/tag-rules.js';
import { formatPath } from '../../src/terraform/path.js';
import { buildStack } from '../../src/terraform/stack.js';

const CODE = `provider "aws" {
  ignore_tags {
    keys         = ["LastScanned"]
    key_prefixes = ["kubernetes.io/"]
  }
}

provider "aws" {
  alias = "west"
  ignore_tags {
    keys = ["Backup"]
  }
}

resource "aws_vpc" "east" {}

resource "aws_vpc" "west" {
  provider = aws.west
}

module "network" {
  source    = "./network"
  providers = { aws = aws.west }
}
`;

function vpcDrift(address: string, recorded: unknown, live: unknown) {
  return buildDrift({
    stack: 's',
    address,
    type: 'aws_vpc',
    action: 'update',
    recorded,
    live,
    sensitivePaths: [],
    source: 'aws',
  });
}

describe('the provider tag rules', () => {
  it('resolves the provider configuration of each resource: default, provider = aws.x, a module’s providers map', async () => {
    const stack = await buildStack('s', [{ path: 'main.tf', text: CODE }]);
    expect(providerTagRulesFor(stack, 'aws_vpc.east')).toEqual({
      keys: ['LastScanned'],
      keyPrefixes: ['kubernetes.io/'],
    });
    expect(providerTagRulesFor(stack, 'aws_vpc.west').keys).toEqual(['Backup']);
    expect(providerTagRulesFor(stack, 'module.network.aws_vpc.this[0]').keys).toEqual(['Backup']);
    expect(providerTagRulesFor(undefined, 'aws_vpc.east')).toEqual({ keys: [], keyPrefixes: [] });
  });

  it('drops aws:* and ignored keys, narrows whole-map changes, and re-fingerprints', async () => {
    const stack = await buildStack('s', [{ path: 'main.tf', text: CODE }]);
    const rules = providerTagRulesFor(stack, 'aws_vpc.east');
    const onlyIgnored = vpcDrift(
      'aws_vpc.east',
      { tags: null, tags_all: { Name: 'a' } },
      {
        tags: { 'aws:autoscaling:groupName': 'asg', LastScanned: 'today' },
        tags_all: { Name: 'a', 'aws:autoscaling:groupName': 'asg', 'kubernetes.io/role': 'x' },
      },
    );
    expect(onlyIgnored.changes.map((c) => formatPath(c.path))).toEqual([
      'tags',
      'tags_all["aws:autoscaling:groupName"]',
      'tags_all["kubernetes.io/role"]',
    ]);
    expect(applyProviderTagRules(onlyIgnored, rules)).toBeUndefined();

    const mixed = vpcDrift(
      'aws_vpc.east',
      { tags: null },
      { tags: { 'aws:cloudformation:stack-name': 'legacy', Owner: 'bob' } },
    );
    const visible = applyProviderTagRules(mixed, rules)!;
    expect(visible.changes).toEqual([
      expect.objectContaining({ path: ['tags'], recorded: null, live: { Owner: 'bob' } }),
    ]);
    expect(visible.fingerprint).toBe(
      vpcDrift('aws_vpc.east', { tags: null }, { tags: { Owner: 'bob' } }).fingerprint,
    );
  });

  it('leaves other providers’ resources alone, and says when ignore_tags is not literal', async () => {
    const drift = {
      ...vpcDrift('google_thing.x', {}, { tags: { 'aws:x': '1' } }),
      type: 'google_thing',
    };
    expect(applyProviderTagRules(drift, { keys: [], keyPrefixes: [] })).toBe(drift);
    const stack = await buildStack('s', [
      { path: 'p.tf', text: 'provider "aws" {\n  ignore_tags {\n    keys = var.ignored\n  }\n}\n' },
    ]);
    expect(providerTagRuleWarnings(stack)).toEqual([
      'p.tf:3: ignore_tags.keys is not a literal list of strings: driftgate cannot apply it, so tags it would ignore may be reported as drift',
    ]);
  });
});
