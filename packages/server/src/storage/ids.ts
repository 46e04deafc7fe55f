import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Time-ordered random id (like a ULID, lower-case Crockford base32): `prefix_` + 10 chars of time + 16 random.
 * Sorting ids sorts by creation time, which keeps B-tree inserts local.
 */
export function newId(prefix: string, now = Date.now()): string {
  let t = now;
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % 32]!;
  return `${prefix}_${time}${rand}`;
}

/** Opaque random token (sessions, CSRF, public keys). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
