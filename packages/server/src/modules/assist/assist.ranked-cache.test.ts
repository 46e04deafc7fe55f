import { demoSuggestItems, recordFeedback } from '@kefu/core';
import { describe, expect, it } from 'vitest';
import type { LibraryRef, ModelRef, RunOk } from './assist.engine.js';
import type { RunRequest } from './assist.offload.js';
import { RankedCache } from './assist.ranked-cache.js';

const lib = (v: number): LibraryRef => ({ v, items: demoSuggestItems(), stats: new Map() });
const model: ModelRef = { v: 1, json: null };

/** A stand-in for the worker: counts its calls and answers something that names the call. */
function worker(varies = false) {
  const calls: RunRequest[] = [];
  const compute = (req: RunRequest) => () => {
    calls.push(req);
    const r: RunOk = { id: calls.length, scenario: 'bargain', confidence: 0.9, items: `[${calls.length}]`, shown: '' };
    if (varies) r.varies = true;
    return Promise.resolve(r);
  };
  return { calls, compute };
}

const ask = async (cache: RankedCache, req: RunRequest, w: ReturnType<typeof worker>) => cache.answer(req, w.compute(req));

describe('RankedCache', () => {
  it('keeps an answer from the second time a text is asked, then answers without the worker', async () => {
    const cache = new RankedCache();
    const w = worker();
    const req: RunRequest = { shopId: 's1', lib: lib(1), model, text: '能便宜点吗', limit: 5 };
    const first = await ask(cache, req, w);
    const second = await ask(cache, req, w);
    expect(w.calls).toHaveLength(2);
    expect(cache.size).toBe(1);
    expect(first).not.toBe(second);
    // From now on the kept answer, synchronously: no promise, no worker.
    const third = cache.answer(req, w.compute(req));
    expect(third).toBe(second);
    expect(w.calls).toHaveLength(2);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 2 });
  });

  it('computes a burst of the same request once', async () => {
    const cache = new RankedCache();
    const w = worker();
    const req: RunRequest = { shopId: 's1', lib: lib(1), model, text: '包邮吗', limit: 5 };
    await ask(cache, req, w);
    const burst = await Promise.all(Array.from({ length: 5 }, () => ask(cache, { ...req }, w)));
    expect(w.calls).toHaveLength(2);
    expect(new Set(burst).size).toBe(1);
    expect(cache.joined).toBe(4);
  });

  it('is stale after a pick (new counts), a new library version or a new model', async () => {
    const cache = new RankedCache();
    const w = worker();
    const l = lib(1);
    const req: RunRequest = { shopId: 's1', lib: l, model, text: '能便宜点吗', limit: 5 };
    await ask(cache, req, w);
    await ask(cache, req, w);
    expect(cache.get(req)).toBeDefined();
    l.stats = recordFeedback(l.stats, ['qr_a'], 'qr_a');
    expect(cache.get(req)).toBeUndefined();
    await ask(cache, req, w);
    expect(cache.get(req)).toBeDefined();
    expect(cache.get({ ...req, lib: lib(2) })).toBeUndefined();
    expect(cache.get({ ...req, model: { v: 2, json: '{}' } })).toBeUndefined();
  });

  it('does not keep an answer whose counts changed while it was computed', async () => {
    const cache = new RankedCache();
    const l = lib(1);
    const req: RunRequest = { shopId: 's1', lib: l, model, text: '能便宜点吗', limit: 5 };
    const w = worker();
    await ask(cache, req, w);
    const p = cache.answer(req, () => {
      l.stats = recordFeedback(l.stats, ['qr_a'], null); // a pick lands while the worker ranks
      return w.compute(req)();
    });
    await p;
    expect(cache.get(req)).toBeUndefined();
  });

  it('tells requests apart by shop, product, limit, flags and text; long texts are never kept', async () => {
    const cache = new RankedCache(100, 10);
    const w = worker();
    const base: RunRequest = { shopId: 's1', lib: lib(1), model, text: '能便宜点吗', limit: 5 };
    for (let i = 0; i < 2; i++) await ask(cache, base, w);
    for (const other of [{ shopId: 's2' }, { productSku: 'SKU-1' }, { limit: 3 }, { order: true }, { detail: true }, { scores: true }, { text: '能便宜点吗？' }]) {
      expect(cache.get({ ...base, ...other })).toBeUndefined();
    }
    const long = { ...base, text: '这双鞋四十二码的还有货吗亲' };
    for (let i = 0; i < 3; i++) await ask(cache, long, w);
    expect(cache.get(long)).toBeUndefined();
    // Classify-only requests (no library) are not kept either.
    const classify: RunRequest = { ...base, lib: null, limit: 0 };
    for (let i = 0; i < 3; i++) await ask(cache, classify, w);
    expect(cache.size).toBe(1);
  });

  it('keeps answers that depend on the variables per set of values, the others once for everyone', async () => {
    const cache = new RankedCache();
    const varying = worker(true);
    const req: RunRequest = { shopId: 's1', lib: lib(1), model, text: '快递到哪了', limit: 5, vars: { 买家称呼: '小王', 店铺: '青禾' } };
    await ask(cache, req, varying);
    const wang = await ask(cache, req, varying);
    expect(cache.get({ ...req, vars: { 买家称呼: '小王', 店铺: '青禾' } })).toBe(wang);
    expect(cache.get({ ...req, vars: { 买家称呼: '小李', 店铺: '青禾' } })).toBeUndefined();
    const li = { ...req, vars: { 买家称呼: '小李', 店铺: '青禾' } };
    const liAnswer = await ask(cache, li, varying);
    expect(cache.get(li)).toBe(liAnswer);
    expect(cache.get(req)).toBe(wang);

    const fixed = worker(false);
    const q: RunRequest = { ...req, text: '能便宜点吗' };
    await ask(cache, q, fixed);
    const once = await ask(cache, q, fixed);
    expect(cache.get({ ...q, vars: { 买家称呼: '小赵' } })).toBe(once);
  });

  it('holds at most maxEntries texts, the least recently used out first', async () => {
    const cache = new RankedCache(2);
    const w = worker();
    const req = (text: string): RunRequest => ({ shopId: 's1', lib: lib(1), model, text, limit: 5 });
    const [a, b, c] = [req('在吗'), req('包邮吗'), req('好的')];
    for (const r of [a, a, b, b]) await ask(cache, r, w);
    expect(cache.get(a)).toBeDefined(); // a is now the most recently used
    for (const r of [c, c]) await ask(cache, r, w);
    expect(cache.size).toBe(2);
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(a)).toBeDefined();
    expect(cache.get(c)).toBeDefined();
  });

  it('passes a failure on and keeps nothing', async () => {
    const cache = new RankedCache();
    const req: RunRequest = { shopId: 's1', lib: lib(1), model, text: '在吗', limit: 5 };
    const w = worker();
    await ask(cache, req, w);
    await expect(cache.answer(req, () => Promise.reject(new Error('worker gone')))).rejects.toThrow('worker gone');
    expect(cache.get(req)).toBeUndefined();
    await ask(cache, req, w);
    expect(cache.get(req)).toBeDefined();
  });
});
