/** `aws_instance` in the provider's shape. */
import { createHash } from 'node:crypto';

/** The provider's `userDataHashSum`: SHA-1 hex of the script (base64 input is decoded first). */
export function userDataHash(userData: string): string {
  return createHash('sha1').update(userData).digest('hex');
}
