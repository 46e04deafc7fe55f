/**
 * A clientId for a message a client sends (docs/REALTIME.md §Client ids): `prefix` + the creation time in 9 base-36
 * digits + 12 random base-36 digits, e.g. `wmi5k3b2h0` + `q8z1…`. The server stores each clientId once per conversation
 * under a unique index keyed by clientId first (the retry guard), so ids that begin with their time land at that index's
 * right edge and a commit of many messages touches one or two of its pages, not one per message. Ids of one prefix sort
 * by creation time (9 digits last until the year 5188). Any id of 1–64 `[A-Za-z0-9_-]` is accepted; this is the cheap kind.
 */
export function newClientId(prefix: string, now = Date.now()): string {
  const rand = new Uint8Array(12);
  globalThis.crypto.getRandomValues(rand);
  let tail = '';
  for (const b of rand) tail += (b % 36).toString(36);
  return `${prefix}${Math.max(0, Math.floor(now)).toString(36).padStart(9, '0')}${tail}`;
}
