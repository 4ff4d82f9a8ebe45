/**
 * Property over every golden fixture: for random non-empty subsets of a fixture's changes,
 * codify either refuses the drift and changes nothing, or its output (1) is what
 * terraform fmt (or hclfmt) would write and (2) means, read by HashiCorp's own parser
 * (hcl2-parser), the live value of every change in the subset.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import hcl2 from 'hcl2-parser';
import { describe, expect, it } from 'vitest';
import { codifyDrifts, type SourceFile } from '../../src/remediation/codify/codify.js';
import { equivalent } from '../../src/remediation/codify/planner.js';
import type { AttributeChange } from '../../src/drift/model.js';
import { aDrift } from '../support/drift-builder.js';
import { formatHcl } from '../support/formatter.js';

const ROOT = 'test/fixtures/codify';
type Json = Record<string, unknown>;

function readFiles(dir: string): SourceFile[] {
  return readdirSync(dir)
    .sort()
    .map((name) => ({ path: name, text: readFileSync(join(dir, name), 'utf8') }));
}

function parse(text: string): Json {
  const [value, error] = hcl2.parseToObject(text);
  if (error) throw new Error(`hcl2-parser rejects codify's output: ${error}`);
  return value as Json;
}

/** The stack as HashiCorp's parser reads it, with `${var.x}` / `${local.x}` resolved to literals. */
function semantics(files: Map<string, string>) {
  const tf: Json[] = [];
  const tfvars: Json = {};
  for (const [path, text] of files) {
    if (path.endsWith('.tfvars')) Object.assign(tfvars, parse(text));
    else tf.push(parse(text));
  }
  const variables: Json = Object.assign({}, ...tf.map((file) => file.variable ?? {}));
  const locals: Json = Object.assign({}, ...tf.flatMap((file) => (file.locals as Json[]) ?? []));
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const reference = /^\$\{(var|local)\.([A-Za-z0-9_-]+)\}$/.exec(value);
      if (reference?.[1] === 'local') return resolve(locals[reference[2]!]);
      if (reference?.[1] === 'var')
        return resolve(
          reference[2]! in tfvars
            ? tfvars[reference[2]!]
            : (variables[reference[2]!] as Json[] | undefined)?.[0]?.default,
        );
      return value;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  const resource = (address: string): Json => {
    const [type, name] = address.split('.');
    const found = tf
      .map((file) => ((file.resource as Json | undefined)?.[type!] as Json | undefined)?.[name!])
      .find(Boolean) as Json[];
    return resolve(found[0]) as Json;
  };
  /** A group's rules written as aws_security_group_rule resources, in the group's element shape. */
  const ruleResources = (group: string, direction: string): Json[] =>
    tf.flatMap((file) =>
      Object.values(((file.resource as Json | undefined)?.aws_security_group_rule ?? {}) as Json)
        .map((blocks) => (blocks as Json[])[0]!)
        .filter((rule) => rule.security_group_id === `\${${group}.id}` && rule.type === direction)
        .map(({ type: _type, security_group_id: _group, ...rule }) => rule),
    );
  return { resource, ruleResources };
}

/** Does a block in the code (its written attributes) describe this element? */
function describes(block: Json, element: Json): boolean {
  return Object.entries(block).every(
    ([key, value]) =>
      (value && typeof value === 'object' && !Array.isArray(value)) ||
      (Array.isArray(value) && value.some((item) => item && typeof item === 'object')) ||
      equivalent(value, element[key], key),
  );
}

function expectSays(resource: Json, change: AttributeChange, rules: Json[]): void {
  const [head, second, third] = change.path as (string | number)[];
  const value = resource[head as string] ?? (rules.length ? rules : undefined);
  if (change.path.length === 1)
    return void expect(equivalent(value ?? null, change.live)).toBe(true);
  if (typeof second === 'string') {
    const map = (value ?? {}) as Json;
    return void expect(change.live === null ? second in map : map[second]).toEqual(
      change.live === null ? false : change.live,
    );
  }
  const blocks = (Array.isArray(value) ? value : []) as Json[];
  if (change.path.length === 2) {
    if (change.live === null)
      expect(blocks.some((block) => describes(block, change.recorded as Json))).toBe(false);
    else expect(blocks.some((block) => describes(block, change.live as Json))).toBe(true);
    return;
  }
  if (change.element) {
    const live = change.element.live as Json;
    expect(
      blocks.some(
        (block) =>
          describes(block, live) &&
          equivalent(block[third as string], live[third as string], String(third)),
      ),
    ).toBe(true);
    return;
  }
  expect(equivalent(blocks[second as number]?.[third as string] ?? null, change.live)).toBe(true);
}

describe('codify output over random subsets of each golden drift', () => {
  for (const name of readdirSync(ROOT).sort()) {
    it(`${name}: formatted, and means the live values (or refused, unchanged)`, async () => {
      const dir = join(ROOT, name);
      const raw = JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8'));
      const before = readFiles(join(dir, 'before'));
      await fc.assert(
        fc.asyncProperty(
          fc.subarray(raw.changes as Partial<AttributeChange>[], { minLength: 1 }),
          async (changes) => {
            const drift = aDrift(raw.address, changes, { type: raw.type });
            const outcome = await codifyDrifts('.', before, [drift]);
            if (outcome.refused.length > 0) {
              expect(Object.fromEntries(outcome.after)).toEqual(Object.fromEntries(outcome.before));
              return;
            }
            for (const [path, text] of outcome.after)
              if (text !== outcome.before.get(path) && path.endsWith('.tf'))
                expect(formatHcl(text), `${path} is not as terraform fmt writes it`).toBe(text);
            const stack = semantics(outcome.after);
            const resource = stack.resource(raw.address);
            for (const change of drift.changes)
              if (change.path[0] !== 'tags_all')
                expectSays(
                  resource,
                  change,
                  stack.ruleResources(raw.address, String(change.path[0])),
                );
          },
        ),
        // Every subset of a small drift, a sample of a larger one's.
        { numRuns: Math.min(8, 2 ** raw.changes.length - 1) },
      );
    });
  }
});
