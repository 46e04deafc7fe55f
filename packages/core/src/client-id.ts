/**
 * The clientId format of the clients Kefu ships (docs/REALTIME.md §Client ids): `prefix` + the creation time `now` (epoch
 * ms) in 9 base-36 digits + 12 base-36 digits from `random` (12 bytes the caller draws: `crypto.getRandomValues`). The
 * server stores each clientId once per conversation under a unique index keyed by clientId first (the retry guard), so
 * ids that begin with their time land at that index's right edge and a commit of many messages touches one or two of
 * its pages, not one per message. Ids of one prefix sort by creation time (9 digits last until the year 5188). Any id of
 * 1–64 `[A-Za-z0-9_-]` is accepted; this is the cheap kind. Pure: the caller reads the clock and draws the bytes.
 */
export function formatClientId(prefix: string, now: number, random: Uint8Array): string {
  if (random.length < 12) throw new RangeError('formatClientId: 12 random bytes needed');
  let tail = '';
  for (let i = 0; i < 12; i++) tail += (random[i]! % 36).toString(36);
  return `${prefix}${Math.max(0, Math.floor(now)).toString(36).padStart(9, '0')}${tail}`;
}
