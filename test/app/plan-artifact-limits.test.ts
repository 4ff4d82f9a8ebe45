/**
 * A plan artifact is whatever a workflow uploaded: a zip bomb (honest or lying about its
 * sizes) fails the driftgate/scan check run with a clear message and writes nothing else.
 */
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractPlanJson } from '../../src/github/plan-artifact.js';
import { FakeGitHub } from '../support/fake-github.js';
import { dispatchPayload, driftgateApp, examplePayload } from '../support/probot.js';

const MiB = 1024 * 1024;
const PLAN = '{"format_version":"1.2","resource_drift":[]}';

/** 64 MiB of zeros: about 64 KiB zipped. Built once: deflating it takes a moment. */
const BOMB = zipSync({ 'plan.json': new Uint8Array(64 * MiB) }, { level: 1 });
const bomb = () => BOMB.slice();

/**
 * The same bomb with every "uncompressed size" field (local header and central directory)
 * rewritten to claim 100 bytes: only counting while inflating can catch it.
 */
function lyingBomb(): Uint8Array {
  const zip = bomb();
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = 0; at + 4 <= zip.length; at++) {
    const signature = view.getUint32(at, true);
    if (signature === 0x04034b50) view.setUint32(at + 22, 100, true); // local file header
    if (signature === 0x02014b50) view.setUint32(at + 24, 100, true); // central directory entry
  }
  return zip;
}

const LYING_BOMB = lyingBomb();

describe('reading the plan JSON out of an artifact zip', () => {
  const where = 'artifact "plan" of workflow run 1';

  it('reads the one .json entry within the limit', () => {
    expect(extractPlanJson(zipSync({ 'plan.json': strToU8(PLAN) }), where, MiB)).toEqual({
      name: 'plan.json',
      text: PLAN,
    });
  });

  it('refuses an entry declaring more than the limit, before inflating anything', () => {
    expect(() => extractPlanJson(bomb(), where, MiB)).toThrow(
      `${where}: plan.json declares 67108864 bytes uncompressed; the limit is 1048576 (limits.plan_json_bytes)`,
    );
  });

  it('refuses entries whose declared total is over the limit', () => {
    const zip = zipSync({
      'plan.json': strToU8(PLAN),
      'a.bin': new Uint8Array(600_000),
      'b.bin': new Uint8Array(600_000),
    });
    expect(() => extractPlanJson(zip, where, MiB)).toThrow(
      `${where}: its files declare 1200044 bytes uncompressed; the limit is 1048576 (limits.plan_json_bytes)`,
    );
  });

  it('stops inflating a zip that lies about its sizes once past the limit', () => {
    const zip = lyingBomb();
    const started = Date.now();
    expect(() => extractPlanJson(zip, where, MiB)).toThrow(
      `${where}: plan.json inflates past the limit of 1048576 bytes (limits.plan_json_bytes), though the zip declared 100`,
    );
    // Stopped early: nowhere near inflating all 64 MiB.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('inflates only the .json entry: a corrupt neighbour is never touched', () => {
    const zip = zipSync({ 'notes.txt': strToU8('x'.repeat(5000)), 'plan.json': strToU8(PLAN) });
    // Break notes.txt's deflate data (it is first, right after its 39-byte local header).
    zip.fill(0xff, 39, 45);
    expect(extractPlanJson(zip, where, MiB).text).toBe(PLAN);
  });
});

describe('a zip bomb as a plan artifact (repository_dispatch)', () => {
  let github: FakeGitHub;
  const repository = examplePayload('repository_dispatch').repository as Record<string, unknown>;
  const app = driftgateApp();
  const dispatch = (artifact: string) =>
    app.receive({
      id: String(Math.random()),
      name: 'repository_dispatch',
      payload: dispatchPayload(repository, {
        stack: 'legacy',
        plan_run_id: 7,
        plan_artifact: artifact,
      }),
    } as never);

  beforeEach(() => {
    github = new FakeGitHub(
      (repository.owner as { login: string }).login,
      repository.name as string,
      repository.default_branch as string,
    );
    github.commit(
      undefined,
      {
        '.github/driftgate.yml': `stacks:\n  - name: legacy\n    dir: envs/legacy\n    source: plan\nlimits:\n  plan_json_bytes: ${MiB}\nattribution:\n  source: off\n`,
        'envs/legacy/main.tf': 'resource "test_instance" "a" {\n  ami = "x"\n}\n',
      },
      github.defaultBranch,
    );
    github.artifacts.set(7, [
      { id: 1, name: 'bomb', zip: BOMB },
      { id: 2, name: 'lying-bomb', zip: LYING_BOMB },
    ]);
    github.install();
  });
  afterEach(() => github.uninstall());

  for (const [artifact, message] of [
    [
      'bomb',
      'plan.json declares 67108864 bytes uncompressed; the limit is 1048576 (limits.plan_json_bytes)',
    ],
    [
      'lying-bomb',
      'plan.json inflates past the limit of 1048576 bytes (limits.plan_json_bytes), though the zip declared 100',
    ],
  ] as const) {
    it(`${artifact}: a failing driftgate/scan check run saying why, and nothing else written`, async () => {
      await dispatch(artifact);
      const [run] = github.checkRuns;
      expect(run!.name).toBe('driftgate/scan');
      expect(run!.conclusion).toBe('failure');
      expect(run!.output.summary).toContain(`artifact "${artifact}" of workflow run 7: ${message}`);
      expect(github.writes).toEqual([expect.stringMatching(/^POST .*\/check-runs$/)]);
      expect(github.pullRequests).toEqual([]);
    });
  }
});
