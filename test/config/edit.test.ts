import { describe, expect, it } from 'vitest';
import { addIgnoreRule } from '../../src/config/edit.js';
import { parseConfig } from '../../src/config/load.js';

const CONFIG = `# driftgate watches the network stacks
stacks:
  - name: prod-network # the shared VPC
    dir: envs/prod/network
    environment: prod

ignore:
  # the audit tool stamps this tag daily
  - address: aws_security_group.*
    attributes: [tags.LastAudit]
`;

describe('adding an ignore rule to .github/driftgate.yml', () => {
  const rule = {
    address: 'aws_security_group.web',
    until: '2026-12-24',
    reason: 'vendor remote support until the migration',
    owner: 'maintainer',
  };

  it('appends the rule and keeps every comment and the existing rules as written', () => {
    const next = addIgnoreRule(CONFIG, rule);
    expect(next.startsWith(CONFIG)).toBe(true);
    expect(next.slice(CONFIG.length)).toBe(
      '  - address: aws_security_group.web\n    until: 2026-12-24\n    reason: vendor remote support until the migration\n    owner: maintainer\n',
    );
    expect(parseConfig(next).ignore).toEqual([
      { address: 'aws_security_group.*', attributes: ['tags.LastAudit'] },
      rule,
    ]);
  });

  it('creates the list when the config has none, or an empty flow list', () => {
    const bare = 'stacks:\n  - name: a\n    dir: a\n';
    expect(addIgnoreRule(bare, { address: 'aws_vpc.main' })).toBe(
      `${bare}ignore:\n  - address: aws_vpc.main\n`,
    );
    expect(addIgnoreRule(`${bare}ignore: []\n`, { address: 'aws_vpc.main' })).toBe(
      `${bare}ignore:\n  - address: aws_vpc.main\n`,
    );
  });

  it('refuses to edit a config that is already invalid', () => {
    expect(() => addIgnoreRule('stacks: []\n', { address: 'aws_vpc.main' })).toThrow(
      'list at least one stack',
    );
  });
});
