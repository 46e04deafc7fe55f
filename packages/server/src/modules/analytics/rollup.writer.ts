import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { EventBus, KefuEvent } from '../../events/bus.js';
import type { Database } from '../../storage/schema.js';
import { loadSettings, refreshBuyers, RollupCache } from './rollup.store.js';

/** Buyers per refresh transaction: starts here, then sized so one chunk holds the event loop ~CHUNK_MS. */
const REFRESH_CHUNK = 100;
const CHUNK_MS = 8;
const MIN_CHUNK = 10;
const MAX_CHUNK = 200;

/**
 * Keeps the rollups current as events happen: `message.created` and every `order.*` event mark their
 * (shop, buyer) dirty; dirty buyers are recomputed from their own rows (never the shop's) in batches,
 * shortly after. Recomputing a buyer replaces all of its rows, so a replayed or duplicated event cannot
 * double count, and a late or out-of-order record is absorbed the same way.
 *
 * The refreshes share the event loop with the message path, so they take at most `maxShare` of it (default 10 %):
 * after a batch that kept the loop busy for T, the next timed batch waits at least T × (1 / maxShare − 1). Under
 * load the dashboard lags more (and each buyer is refreshed once for more of its messages); it never slows the
 * messages by more than that share.
 */
export class RollupWriter {
  private dirty = new Map<string, Set<string>>();
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private offs: Array<() => void> = [];
  /** Earliest time (performance.now) the next timed batch may start. */
  private notBefore = 0;
  /** Buyers recomputed so far, and the time spent on it (ms; for tests and stats). */
  refreshed = 0;
  busyMs = 0;
  /** Refresh transactions so far, and the current buyers per transaction. */
  chunks = 0;
  chunk = REFRESH_CHUNK;
  onError: (err: unknown) => void = (err) => console.error('rollup refresh failed', err);
  /** The rows last written per buyer (`cacheBuyers`, default 50,000 — about 2 KB each; 0: always read them back). */
  readonly cache: RollupCache | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: { delayMs?: number; maxBatch?: number; cacheBuyers?: number; maxShare?: number } = {},
  ) {
    const n = opts.cacheBuyers ?? 50_000;
    this.cache = n > 0 ? new RollupCache(n) : undefined;
  }

  /** Starts listening; returns this. Events of other processes are theirs to roll up. */
  attach(events: EventBus): this {
    const local = (e: KefuEvent): boolean => e.origin === events.origin && e.shopId !== null;
    this.offs.push(
      events.on('message.created', (e) => {
        const p = e.payload as { buyerId?: string };
        if (local(e) && p.buyerId) this.mark(e.shopId!, p.buyerId);
      }),
      events.onAny((e) => {
        if (!e.name.startsWith('order.') || !local(e)) return;
        const o = (e.payload as { order?: { buyerId: string | null; buyerNick: string } }).order;
        if (o) this.mark(e.shopId!, o.buyerId ?? `nick:${o.buyerNick}`);
      }),
    );
    return this;
  }

  mark(shopId: string, buyer: string): void {
    let set = this.dirty.get(shopId);
    if (!set) this.dirty.set(shopId, (set = new Set()));
    if (set.has(buyer)) return;
    set.add(buyer);
    this.size++;
    if (this.size >= (this.opts.maxBatch ?? 20_000)) this.schedule(0);
    else this.schedule(this.opts.delayMs ?? 2000);
  }

  private schedule(ms: number): void {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    if (ms > 0) ms = Math.max(ms, this.notBefore - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      // A batch that ended after this timer was set may have pushed the next one back.
      const wait = this.notBefore - performance.now();
      if (ms > 0 && wait >= 1) this.schedule(wait);
      else void this.flush();
    }, ms);
  }

  /** Recomputes everything marked so far; resolves when the rollups include it. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.dirty;
    this.dirty = new Map();
    this.size = 0;
    this.running = this.running.then(async () => {
      let busy = 0;
      for (const [shopId, buyers] of batch) {
        const list = [...buyers];
        let settings;
        try {
          settings = await loadSettings(this.db, shopId);
        } catch (err) {
          this.onError(err);
          continue;
        }
        // Small transactions with a turn of the event loop between them: a message that arrives waits behind one
        // chunk (~CHUNK_MS), not the whole batch. The chunk size follows the measured cost per buyer (it grows with
        // a buyer's history and with the machine's load).
        for (let i = 0; i < list.length; ) {
          const part = list.slice(i, i + this.chunk);
          i += part.length;
          const t0 = performance.now();
          try {
            await refreshBuyers(this.db, shopId, part, settings, this.cache);
            this.refreshed += part.length;
          } catch (err) {
            this.onError(err);
          }
          const took = performance.now() - t0;
          busy += took;
          this.busyMs += took;
          this.chunks++;
          this.chunk = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, Math.round((CHUNK_MS * part.length) / Math.max(took, 0.01))));
          if (i < list.length) await new Promise((r) => setImmediate(r));
        }
      }
      this.notBefore = performance.now() + busy * (1 / Math.min(1, Math.max(0.01, this.opts.maxShare ?? 0.1)) - 1);
    });
    return this.running;
  }

  async close(): Promise<void> {
    for (const off of this.offs) off();
    this.offs = [];
    await this.flush();
  }
}
