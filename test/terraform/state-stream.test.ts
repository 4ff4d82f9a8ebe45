/**
 * The streamed reader of large local state files (src/terraform/state-stream.ts) against
 * the whole-file JSON.parse reader: the same addresses, the same state, the same refusals.
 * The threshold is passed in (`streamAboveBytes: 0` streams every file, `Infinity` none),
 * so each pair reads the same bytes both ways.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftgateError } from '../../src/errors.js';
import {
  readState,
  readStateAddresses,
  STREAM_STATE_ABOVE_BYTES,
} from '../../src/terraform/state-source.js';
import { corpusFiles, CORPUS, isStateFile } from '../support/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'driftgate-state-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STREAMED = { streamAboveBytes: 0 };
const WHOLE = { streamAboveBytes: Number.POSITIVE_INFINITY };

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The refusal as the CLI prints it (one line, naming the file), or the value. */
async function outcome<T>(read: () => Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await read() };
  } catch (error) {
    if (!(error instanceof DriftgateError)) throw error;
    return { error: error.format() };
  }
}

const resource = (extra: Record<string, unknown>, instances: unknown[]) => ({
  mode: 'managed',
  type: 'aws_security_group',
  name: 'g',
  provider: 'provider["registry.terraform.io/hashicorp/aws"]',
  ...extra,
  instances,
});

/** A state with every shape an address is made of: modules, count and for_each keys, data, deposed objects, 0.11 flatmaps. */
function variedState(groups: number): string {
  const resources: unknown[] = [];
  for (let i = 0; i < groups; i++) {
    resources.push(
      resource({ name: `g${i}` }, [
        {
          schema_version: 1,
          attributes: { id: `sg-${i}`, tags: { Name: `g${i}`, 'a"b': 'ü \u2028 😀' }, n: 1.5e3 },
          sensitive_attributes: [[{ type: 'get_attr', value: 'tags' }]],
        },
      ]),
    );
  }
  resources.push(
    resource({ module: 'module.net["eu"]', name: 'counted', each: 'list' }, [
      { index_key: 0, attributes: { id: 'a' } },
      { index_key: 1, attributes: { id: 'b' } },
      { index_key: 1, deposed: '00000001', attributes: { id: 'old' } },
    ]),
    resource({ mode: 'data', type: 'aws_vpc', name: 'main', each: 'map' }, [
      { index_key: 'x"y', attributes: { id: 'vpc-1' } },
    ]),
    resource({ name: 'flat' }, [{ attributes_flat: { id: 'sg-f', 'tags.%': '1', 'tags.A': 'b' } }]),
  );
  // Header fields after the resources: Terraform writes them first, nothing requires it.
  return JSON.stringify(
    { resources, version: 4, serial: 7, lineage: 'l', terraform_version: '1.9.5', outputs: {} },
    null,
    2,
  );
}

describe('streamed state reading', () => {
  it('gives exactly the addresses and state the JSON.parse reader gives', async () => {
    const path = write('varied.tfstate', variedState(500));
    // 500 groups, 2 counted instances (one also deposed), a data source, a flatmap one.
    const addresses = await readStateAddresses(path, STREAMED);
    expect(addresses).toEqual(await readStateAddresses(path, WHOLE));
    expect(addresses).toHaveLength(504);
    expect(addresses).toContain('module.net["eu"].aws_security_group.counted[1]');
    expect(addresses).toContain('data.aws_vpc.main["x\\"y"]');
    const state = await readState(path, STREAMED);
    expect(state).toEqual(await readState(path, WHOLE));
    expect(state.serial).toBe(7);
    const counted = state.instances.find((i) => i.address.endsWith('counted[1]'));
    expect(counted?.deposed).toEqual(['00000001']);
    expect(state.instances[0]!.attributes).toEqual({
      id: 'sg-0',
      tags: { Name: 'g0', 'a"b': 'ü \u2028 😀' },
      n: 1500,
    });
  });

  it('reads every state of the HashiCorp corpus as the JSON.parse reader does', async () => {
    const files = corpusFiles(isStateFile);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const path = join(CORPUS, file);
      const whole = await outcome(() => readState(path, WHOLE));
      if (whole.error?.includes('not valid JSON')) {
        // terraform-json/invalid: positions differ in form (see the invalid JSON tests).
        expect((await outcome(() => readState(path, STREAMED))).error).toBe(
          `${path}: not valid JSON (line 12, column 28)`,
        );
        continue;
      }
      expect(await outcome(() => readState(path, STREAMED)), file).toEqual(whole);
      expect(await outcome(() => readStateAddresses(path, STREAMED)), file).toEqual(
        await outcome(() => readStateAddresses(path, WHOLE)),
      );
    }
  });

  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const header = '"version":4,"serial":1,"lineage":"x"';
  const valid = resource({}, []);
  it.each([
    ['a document that is not an object', '[1, 2]'],
    ['a number', '42'],
    ['an old state version', '{"version":3,"serial":1,"lineage":"x","resources":[{"mode":1}]}'],
    ['a header field missing', `{"version":4,"serial":1,"resources":[{"mode":"bad"}]}`],
    [
      'the second resource invalid',
      `{${header},"resources":[${JSON.stringify(valid)},{"mode":"bad"}]}`,
    ],
    ['resources not an array', `{${header},"resources":{}}`],
    ['neither format', '{"serial":1}'],
    ['too deep in a resource', `{${header},"resources":[{"a":${deep(300)}},{"b":${deep(270)}}]}`],
    ['too deep in a header field', `{"version":3,"outputs":${deep(300)}}`],
    [
      'a repeated resources key (the last counts)',
      `{${header},"resources":[{"m":1}],"resources":[]}`,
    ],
    ['a __proto__ key', '{"__proto__":{"version":4},"format_version":"1.0"}'],
    [
      'a show -json state',
      '{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"a.b","mode":"managed","type":"a","name":"b","values":{}}]}}}',
    ],
  ])('%s: the same result or refusal both ways', async (name, text) => {
    const path = write(`case-${name.replace(/\W+/g, '-')}.json`, text);
    const whole = await outcome(() => readStateAddresses(path, WHOLE));
    expect(await outcome(() => readStateAddresses(path, STREAMED))).toEqual(whole);
    expect(await outcome(() => readState(path, STREAMED))).toEqual(
      await outcome(() => readState(path, WHOLE)),
    );
    if (whole.error) {
      expect(whole.error.startsWith(`${path}: `)).toBe(true);
      expect(whole.error).not.toMatch(/\n(?! {2}hint:)/);
    }
  });

  it.each([
    ['truncated', `{${header},"resources":[\n  {"mode":"managed"`, 'line 2, column 20'],
    ['empty', '', 'line 1, column 1'],
    ['a byte-order mark', '\ufeff{}', 'line 1, column 1'],
    ['text after the object', `{${header}}\n\nx`, 'line 3, column 1'],
    ['a raw tab in a string', `{${header},\n"resources":[],\n"a":"x\ty"}`, 'line 3, column 7'],
  ])('invalid JSON (%s): one line naming the file and where', async (_name, text, where) => {
    const path = write('broken.tfstate', text);
    const streamed = await outcome(() => readStateAddresses(path, STREAMED));
    expect(streamed.error).toBe(`${path}: not valid JSON (${where})`);
    expect(await outcome(() => readState(path, STREAMED))).toEqual(streamed);
    // JSON.parse refuses the same files; it gives a character offset when V8 has one.
    const whole = await outcome(() => readStateAddresses(path, WHOLE));
    expect(whole.error).toMatch(new RegExp(`^${path.replace(/\W/g, '\\$&')}: not valid JSON \\(`));
  });

  it('streams files from STREAM_STATE_ABOVE_BYTES on by default, and reads smaller ones whole', async () => {
    // A broken file tells the two readers apart: only the streamed one gives line and column.
    const broken = `{${header},"resources":[]}x`;
    const small = write('small.tfstate', broken);
    expect((await outcome(() => readStateAddresses(small))).error).toMatch(/at character 53\)$/);
    const large = write('large.tfstate', `{${header},"resources":[]}`);
    appendFileSync(large, ' '.repeat(STREAM_STATE_ABOVE_BYTES));
    appendFileSync(large, 'x');
    expect((await outcome(() => readStateAddresses(large))).error).toBe(
      `${large}: not valid JSON (line 1, column ${STREAM_STATE_ABOVE_BYTES + 54})`,
    );
  });

  it('reports a file it cannot read as before', async () => {
    const missing = join(dir, 'missing.tfstate');
    expect((await outcome(() => readStateAddresses(missing, STREAMED))).error).toBe(
      `${missing}: cannot read state: ENOENT`,
    );
    expect((await outcome(() => readState(dir, STREAMED))).error).toBe(
      `${dir}: cannot read state: EISDIR`,
    );
  });
});
