/**
 * Reading a Terraform source file's bytes as text. Terraform requires UTF-8; a file with
 * invalid UTF-8 is an error naming file:line, because decoding it with replacement
 * characters and writing it back (codify) would silently corrupt the file.
 */
import { DriftgateError } from '../errors.js';

export function decodeSource(path: string, bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8');
  if (!text.includes('\uFFFD')) return text;
  // Valid UTF-8 re-encodes to the same bytes: the first difference is the first bad byte.
  const reencoded = Buffer.from(text, 'utf8');
  if (reencoded.equals(buffer)) return text; // the file really contains U+FFFD
  let offset = 0;
  while (offset < buffer.length && buffer[offset] === reencoded[offset]) offset++;
  const line = buffer.subarray(0, offset).filter((byte) => byte === 0x0a).length + 1;
  throw new DriftgateError(
    'the file is not valid UTF-8 (Terraform requires UTF-8); nothing was changed',
    { file: path, line },
  );
}
