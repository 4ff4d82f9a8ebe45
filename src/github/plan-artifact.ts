/**
 * The plan JSON inside a workflow artifact (a zip). The zip comes from whatever a workflow
 * uploaded, so it is read as hostile: the sizes its central directory declares are checked
 * (each entry and the total) before anything is inflated, only the one `.json` entry is
 * inflated, and the inflated bytes are counted as they come, stopping past the limit (a
 * central directory can lie about sizes; the deflate stream cannot).
 */
import { strFromU8, Unzip, UnzipInflate, unzipSync, type UnzipFileInfo } from 'fflate';
import { DriftgateError } from '../errors.js';

/** Small slices bound what one push can inflate past the limit (deflate expands at most ~1032×). */
const SLICE_BYTES = 4096;

function tooLarge(where: string, what: string, bytes: number, limit: number): DriftgateError {
  return new DriftgateError(
    `${where}: ${what} ${bytes} bytes uncompressed; the limit is ${limit} (limits.plan_json_bytes)`,
  );
}

function centralDirectory(zip: Uint8Array, where: string): UnzipFileInfo[] {
  const entries: UnzipFileInfo[] = [];
  try {
    // The filter sees every entry of the central directory and inflates none.
    unzipSync(zip, {
      filter: (file) => {
        entries.push(file);
        return false;
      },
    });
  } catch (error) {
    throw new DriftgateError(`${where} is not a zip archive (${(error as Error).message})`);
  }
  return entries;
}

/** Inflate one entry, counting bytes; past `limit` it stops and throws. */
function inflateEntry(
  zip: Uint8Array,
  entry: UnzipFileInfo,
  limit: number,
  where: string,
): Uint8Array {
  const { name } = entry;
  const chunks: Uint8Array[] = [];
  let inflated = 0;
  let exceeded = false;
  let done = false;
  let failure: Error | undefined;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    if (file.name !== name || done) return; // never started: skipped, not inflated
    file.ondata = (error, chunk, final) => {
      if (error) {
        failure = error;
        return;
      }
      inflated += chunk.length;
      if (inflated > limit) {
        exceeded = true;
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) done = true;
    };
    file.start();
  };
  try {
    for (
      let offset = 0;
      offset < zip.length && !exceeded && !done && !failure;
      offset += SLICE_BYTES
    )
      unzip.push(zip.subarray(offset, offset + SLICE_BYTES), offset + SLICE_BYTES >= zip.length);
  } catch (error) {
    failure = error as Error;
  }
  if (exceeded)
    throw new DriftgateError(
      `${where}: ${name} inflates past the limit of ${limit} bytes (limits.plan_json_bytes), though the zip declared ${entry.originalSize}`,
    );
  if (failure)
    throw new DriftgateError(`${where}: ${name} cannot be inflated (${failure.message})`);
  if (!done) throw new DriftgateError(`${where}: ${name} is listed but its data is missing`);
  const out = new Uint8Array(inflated);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The one `.json` file of a plan artifact, within `limit` bytes uncompressed. */
export function extractPlanJson(
  zip: Uint8Array,
  where: string,
  limit: number,
): { name: string; text: string } {
  const entries = centralDirectory(zip, where);
  const jsons = entries.filter((entry) => entry.name.endsWith('.json'));
  if (jsons.length !== 1)
    throw new DriftgateError(
      `${where} must hold exactly one .json file (the plan), not ${jsons.length}`,
    );
  let total = 0;
  for (const entry of entries) {
    if (entry.originalSize > limit)
      throw tooLarge(where, `${entry.name} declares`, entry.originalSize, limit);
    total += entry.originalSize;
  }
  if (total > limit) throw tooLarge(where, 'its files declare', total, limit);
  const plan = jsons[0]!;
  return { name: plan.name, text: strFromU8(inflateEntry(zip, plan, limit, where)) };
}
