import { describe, expect, it } from 'vitest';
import { evictOldest, remember, setBounded } from './lru.js';

describe('remember (LRU map)', () => {
  it('keeps the most recently used keys: a touched key stays, the oldest goes', () => {
    const m = new Map<string, number>();
    for (const k of ['a', 'b', 'c']) remember(m, k, 1, 3);
    remember(m, 'a', 2, 3); // a is now the most recent
    remember(m, 'd', 1, 3);
    expect([...m.keys()]).toEqual(['c', 'a', 'd']);
    expect(m.get('a')).toBe(2);
  });

  it('drops a sixteenth at a time when full, never holding more than max', () => {
    const m = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      remember(m, i, i, 320);
      expect(m.size).toBeLessThanOrEqual(320);
    }
    expect(m.size).toBeGreaterThanOrEqual(300);
    // The survivors are the newest keys, in order.
    const keys = [...m.keys()];
    expect(keys[keys.length - 1]).toBe(999);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(keys[0]).toBe(1000 - keys.length);
  });

  it('setBounded replaces a key where it is (first in, first out) and drops the oldest past max', () => {
    const m = new Map<string, number>();
    for (const k of ['a', 'b', 'c']) setBounded(m, k, 1, 3);
    setBounded(m, 'a', 2, 3); // replaced in place: a stays the oldest
    expect([...m.keys()]).toEqual(['a', 'b', 'c']);
    expect(m.get('a')).toBe(2);
    setBounded(m, 'd', 1, 3);
    expect([...m.keys()]).toEqual(['b', 'c', 'd']);
  });

  it('evictOldest deletes the first n keys of a map or set', () => {
    const s = new Set([1, 2, 3, 4]);
    evictOldest(s, 2);
    expect([...s]).toEqual([3, 4]);
    evictOldest(s, 10);
    expect(s.size).toBe(0);
  });
});
