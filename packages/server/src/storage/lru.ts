/**
 * Puts `key` last in `map` (most recently used) and, beyond `max` entries, drops the least recently used ones.
 *
 * They go in batches of `max / 16` (one at a time for small maps), so a full map holds between 15/16 of `max` and
 * `max` entries. The first key of a Map is found by walking past the slots that earlier deletes left at its start —
 * V8 compacts them only when the table is rebuilt — so dropping the first key on every insert cost O(size) per insert
 * once the map was full of one-off keys: 7 µs at 20,000 entries, 23 µs at 100,000, against ~0.1 µs for the insert
 * itself. One walk per batch makes it amortised O(1).
 */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  setBounded(map, key, value, max);
}

/**
 * Sets `key` in `map` where it is (a new key goes last; an existing one keeps its place: first in, first out) and,
 * beyond `max` entries, drops the oldest ones, in batches as `remember` does.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.set(key, value);
  if (map.size > max) evictOldest(map, map.size - max + (max >> 4));
}

/** Deletes the `n` oldest keys of `map` (insertion order) in one walk. */
export function evictOldest<K>(map: Map<K, unknown> | Set<K>, n: number): void {
  for (const k of map.keys()) {
    if (n-- <= 0) break;
    map.delete(k);
  }
}
