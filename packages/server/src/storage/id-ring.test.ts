import { describe, expect, it } from 'vitest';
import { IdRing } from './id-ring.js';

describe('IdRing (requests in flight by sequential id)', () => {
  it('gets, replaces and deletes by id, and counts what it holds', () => {
    const r = new IdRing<string>(4);
    r.set(1, 'a');
    r.set(2, 'b');
    r.set(2, 'B');
    expect([r.get(1), r.get(2), r.get(3), r.size]).toEqual(['a', 'B', undefined, 2]);
    expect(r.delete(1)).toBe(true);
    expect(r.delete(1)).toBe(false);
    // Id 5 shares id 1's slot in a ring of 4: a deleted or other id there is not 5.
    expect(r.get(5)).toBeUndefined();
    expect(r.delete(5)).toBe(false);
    expect(r.size).toBe(1);
  });

  it('grows when the ids alive at once span more than it holds, keeping every entry', () => {
    const r = new IdRing<number>(4);
    for (let id = 0; id < 100; id++) r.set(id, id * 10);
    expect(r.size).toBe(100);
    expect(r.capacity).toBe(128);
    for (let id = 0; id < 100; id++) expect(r.get(id)).toBe(id * 10);
    expect(r.values()).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
  });

  it('does not grow or shrink when a steady window of requests moves along', () => {
    const r = new IdRing<number>(8);
    let next = 0;
    const live: number[] = [];
    // Batches of up to 40 requests go out and come back about in order (a few late), for 10,000 ids.
    let seed = 3;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), (seed >>> 16) % n);
    while (next < 10_000) {
      for (let k = rand(40); k > 0; k--) {
        r.set(next, next);
        live.push(next++);
      }
      for (let k = rand(live.length + 1); k > 0; k--) {
        const at = rand(3) === 0 ? rand(live.length) : 0;
        const [id] = live.splice(at, 1);
        expect(r.delete(id!)).toBe(true);
      }
      expect(r.size).toBe(live.length);
    }
    const grown = r.capacity;
    expect(grown).toBeLessThanOrEqual(1024);
    for (const id of live) expect(r.get(id)).toBe(id);
    expect(r.values()).toEqual([...live].sort((a, b) => a - b));
    r.clear();
    expect([r.size, r.get(live[0] ?? 0), r.capacity]).toEqual([0, undefined, grown]);
  });

  it('handles ids past 2^31', () => {
    const r = new IdRing<string>(2);
    const big = 2 ** 31 + 5;
    r.set(big, 'x');
    r.set(big + 1, 'y');
    r.set(big + 2, 'z');
    expect([r.get(big), r.get(big + 1), r.get(big + 2), r.get(5)]).toEqual(['x', 'y', 'z', undefined]);
  });
});
