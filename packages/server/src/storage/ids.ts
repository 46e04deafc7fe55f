import { randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

// Random bytes are drawn from a pool refilled 4 KiB at a time: one syscall per 256 ids instead of one per id
// (ids are made on the message path). Each byte is used once.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

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
  if (poolAt + 16 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let rand = '';
  for (let i = poolAt; i < poolAt + 16; i++) rand += ALPHABET[pool[i]! % 32]!;
  poolAt += 16;
  return `${prefix}_${time}${rand}`;
}

/** Opaque random token (sessions, CSRF, public keys). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
