import { VARIABLES } from '@kefu/core';
import { remember, type RunOk } from './assist.engine.js';
import type { RunRequest } from './assist.offload.js';

const NAMES = VARIABLES.map((v) => v.name);

/** The values of every variable, in a fixed order: equal keys fill every template alike. */
function varsKey(vars: RunRequest['vars']): string {
  let k = '';
  if (!vars) return k;
  for (const n of NAMES) k += `${vars[n] ?? ''}\u0001`;
  return k;
}

interface Entry {
  /** The versions the answer was computed for: the library (with its learned counts, replaced on every pick) and the model. */
  lib: number;
  stats: object;
  model: number;
  /** The answer when no ranked text has placeholders (it is the same whatever the variables are). */
  fixed: RunOk | null;
  /** Otherwise the answers by the variables' values (a few: one buyer's nickname, one agent's name …). */
  byVars: Map<string, RunOk> | null;
}

/** Answers kept per text whose ranked texts depend on the variables: one per recent set of values. */
const PER_TEXT = 8;

/**
 * Ranked suggestions of recently asked texts, on the main thread. Buyers ask the same short questions over and over
 * (包邮吗, 能便宜点吗, 什么时候发货 — seed 003: ~80 % of questions repeat), and for one library, one set of learned counts
 * and one model the ranked answer is a pure function of the request: the same text is then answered here without a
 * round trip through the assist worker (no structured clone either way, no work on the worker's core).
 *
 * - An entry is valid only for the library version, the very `stats` map (replaced, never mutated, on each pick: a
 *   pick makes the shop's entries stale at once) and the model version it was computed with.
 * - A text whose ranked items have placeholders (`RunOk.varies`) is kept per set of variable values; the others once,
 *   whoever asks.
 * - Only texts up to `maxTextLength` UTF-16 units (long ones rarely repeat), and only from the second time a request
 *   is made (the first is only noted), so the long tail of one-off texts neither churns the cache nor pays for it.
 *   Least recently used out first. An entry holds the items' JSON (~1–2 KB): 4,096 entries are a few MB.
 * - Requests made while the same one is being computed wait for that answer (a burst of buyers asking the same thing
 *   in one turn is computed once).
 * - Answers are shared, never changed by their callers.
 */
export class RankedCache {
  private readonly map = new Map<string, Entry>();
  /** Requests being computed, by request and versions: the same request meanwhile waits for that answer. */
  private readonly inflight = new Map<string, { stats: object; p: Promise<RunOk> }>();
  /** Requests asked once (their keys, oldest first, 4 × `maxEntries` at most): an answer is kept from the second time on. */
  private readonly seen = new Set<string>();
  hits = 0;
  misses = 0;
  /** Requests that waited for the same request's answer already on its way (neither a hit nor a miss). */
  joined = 0;

  constructor(
    readonly maxEntries = 4096,
    readonly maxTextLength = 64,
  ) {}

  get size(): number {
    return this.map.size;
  }

  private key(req: RunRequest): string | null {
    if (!req.lib || req.text.length > this.maxTextLength) return null;
    return `${req.shopId}\u0000${req.productSku ?? ''}\u0000${req.limit}${req.order ? 'o' : ''}${req.detail ? 'd' : ''}${req.scores ? 's' : ''}\u0000${req.text}`;
  }

  /** The kept answer to exactly this request, or undefined. */
  get(req: RunRequest): RunOk | undefined {
    const r = this.lookup(req, this.key(req));
    if (r) this.hits++;
    else this.misses++;
    return r;
  }

  private lookup(req: RunRequest, key: string | null): RunOk | undefined {
    if (key === null) return undefined;
    const e = this.map.get(key);
    const lib = req.lib!;
    if (!e || e.lib !== lib.v || e.stats !== lib.stats || e.model !== req.model.v) return undefined;
    const r = e.fixed ?? e.byVars?.get(varsKey(req.vars));
    if (r) remember(this.map, key, e, this.maxEntries);
    return r;
  }

  /**
   * The kept answer, or else the answer to the same request already on its way, or else `compute()`'s, which is kept
   * if the request was made before.
   */
  answer(req: RunRequest, compute: () => Promise<RunOk>): RunOk | Promise<RunOk> {
    const key = this.key(req);
    const have = this.lookup(req, key);
    if (have) {
      this.hits++;
      return have;
    }
    if (key === null) return compute();
    if (!this.seen.has(key)) {
      // The first time a text is asked it is only noted: most one-off texts would push the repeated ones out for nothing.
      this.seen.add(key);
      if (this.seen.size > this.maxEntries * 4) this.seen.delete(this.seen.values().next().value as string);
      this.misses++;
      return compute();
    }
    const lib = req.lib!;
    const flight = `${lib.v}\u0000${req.model.v}\u0000${varsKey(req.vars)}\u0000${key}`;
    const on = this.inflight.get(flight);
    if (on && on.stats === lib.stats) {
      this.joined++;
      return on.p;
    }
    this.misses++;
    const stats = lib.stats;
    const p = compute().then(
      (r) => {
        if (this.inflight.get(flight)?.p === p) this.inflight.delete(flight);
        // Kept only if no pick changed the counts meanwhile (the answer is then still the one for these counts).
        return lib.stats === stats ? this.set(req, r) : r;
      },
      (err: unknown) => {
        if (this.inflight.get(flight)?.p === p) this.inflight.delete(flight);
        throw err;
      },
    );
    this.inflight.set(flight, { stats, p });
    return p;
  }

  /** Keeps `r`, the answer computed for `req` with its library's current counts; returns it. */
  set(req: RunRequest, r: RunOk): RunOk {
    const key = this.key(req);
    if (key === null) return r;
    const lib = req.lib!;
    let e = this.map.get(key);
    if (!e || e.lib !== lib.v || e.stats !== lib.stats || e.model !== req.model.v) {
      e = { lib: lib.v, stats: lib.stats, model: req.model.v, fixed: null, byVars: null };
    }
    if (r.varies) remember((e.byVars ??= new Map()), varsKey(req.vars), r, PER_TEXT);
    else e.fixed = r;
    remember(this.map, key, e, this.maxEntries);
    return r;
  }
}
