import { demoSuggestItems, recordFeedback, type SuggestItem } from '@kefu/core';
import { describe, expect, it } from 'vitest';
import { libraryJson, type LibraryRef, type ModelRef, type RankedRef, renderItems, type RunOk, type SuggestionItemDto } from './assist.engine.js';
import { AssistOffload, type RunRequest } from './assist.offload.js';
import { hash30, RankedCache } from './assist.ranked-cache.js';

let version = 0;
const lib = (items: readonly SuggestItem[] = demoSuggestItems()): LibraryRef => ({ v: ++version, items, stats: new Map() });
const model: ModelRef = { v: ++version, json: null };
const track: SuggestItem = { id: 'qr_track', kind: 'reply', scenario: 'logistics', title: '查物流', text: '{买家称呼}，您的{快递}单号是{物流单号}哦' };

/** The real engine (inline) standing in for the worker, counting its calls. */
function worker() {
  const engine = new AssistOffload({ mode: 'inline' });
  const calls: RunRequest[] = [];
  const compute = (req: RunRequest) => (keep: boolean) => {
    const r = keep ? { ...req, keep } : req;
    calls.push(r);
    return engine.run(r);
  };
  return { calls, compute, direct: (req: RunRequest) => engine.run(req) };
}

const ask = async (cache: RankedCache, req: RunRequest, w: ReturnType<typeof worker>) => cache.answer(req, w.compute(req));
const items = (r: RunOk) => JSON.parse(r.items) as SuggestionItemDto[];
/** What the worker itself answers (without the fields that say how it was computed). */
const plain = ({ id: _i, cached: _c, ranked: _r, kept: _k, list: _l, ...r }: RunOk) => r;

describe('RankedCache', () => {
  it('keeps a ranking from the second time a text is asked, then answers without the worker, as the worker would', async () => {
    const cache = new RankedCache();
    const w = worker();
    const req: RunRequest = { shopId: 's1', lib: lib(), model, text: '能便宜点吗', limit: 5 };
    await ask(cache, req, w);
    const second = await ask(cache, req, w);
    expect(w.calls.map((c) => c.keep ?? false)).toEqual([false, true]);
    expect(cache.size).toBe(1);
    const third = cache.answer(req, w.compute(req));
    expect(third).not.toBeInstanceOf(Promise); // synchronous: no promise, no worker
    expect(w.calls).toHaveLength(2);
    expect(plain(third as RunOk)).toEqual(plain(second));
    expect([second.kept, (third as RunOk).kept]).toEqual([undefined, true]);
    expect(items(third as RunOk)[0]!.reasons[0]).toBe('场景：议价');
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 2 });
  });

  it('ranks a burst of the same request once', async () => {
    const cache = new RankedCache();
    const w = worker();
    const req: RunRequest = { shopId: 's1', lib: lib(), model, text: '包邮吗', limit: 5 };
    await ask(cache, req, w);
    const burst = await Promise.all(Array.from({ length: 5 }, () => ask(cache, { ...req }, w)));
    expect(w.calls).toHaveLength(2);
    expect(cache.joined).toBe(4);
    for (const r of burst) expect(r.items).toBe(burst[0]!.items);
  });

  it('fills one kept ranking in for each buyer: nicknames, order variables, scores', async () => {
    const cache = new RankedCache();
    const w = worker();
    const l = lib([track, { id: 'qr_fixed', kind: 'reply', scenario: 'logistics', title: '发货说明', text: '亲，一般 48 小时内发货，物流单号发货后可查哦' }]);
    const text = '快递到哪了，物流单号多少';
    const wang: RunRequest = { shopId: 's1', lib: l, model, text, limit: 3, vars: { 买家称呼: '小王' } };
    await ask(cache, wang, w);
    await ask(cache, wang, w);
    expect(w.calls).toHaveLength(2);
    const li: RunRequest = { ...wang, vars: { 买家称呼: '小李', 快递: '中通', 物流单号: '7351' }, order: true };
    const hit = cache.get(li)!;
    expect(w.calls).toHaveLength(2);
    expect(items(hit).find((i) => i.id === 'qr_track')).toMatchObject({ text: '小李，您的中通单号是7351哦' });
    expect(hit.varies).toBe(true);
    expect(plain(hit)).toEqual(plain(await w.direct(li)));
    // Without the order looked up, the answer says it needs it, exactly as the worker's would.
    const noOrder = cache.get(wang)!;
    expect(noOrder.needOrder).toBe(true);
    expect(plain(noOrder)).toEqual(plain(await w.direct(wang)));
    // The same values again (the variables the texts use; others do not matter): the answer rendered before, as it was.
    expect(cache.get({ ...li, vars: { ...li.vars, 店铺: '别的店' } })).toBe(cache.get(li));
    expect(cache.get({ ...li, vars: { ...li.vars, 买家称呼: '小赵' } })).not.toBe(cache.get(li));
    const scored = cache.get({ ...li, scores: true })!;
    expect(typeof items(scored)[0]!.score).toBe('number');
    expect(plain(scored)).toEqual(plain(await w.direct({ ...li, scores: true })));
  });

  it('is stale after a pick (new counts), a new library version or a new model', async () => {
    const cache = new RankedCache();
    const w = worker();
    const l = lib();
    const req: RunRequest = { shopId: 's1', lib: l, model, text: '能便宜点吗', limit: 5 };
    await ask(cache, req, w);
    await ask(cache, req, w);
    expect(cache.get(req)).toBeDefined();
    l.stats = recordFeedback(l.stats, ['x'], 'x');
    expect(cache.get(req)).toBeUndefined();
    await ask(cache, req, w);
    expect(cache.get(req)).toBeDefined();
    expect(cache.get({ ...req, lib: lib() })).toBeUndefined();
    expect(cache.get({ ...req, model: { v: ++version, json: null } })).toBeUndefined();
  });

  it('does not keep a ranking whose counts changed while it was computed', async () => {
    const cache = new RankedCache();
    const l = lib();
    const req: RunRequest = { shopId: 's1', lib: l, model, text: '能便宜点吗', limit: 5 };
    const w = worker();
    await ask(cache, req, w);
    await cache.answer(req, (keep) => {
      l.stats = recordFeedback(l.stats, ['x'], null); // a pick lands while the worker ranks
      return w.compute(req)(keep);
    });
    expect(cache.get(req)).toBeUndefined();
  });

  it('tells requests apart by shop, product, limit, detail and text; long texts and classify-only are never kept', async () => {
    const cache = new RankedCache(100, 10);
    const w = worker();
    const base: RunRequest = { shopId: 's1', lib: lib(), model, text: '能便宜点吗', limit: 5 };
    for (let i = 0; i < 2; i++) await ask(cache, base, w);
    for (const other of [{ shopId: 's2' }, { productSku: 'SKU-1' }, { limit: 3 }, { detail: true }, { text: '能便宜点吗？' }]) {
      expect(cache.get({ ...base, ...other })).toBeUndefined();
    }
    const long = { ...base, text: '这双鞋四十二码的还有货吗亲' };
    for (let i = 0; i < 3; i++) await ask(cache, long, w);
    expect(cache.get(long)).toBeUndefined();
    const classify: RunRequest = { ...base, lib: null, limit: 0 };
    for (let i = 0; i < 3; i++) await ask(cache, classify, w);
    expect(cache.size).toBe(1);
    // With `detail` the runner-ups are kept too.
    const detail = { ...base, detail: true };
    for (let i = 0; i < 2; i++) await ask(cache, detail, w);
    expect(cache.get(detail)!.top?.[0]?.scenario).toBe('bargain');
  });

  it('holds at most maxEntries texts, the least recently used out first', async () => {
    const cache = new RankedCache(2);
    const w = worker();
    const l = lib();
    const req = (text: string): RunRequest => ({ shopId: 's1', lib: l, model, text, limit: 5 });
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
    const req: RunRequest = { shopId: 's1', lib: lib(), model, text: '在吗', limit: 5 };
    const w = worker();
    await ask(cache, req, w);
    await expect(cache.answer(req, () => Promise.reject(new Error('worker gone')))).rejects.toThrow('worker gone');
    expect(cache.get(req)).toBeUndefined();
    await ask(cache, req, w);
    expect(cache.get(req)).toBeDefined();
  });

  it('notes requests by a 30-bit hash of their key: the same for the same text, spread for different ones', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `shop_1\u0000\u00005\u0000能便宜点吗${i}`);
    const hashes = keys.map(hash30);
    expect(hash30(keys[7]!)).toBe(hashes[7]);
    expect(hashes.every((h) => Number.isInteger(h) && h >= 0 && h < 2 ** 30)).toBe(true);
    // 20,000 keys in 2^30 values: a collision or two at most is expected; a poor hash would have thousands.
    expect(new Set(hashes).size).toBeGreaterThan(keys.length - 5);
    expect(hash30('包邮吗')).not.toBe(hash30('包邮吗？'));
  });

  it("gives each rendered list a key that is equal exactly when the items' JSON is", () => {
    const all = [...demoSuggestItems(), track];
    const fixed = all.find((i) => !i.text.includes('{'))!;
    const json = libraryJson(all);
    const ranked: RankedRef[] = [
      { id: fixed.id, score: 2, reasons: '"场景：议价"' },
      { id: track.id, score: 1, reasons: '"场景：物流"' },
    ];
    const render = (vars: Record<string, string>, r = ranked, j = json, scores = false) => renderItems(j, r, vars, false, scores);
    const a = render({ 买家称呼: '亲' });
    // Equal vars, or other vars that the texts do not use: the same items and the same key.
    expect(render({ 买家称呼: '亲', 店铺: '山野' })).toMatchObject({ items: a.items, list: a.list });
    // Whatever changes the JSON changes the key: a filled text, a missing variable filled, the reasons, the order, scores.
    const changed = [
      render({ 买家称呼: '王先生' }),
      render({ 买家称呼: '亲', 快递: '顺丰', 物流单号: 'SF1' }),
      render({ 买家称呼: '亲' }, [ranked[0]!, { ...ranked[1]!, reasons: '"场景：物流","常被选用"' }]),
      render({ 买家称呼: '亲' }, [ranked[1]!, ranked[0]!]),
      render({ 买家称呼: '亲' }, ranked, json, true),
    ];
    for (const c of changed) {
      expect(c.items).not.toBe(a.items);
      expect(c.list).not.toBe(a.list);
    }
    expect(new Set(changed.map((c) => c.list)).size).toBe(changed.length);
    // Another library version's parts (or another thread's): another key for the same JSON — at worst a list sent again.
    const again = render({ 买家称呼: '亲' }, ranked, libraryJson(all));
    expect(again.items).toBe(a.items);
    expect(again.list).not.toBe(a.list);
    // Shorter than the JSON (about a tenth with five replies and their reasons): what an agent socket hashes to find a list.
    expect(a.list.length).toBeLessThan(a.items.length / 2);
  });
});
