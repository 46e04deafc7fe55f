import { classify, createDefaultClassifier, demoSuggestItems, type PickStats, recordFeedback, type SuggestItem, trainClassifier } from '@kefu/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistEngine, ClassificationCache, type LibraryRef, type ModelRef, type RunOk, shownItems, type SuggestionItemDto, textKey } from './assist.engine.js';
import { AssistOffload, type RunRequest } from './assist.offload.js';
import { BACKGROUND_NICE } from '../../jobs/thread-priority.js';
import { nameOf, niceOf, threadNiceReadable } from '../../test/threads.js';

const TEXTS = ['能便宜点吗', '包邮吗，新疆能发吗', '这双鞋 42 码有货吗', '鞋子开胶了怎么办', '能开发票吗', '不喜欢想退货', '好的谢谢'];
const tick = () => new Promise<void>((r) => setImmediate(r));

let version = 1000;
function library(items: readonly SuggestItem[], stats: ReadonlyMap<string, PickStats> = new Map()): LibraryRef {
  return { v: ++version, items, stats };
}
const defaultModel = (): ModelRef => ({ v: ++version, json: null });

/** The ranked items of an answer. */
const ranked = (r: RunOk) => JSON.parse(r.items) as SuggestionItemDto[];

/**
 * Answers without their request numbers, cache flags and list keys (those differ between the worker and inline: a list
 * key names the thread's own JSON parts, so the same items JSON has another key inline).
 */
const answers = (rs: RunOk[]) => rs.map(({ id: _id, cached: _cached, list: _list, ...r }) => r);

/** What the inline engine answers: the reference the worker must match. */
async function inlineAnswers(reqs: RunRequest[]) {
  const inline = new AssistOffload({ mode: 'inline' });
  return answers(await Promise.all(reqs.map((r) => inline.run(r))));
}

describe('assist offload (worker thread)', () => {
  const errors: string[] = [];
  let off: AssistOffload;
  const shopId = 'shop_a';
  let lib: LibraryRef;
  let model: ModelRef;

  beforeAll(async () => {
    off = new AssistOffload({ onError: (_err, what) => errors.push(what) });
    await off.warm();
    lib = library(demoSuggestItems());
    model = defaultModel();
  }, 60_000);
  afterAll(async () => off.close());

  it('answers classification and ranking from the worker, the same as inline, one message per turn', async () => {
    expect(off.threadId).not.toBeNull();
    // The worker runs below the event loop's priority (docs/decisions/0004), under its own name for `top -H`.
    if (threadNiceReadable) {
      expect(niceOf(off.workerTid!)).toBe(BACKGROUND_NICE);
      expect(nameOf(off.workerTid!)).toBe('kefu-assist');
    }
    const reqs: RunRequest[] = TEXTS.map((text) => ({ shopId, lib, model, text, limit: 5 }));
    const batches = off.counts.batches;
    const got = await Promise.all(reqs.map((r) => off.run(r)));
    expect(off.counts.batches - batches).toBe(1);
    expect(off.counts.worker).toBe(TEXTS.length);
    expect(off.counts.inline).toBe(0);
    const want = await inlineAnswers(reqs);
    expect(answers(got)).toEqual(want);
    expect(got[0]!.scenario).toBe('bargain');
    const top = ranked(got[0]!);
    expect(top).toHaveLength(5);
    // The pushed items carry what the workbench shows: reason labels, no score, `missing` only when something is.
    expect(top[0]!.reasons[0]).toBe('场景：议价');
    expect(top[0]!.text).not.toContain('{');
    expect(top[0]).not.toHaveProperty('score');
    expect(top.find((i) => !i.missing)).toBeDefined();
    const scored = ranked(await off.run({ ...reqs[0]!, scores: true }));
    expect(scored.map((i) => i.id)).toEqual(top.map((i) => i.id));
    expect(typeof scored[0]!.score).toBe('number');
    // Classify only (no library), with the runner-ups and the rules that fired.
    const c = await off.run({ shopId, lib: null, model, text: '能便宜点吗', limit: 0, detail: true });
    expect(ranked(c)).toEqual([]);
    expect(c.top?.[0]?.scenario).toBe('bargain');
    expect(Array.isArray(c.rules)).toBe(true);
  });

  it('uses a new library version, the learned counts sent as feedback, and a shop model sent as JSON', async () => {
    const mine: SuggestItem = { id: 'qr_new', kind: 'reply', scenario: 'bargain', title: '菠萝蜜色优惠', text: '亲，菠萝蜜色今天有专属优惠券哦' };
    const lib2 = library([...demoSuggestItems(), mine]);
    const r = await off.run({ shopId, lib: lib2, model, text: '菠萝蜜色能便宜点吗', limit: 5 });
    expect(ranked(r)[0]!.id).toBe('qr_new');

    // Variables are filled in the worker; an order variable it was not given asks for the order.
    const track: SuggestItem & { shortcut: string } = { id: 'qr_track', kind: 'reply', scenario: 'logistics', title: '查物流', text: '{买家称呼}，您的{快递}单号是{物流单号}哦', shortcut: 'wl9' };
    const lib3 = library([track, mine]);
    const q = { shopId, lib: lib3, model, text: '快递到哪了，物流单号多少', limit: 2 };
    const first = await off.run({ ...q, vars: { 买家称呼: '小王' } });
    expect(first.needOrder).toBe(true);
    expect(ranked(first)[0]).toMatchObject({ id: 'qr_track', shortcut: 'wl9', text: '小王，您的{快递}单号是{物流单号}哦', missing: ['快递', '物流单号'] });
    const again = await off.run({ ...q, vars: { 买家称呼: '小王', 快递: '中通', 物流单号: '7351' }, order: true });
    expect(again.needOrder).toBeUndefined();
    expect(ranked(again)[0]).toMatchObject({ text: '小王，您的中通单号是7351哦' });
    expect(ranked(again)[0]).not.toHaveProperty('missing');

    // Feedback: the main thread records into lib.stats and tells the worker; both rank the same afterwards.
    const before = await off.run({ shopId, lib: lib2, model, text: '能便宜点吗', limit: 5 });
    const fifth = ranked(before)[4]!.id;
    for (let i = 0; i < 30; i++) {
      lib2.stats = recordFeedback(lib2.stats, [fifth], fifth);
      off.feedback(shopId, lib2, [fifth], fifth);
    }
    const after = await off.run({ shopId, lib: lib2, model, text: '能便宜点吗', limit: 5 });
    expect(ranked(after)[0]!.id).toBe(fifth);
    expect(answers([after])[0]).toEqual((await inlineAnswers([{ shopId, lib: lib2, model, text: '能便宜点吗', limit: 5 }]))[0]);

    // A retrained shop model travels as its JSON; another shop keeps the default.
    const text = '老铁有菠萝蜜色吗';
    expect((await off.run({ shopId, lib: null, model, text, limit: 0 })).scenario).not.toBe('stock');
    const custom = trainClassifier(['老铁有菠萝蜜色吗', '菠萝蜜色还有吗', '老铁菠萝蜜色有货不', '能便宜点吗', '包邮吗', '好的谢谢'].map((t, i) => ({ text: t, scenario: i < 3 ? 'stock' : i === 3 ? 'bargain' : i === 4 ? 'shipping_fee' : 'thanks_bye' })), { epochs: 5 });
    const retrained: ModelRef = { v: ++version, json: JSON.stringify(custom.toJSON()) };
    expect((await off.run({ shopId, lib: null, model: retrained, text, limit: 0 })).scenario).toBe('stock');
    expect((await off.run({ shopId: 'shop_b', lib: null, model: defaultModel(), text, limit: 0 })).scenario).not.toBe('stock');
    expect(off.counts.inline).toBe(0);
  });

  it('trains a shop model in a one-off worker thread, with the shipped examples plus the shop own', async () => {
    const own = ['老铁有菠萝蜜色吗', '菠萝蜜色还有吗', '老铁菠萝蜜色有货不', '菠萝蜜色啥时候有'].map((text) => ({ text, scenario: 'stock' as const }));
    const json = await off.train(own);
    expect(off.counts.trainedInWorker).toBe(1);
    expect(off.counts.trainedInline).toBe(0);
    expect(JSON.parse(json).format).toBe('kefu-scenario-classifier');
    const model: ModelRef = { v: ++version, json };
    expect((await off.run({ shopId: 'shop_t', lib: null, model, text: '老铁有菠萝蜜色吗', limit: 0 })).scenario).toBe('stock');
    // Trained on the shipped examples too: the usual scenarios still come out.
    expect((await off.run({ shopId: 'shop_t', lib: null, model, text: '能便宜点吗', limit: 0 })).scenario).toBe('bargain');
  }, 60_000);

  it('a broken model fails that request only (inline gives the same error) and the worker keeps serving', async () => {
    const thread = off.threadId;
    const bad: ModelRef = { v: ++version, json: '{"format":"nope"}' };
    await expect(off.run({ shopId: 'shop_bad', lib: null, model: bad, text: '在吗', limit: 0 })).rejects.toThrow(/not a kefu scenario classifier/);
    expect((await off.run({ shopId, lib, model, text: '能便宜点吗', limit: 5 })).scenario).toBe('bargain');
    expect(off.threadId).toBe(thread);
    expect(off.counts.restarts).toBe(0);
  });

  it('when the worker dies, its pending requests are answered inline and a new worker takes over', async () => {
    const reqs: RunRequest[] = TEXTS.map((text) => ({ shopId, lib, model, text, limit: 5 }));
    const want = await inlineAnswers(reqs);
    const first = off.threadId;
    const inlineBefore = off.counts.inline;
    const workerBefore = off.counts.worker;

    // Killed before the batch was posted: nothing reaches the worker.
    const a = reqs.map((r) => off.run(r));
    await off.killWorker();
    expect(answers(await Promise.all(a))).toEqual(want);
    expect(off.counts.restarts).toBe(1);
    expect(off.counts.inline - inlineBefore).toBe(reqs.length);
    expect(off.threadId).not.toBeNull();
    expect(off.threadId).not.toBe(first);

    // Killed with the batch in the worker: every request is still answered, by the worker or inline.
    const b = reqs.map((r) => off.run(r));
    await tick();
    await off.killWorker();
    expect(answers(await Promise.all(b))).toEqual(want);
    expect(off.counts.restarts).toBe(2);
    expect(off.counts.worker - workerBefore + (off.counts.inline - inlineBefore)).toBe(2 * reqs.length);

    // The new worker has none of the state: it is sent again with the next request.
    const inlineNow = off.counts.inline;
    await off.warm();
    expect(answers(await Promise.all(reqs.map((r) => off.run(r))))).toEqual(want);
    expect(off.counts.inline).toBe(inlineNow);
    expect(errors.filter((e) => e === 'assist worker exited')).toHaveLength(2);
  }, 60_000);

  it('after close, pending and new requests are computed inline', async () => {
    const o = new AssistOffload();
    await o.warm();
    const pending = o.run({ shopId, lib, model, text: '包邮吗', limit: 3 });
    await o.close();
    expect(o.threadId).toBeNull();
    expect((await pending).scenario).toBe('shipping_fee');
    expect((await o.run({ shopId, lib, model, text: '能便宜点吗', limit: 3 })).scenario).toBe('bargain');
    expect(o.counts.worker).toBe(0);
  }, 60_000);
});

describe('assist offload (hung worker)', () => {
  it('a worker that says nothing for too long is replaced and its requests are answered inline', async () => {
    const errors: string[] = [];
    // 100 ms is far less than the worker needs to start (it trains the default model first): it counts as hung.
    const o = new AssistOffload({ hangMs: 100, onError: (_err, what) => errors.push(what) });
    try {
      const lib: LibraryRef = { v: 1, items: demoSuggestItems(), stats: new Map() };
      const r = await o.run({ shopId: 'shop_h', lib, model: { v: 2, json: null }, text: '能便宜点吗', limit: 3 });
      expect(r.scenario).toBe('bargain');
      expect(o.counts.inline).toBe(1);
      expect(o.counts.worker).toBe(0);
      expect(errors).toContain('assist worker hung');
      expect(o.counts.restarts).toBeGreaterThanOrEqual(1);
    } finally {
      await o.close();
    }
  }, 30_000);
});

describe('assist offload (posts at least minGapMs apart)', () => {
  it('sends the first request of a quiet spell at once and gathers the next ones for up to minGapMs', async () => {
    const off = new AssistOffload({ minGapMs: 200 });
    try {
      await off.warm();
      const lib = library(demoSuggestItems());
      const model = defaultModel();
      const req = (text: string): RunRequest => ({ shopId: 'shop_gap', lib, model, text, limit: 3 });
      await off.run(req('在吗')); // quiet: posted at the end of its turn
      expect(off.counts.batches).toBe(1);
      // Two requests in two later turns, within 200 ms of that post: one batch, sent when the gap has passed.
      const a = off.run(req('包邮吗'));
      await tick();
      const b = off.run(req('能便宜点吗'));
      await tick();
      expect(off.counts.batches).toBe(1);
      const got = await Promise.all([a, b]);
      expect(off.counts.batches).toBe(2);
      expect(got.map((r) => r.scenario)).toEqual(['shipping_fee', 'bargain']);
    } finally {
      await off.close();
    }
  }, 30_000);
});

describe('shown items (what is kept to recognise a sent suggestion)', () => {
  it('keys a text whatever its white space, and tells different texts apart', () => {
    expect(textKey('亲，这款 42 码有货\n的～')).toBe(textKey('亲，这款42码有货的～'));
    expect(textKey('亲\u3000这款有货')).toBe(textKey('亲这款有货'));
    expect(textKey('亲，这款有货的～')).not.toBe(textKey('亲，这款没货了～'));
    expect(textKey('')).toBe(textKey(' \t'));
  });

  it('lists the ranked items of an answer, in order, with the keys of their filled texts', async () => {
    const inline = new AssistOffload({ mode: 'inline' });
    const r = await inline.run({ shopId: 'shop_k', lib: library(demoSuggestItems()), model: defaultModel(), text: '能便宜点吗', limit: 5, vars: { 买家称呼: '小王' }, order: true });
    const items = ranked(r);
    expect(items.length).toBeGreaterThan(1);
    expect(shownItems(r.shown)).toEqual(items.map((i) => ({ id: i.id, key: textKey(i.text) })));
    expect(shownItems('')).toEqual([]);
  });
});

describe('classification cache (a repeated text is not classified again)', () => {
  const model = createDefaultClassifier();

  it('answers a repeated text from the cache, the same as classifying it', () => {
    const cache = new ClassificationCache();
    const first = cache.classify('', model, '能便宜点吗');
    const again = cache.classify('', model, '能便宜点吗');
    expect([first.cached, again.cached]).toEqual([false, true]);
    expect(again.c).toEqual(classify(model, '能便宜点吗'));
    // Exact text: another spelling is classified on its own.
    expect(cache.classify('', model, '能便宜点吗？').cached).toBe(false);
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('keeps each model apart, does not keep long texts, and drops the least recently used first', () => {
    const cache = new ClassificationCache(2, 10);
    cache.classify('', model, '在吗');
    expect(cache.classify('shop_a\u00011', model, '在吗').cached).toBe(false);
    const long = '这双鞋我平时穿三十八码脚背有点高';
    cache.classify('', model, long);
    expect(cache.classify('', model, long).cached).toBe(false);
    expect(cache.size).toBe(2);
    // '在吗' of the default model is used again, so the other model's entry is the one to go.
    expect(cache.classify('', model, '在吗').cached).toBe(true);
    cache.classify('', model, '好的');
    expect(cache.size).toBe(2);
    expect(cache.classify('', model, '在吗').cached).toBe(true);
    expect(cache.classify('shop_a\u00011', model, '在吗').cached).toBe(false);
  });

  it('in the engine: a retrained shop model classifies anew, shops on the default share answers', () => {
    const engine = new AssistEngine();
    const lib = library(demoSuggestItems());
    const run = (shopId: string, m: ModelRef, text: string) => {
      engine.apply({ op: 'model', shopId, v: m.v, json: m.json });
      engine.apply({ op: 'library', shopId, v: lib.v, items: lib.items, stats: lib.stats });
      return engine.apply({ op: 'run', id: 1, shopId, model: m.v, lib: lib.v, text, limit: 5 }) as RunOk;
    };
    const text = '老铁有菠萝蜜色吗';
    const a = run('shop_a', defaultModel(), text);
    const b = run('shop_b', defaultModel(), text);
    expect(a.cached).toBeUndefined();
    expect(b.cached).toBe(true);
    expect({ ...b, cached: undefined, list: undefined }).toEqual({ ...a, cached: undefined, list: undefined }); // (each shop has its own JSON parts)
    expect(a.scenario).not.toBe('stock');
    const custom = trainClassifier(['老铁有菠萝蜜色吗', '菠萝蜜色还有吗', '老铁菠萝蜜色有货不', '能便宜点吗', '包邮吗', '好的谢谢'].map((t, i) => ({ text: t, scenario: i < 3 ? 'stock' : i === 3 ? 'bargain' : i === 4 ? 'shipping_fee' : 'thanks_bye' })), { epochs: 5 });
    const retrained = run('shop_a', { v: ++version, json: JSON.stringify(custom.toJSON()) }, text);
    expect(retrained.cached).toBeUndefined();
    expect(retrained.scenario).toBe('stock');
    expect(run('shop_b', defaultModel(), text).scenario).toBe(a.scenario);
  });
});
