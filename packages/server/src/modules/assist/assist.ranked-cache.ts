import { extractVariables, type VariableName } from '@kefu/core';
import { decodeRanked, fnv1a, type ItemJson, libraryJson, type LibraryRef, type RankedRef, renderItems, type RunOk } from './assist.engine.js';
import type { RunRequest } from './assist.offload.js';
import { remember } from '../../storage/lru.js';

/** A kept ranking: what the answer holds besides its items, and the items before their variables are filled. */
interface Entry {
  /** The versions it was computed for: the library (with its learned counts, replaced on every pick) and the model. */
  lib: number;
  stats: object;
  model: number;
  head: Pick<RunOk, 'scenario' | 'confidence' | 'top' | 'rules'>;
  ranked: RankedRef[];
  /** The rendered answer when no ranked text has placeholders (the same for everybody; without scores). */
  fixed: RunOk | null;
  /** Otherwise the variables the ranked texts use, and the answers rendered for recent sets of their values. */
  uses: VariableName[] | null;
  byVars: Map<string, RunOk> | null;
  /** `RankedCache.clock` when it was last put at the map's end. */
  touched: number;
}

/** Rendered answers kept per ranking whose texts have placeholders: one per recent set of the values they use. */
const PER_RANKING = 2;

/**
 * Ranked suggestions of recently asked texts, on the main thread. Buyers ask the same short questions over and over
 * (包邮吗, 能便宜点吗, 什么时候发货 — seed 003: ~80 % of questions repeat), and for one library, one set of learned counts
 * and one model the ranking is a pure function of the text, the product and the limit: the same question is then
 * answered here without a round trip through the assist worker (no structured clone either way, no work on the
 * worker's core). The variables are not part of it: the kept ranking is filled in for each request (`renderItems`,
 * the worker's own code), so buyers with different nicknames share one entry.
 *
 * - An entry is valid only for the library version, the very `stats` map (replaced, never mutated, on each pick: a
 *   pick makes the shop's entries stale at once) and the model version it was computed with. A ranking whose counts
 *   changed while the worker computed it is passed on but not kept.
 * - Only texts up to `maxTextLength` UTF-16 units (long ones rarely repeat), and only from the second time a request
 *   is made (the first is only noted, among the last 2–4 × `maxEntries` requests), so the long tail of one-off texts
 *   neither churns the cache nor pays for it.
 *   Least recently used out first (nearly: see `lookup`); an entry is a ranking (ids, reason labels) and its rendered
 *   answers: one when no ranked text has placeholders, else one per recent set of the values its placeholders use (2
 *   at most: the anonymous buyer's 亲 and the latest) — a repeat from buyers and agents with the same values then
 *   allocates nothing. An answer is ~2.5 KB in memory (two-byte strings), so 2,048 entries hold ~15 MB at the very most.
 * - Requests made while the same one is being computed wait for it and are filled in from the kept ranking (a burst
 *   of buyers asking the same thing in one turn is ranked once).
 * - Answers are shared, never changed by their callers.
 */
export class RankedCache {
  private readonly map = new Map<string, Entry>();
  /** Counts the entries put at the map's end (kept or moved there); the map's order is theirs. */
  private clock = 0;
  /** Requests being ranked, by request and versions. */
  private readonly inflight = new Map<string, { stats: object; p: Promise<RunOk> }>();
  /**
   * Requests asked once, in two generations of 2 × `maxEntries` keys: when the newer is full it becomes the older and
   * the older is dropped (no per-key eviction: taking the oldest key out of a Set at every insert walked the holes
   * the earlier deletes left, ~3 µs a request with one-off texts). A ranking is kept from the second ask on.
   * Noted by a 30-bit hash of the key (`hash30`), not the key: held for thousands of requests, every noted string outlived
   * young collections and went to the old generation (~250 bytes a one-off text in the realtime bench, where every text
   * is new), while small integers live inside the set's table. A collision only keeps a ranking one ask early.
   */
  private seen = new Set<number>();
  private seenBefore = new Set<number>();
  /** The items' fixed JSON per library version, for filling kept rankings on this thread. */
  private readonly json = new WeakMap<LibraryRef, Map<string, ItemJson>>();
  hits = 0;
  misses = 0;
  /** Requests that waited for the same request's ranking already on its way (neither a hit nor a miss). */
  joined = 0;

  constructor(
    readonly maxEntries = 2048,
    readonly maxTextLength = 64,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** What the ranking depends on besides the versions: not the variables, the order flag or scores (those only fill it in). */
  private key(req: RunRequest): string | null {
    if (!req.lib || req.text.length > this.maxTextLength) return null;
    return `${req.shopId}\u0000${req.productSku ?? ''}\u0000${req.limit}${req.detail ? 'd' : ''}\u0000${req.text}`;
  }

  /** The kept answer to this request, filled in for its variables, or undefined. */
  get(req: RunRequest): RunOk | undefined {
    const r = this.lookup(req, this.key(req));
    if (r) this.hits++;
    else this.misses++;
    return r;
  }

  /** The kept answer to this request, filled in for its variables, or undefined; counted by the caller if it uses it (`hits`). */
  peek(req: RunRequest): RunOk | undefined {
    return this.lookup(req, this.key(req));
  }

  private lookup(req: RunRequest, key: string | null): RunOk | undefined {
    if (key === null) return undefined;
    const e = this.map.get(key);
    const lib = req.lib!;
    if (!e || e.lib !== lib.v || e.stats !== lib.stats || e.model !== req.model.v) return undefined;
    // Least recently used out first, nearly: an entry moves to the map's end only once it is in the older half (at least
    // maxEntries / 2 entries were put there after it). One used again before that is far from the eviction end, and a
    // hot question — asked by buyer after buyer — no longer deletes and re-inserts its key at each ask (the map's table
    // filled with the holes and was remade every few dozen asks).
    if (this.clock - e.touched >= this.maxEntries >> 1) {
      remember(this.map, key, e, this.maxEntries);
      e.touched = ++this.clock;
    }
    if (req.scores) return this.render(e, req);
    if (e.fixed) return e.fixed;
    if (!e.uses) return this.render(e, req);
    // The same values of the variables it uses (the anonymous buyer's 亲, one agent's name …): the answer rendered before.
    let vk = req.order ? 'o' : '';
    for (const n of e.uses) vk += `\u0001${req.vars?.[n] ?? ''}`;
    let r = e.byVars?.get(vk);
    if (!r) {
      r = this.render(e, req);
      remember((e.byVars ??= new Map()), vk, r, PER_RANKING);
    }
    return r;
  }

  /** The answer for this request's variables, filled in from the kept ranking with the worker's own code. */
  private render(e: Entry, req: RunRequest): RunOk {
    const json = this.jsonOf(req.lib!);
    const x = renderItems(json, e.ranked, req.vars ?? {}, req.order ?? false, req.scores ?? false);
    const r: RunOk = { id: 0, ...e.head, items: x.items, shown: x.shown, list: x.list, kept: true };
    if (x.needOrder) r.needOrder = true;
    if (x.varies) r.varies = true;
    if (!req.scores && !e.fixed && !e.uses) {
      if (!x.varies) e.fixed = r;
      else {
        const templates = e.ranked.map((i) => json.get(i.id)!).filter((j) => j.text === null);
        e.uses = [...new Set(templates.flatMap((j) => extractVariables(j.template)))] as VariableName[];
      }
    }
    return r;
  }

  private jsonOf(lib: LibraryRef): Map<string, ItemJson> {
    // A LibraryRef is one library version (its items never change; only `stats` is replaced).
    let j = this.json.get(lib);
    if (!j) {
      j = libraryJson(lib.items);
      this.json.set(lib, j);
    }
    return j;
  }

  /**
   * The kept answer, or else the answer to the same request already on its way, or else `compute(keep)`'s — with
   * `keep` the worker also returns the ranking before filling (`RunOk.ranked`), which is kept if the request was
   * made before.
   */
  answer(req: RunRequest, compute: (keep: boolean) => Promise<RunOk>): RunOk | Promise<RunOk> {
    const key = this.key(req);
    const have = this.lookup(req, key);
    if (have) {
      this.hits++;
      return have;
    }
    if (key === null) return compute(false);
    const noted = hash30(key);
    if (!this.seen.has(noted) && !this.seenBefore.has(noted)) {
      // The first time a text is asked it is only noted: most one-off texts would push the repeated ones out for nothing.
      this.seen.add(noted);
      if (this.seen.size >= this.maxEntries * 2) {
        this.seenBefore = this.seen;
        this.seen = new Set();
      }
      this.misses++;
      return compute(false);
    }
    const lib = req.lib!;
    const flight = `${lib.v}\u0000${req.model.v}\u0000${key}`;
    const on = this.inflight.get(flight);
    if (on && on.stats === lib.stats) {
      this.joined++;
      return on.p.then(() => this.lookup(req, key) ?? compute(false));
    }
    this.misses++;
    const stats = lib.stats;
    const p = compute(true).then(
      (r) => {
        if (this.inflight.get(flight)?.p === p) this.inflight.delete(flight);
        // Kept only if no pick changed the counts meanwhile (the ranking is then still the one for these counts).
        if (lib.stats === stats) this.set(req, r);
        return r;
      },
      (err: unknown) => {
        if (this.inflight.get(flight)?.p === p) this.inflight.delete(flight);
        throw err;
      },
    );
    this.inflight.set(flight, { stats, p });
    return p;
  }

  /** Keeps the ranking of `r` (computed with `keep`, for `req`, with its library's current counts). */
  private set(req: RunRequest, r: RunOk): void {
    const key = this.key(req);
    if (key === null || r.ranked === undefined) return;
    const lib = req.lib!;
    const head: Entry['head'] = { scenario: r.scenario, confidence: r.confidence };
    if (r.top) head.top = r.top;
    if (r.rules) head.rules = r.rules;
    const ranked = decodeRanked(r.ranked);
    remember(this.map, key, { lib: lib.v, stats: lib.stats, model: req.model.v, head, ranked, fixed: null, uses: null, byVars: null, touched: ++this.clock }, this.maxEntries);
  }
}

/** `fnv1a` in 30 bits: a small integer (Smi) even with pointer compression, so a Set keeps it in its table without an object of its own. */
export function hash30(s: string): number {
  return fnv1a(s) & 0x3fffffff;
}
