import { describe, expect, it } from 'vitest';
import { ShopBatchLoader } from './batch-loader.js';

describe('ShopBatchLoader', () => {
  it("answers one turn's look-ups with one read per shop, keeps shops apart, and leaves unknown ids undefined", async () => {
    const reads: Array<[string, string[]]> = [];
    const rows: Record<string, Array<{ id: string; v: string }>> = { s1: [{ id: 'a', v: 's1a' }, { id: 'b', v: 's1b' }], s2: [{ id: 'a', v: 's2a' }] };
    const loader = new ShopBatchLoader(
      async (shopId, ids) => {
        reads.push([shopId, ids]);
        return (rows[shopId] ?? []).filter((r) => ids.includes(r.id));
      },
      (r) => r.id,
    );
    const got = await Promise.all([loader.load('s1', 'a'), loader.load('s2', 'a'), loader.load('s1', 'b'), loader.load('s1', 'a'), loader.load('s2', 'x')]);
    expect(got.map((r) => r?.v)).toEqual(['s1a', 's2a', 's1b', 's1a', undefined]);
    expect(reads).toEqual([
      ['s1', ['a', 'b']],
      ['s2', ['a', 'x']],
    ]);
  });
});
