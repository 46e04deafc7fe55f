import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { EventBus, KefuEvent } from '../../events/bus.js';
import type { Database } from '../../storage/schema.js';
import type { RollupFacts, RollupSettings } from './rollup-facts.js';
import type { RollupOffload } from './rollup.offload.js';
import { loadSettings, refreshBuyers, RollupCache, splitFacts } from './rollup.store.js';

/** How long one refresh transaction may hold the event loop: in the background, and while someone waits in `flush()`. */
const CHUNK_MS = 4;
const URGENT_CHUNK_MS = 32;
const MIN_CHUNK = 5;
const MAX_CHUNK = 400;
/** Buyers in the first chunk, before a cost per buyer has been measured. */
const FIRST_CHUNK = 20;
/**
 * Buyers the worker reads at once while a flush waits. Each of the event loop's commits makes the worker's next read
 * start with an empty page cache (SQLite drops it when the log changed), and a buyer's messages are spread over pages
 * other buyers share, so a few large reads cost far less per buyer than many small ones (measured: 400 buyers a read
 * 48 µs per buyer, 2,500 27 µs). The event loop still writes them in slices of `URGENT_CHUNK_MS`.
 */
const FLUSH_READ = 2_500;
/** Buyers in the first slice written from precomputed facts, before that cost has been measured. */
const FIRST_SLICE = 100;
/** Share of the event loop the refreshes may take when the backlog reaches `maxBatch`. */
const CATCH_UP_SHARE = 0.5;
/**
 * The background share yields to a busy event loop: when the loop was busier than `BUSY_FROM` with other work while
 * the refreshes paused, the share shrinks, down to `BUSY_FLOOR` of it at `BUSY_TO` and above. Buyers' and agents'
 * messages keep the loop at a peak; the dashboard then lags more (10,000 dirty buyers at ~0.15 ms of chunk time each:
 * ~15 s at a 10 % share, ~60 s at 2.5 %; the catch-up share still bounds the backlog). docs/ROLLUPS.md.
 */
const BUSY_FROM = 0.5;
const BUSY_TO = 0.9;
const BUSY_FLOOR = 0.25;

/** The share of the event loop background refreshes may take, given how busy it was (0–1) with other work. */
export function backgroundShare(maxShare: number, busy: number): number {
  if (busy <= BUSY_FROM) return maxShare;
  const f = 1 - (Math.min(busy, BUSY_TO) - BUSY_FROM) / (BUSY_TO - BUSY_FROM);
  return maxShare * (BUSY_FLOOR + (1 - BUSY_FLOOR) * f);
}

type Waiter = { left: Set<string>; resolve: () => void };
type Chunk = { shopId: string; part: string[]; settings: Promise<RollupSettings>; facts: Promise<RollupFacts | undefined> };

/**
 * Keeps the rollups current as events happen: `message.created` and every `order.*` event mark their
 * (shop, buyer) dirty; dirty buyers are recomputed from their own rows (never the shop's) in small transactions,
 * shortly after. Recomputing a buyer replaces all of its rows, so a replayed or duplicated event cannot
 * double count, and a late or out-of-order record is absorbed the same way.
 *
 * A buyer leaves the dirty set only when its chunk is taken, so every message a buyer sends until then is covered
 * by one refresh (a busy buyer is not recomputed once per message). The refreshes share the event loop with the
 * message path, so in the background they take at most `maxShare` of it (default 10 %; down to a quarter of that
 * while the loop is busy with other work, `backgroundShare`): after a chunk that held the loop for T, the next one
 * waits T × (1 / share − 1). Under load the dashboard lags more; the messages are never
 * slowed by more than that share, nor held up by more than one short chunk. `flush()` (tests, shutdown) goes at
 * full speed.
 */
export class RollupWriter {
  private dirty = new Map<string, Set<string>>();
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  /** The chunk being refreshed (a flush waits for it too: its buyers are no longer in the dirty set). */
  private current: Promise<void> = Promise.resolve();
  /** The next chunk, taken early so the worker builds its facts while the current one is written (in a flush). */
  private ahead: Chunk | null = null;
  /** Ends the pacing pause early (a flush arrived). */
  private wake: (() => void) | null = null;
  private waiters: Waiter[] = [];
  /** Measured cost of one buyer's refresh (ms, moving average), worker included: it paces the background. */
  private msPerBuyer = 0;
  /** Measured cost of writing one buyer's precomputed facts on the event loop (ms, moving average): it sizes a flush's slices. */
  private writeMsPerBuyer = 0;
  /** How busy the event loop was (0–1) during the last pause, with work other than the refreshes. */
  private loopBusy = 0;
  private offs: Array<() => void> = [];
  /** Buyers recomputed so far, and the time spent on it (ms; for tests and stats). */
  refreshed = 0;
  busyMs = 0;
  /** Refresh transactions so far. */
  chunks = 0;
  /** The share of the event loop the last background pause kept to (tests and stats). */
  lastShare = 0;
  /** Buyers whose facts the worker built (`offload`). */
  offloaded = 0;
  onError: (err: unknown) => void = (err) => console.error('rollup refresh failed', err);
  /** The rows last written per buyer (`cacheBuyers`, default 50,000 — about 2 KB each; 0: always read them back). */
  readonly cache: RollupCache | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: {
      delayMs?: number;
      maxBatch?: number;
      cacheBuyers?: number;
      maxShare?: number;
      /** Builds each chunk's facts off the event loop (SQLite files: `RollupOffload`); the writer falls back to in process. */
      offload?: Pick<RollupOffload, 'facts' | 'broken' | 'ready'>;
      /** Buyers the worker reads at once while a flush waits (default `FLUSH_READ`). */
      flushRead?: number;
      /** Buyers written per transaction in a flush; default: as many as fit in `URGENT_CHUNK_MS` by the measured cost. */
      flushSlice?: number;
      /** Starts measuring how busy the event loop is; the function returned tells it (0–1) since (tests). */
      loopBusy?: () => () => number;
    } = {},
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

  /** Buyers waiting for a refresh. */
  get backlog(): number {
    return this.size;
  }

  mark(shopId: string, buyer: string): void {
    let set = this.dirty.get(shopId);
    if (!set) this.dirty.set(shopId, (set = new Set()));
    if (set.has(buyer)) return;
    set.add(buyer);
    this.size++;
    if (this.pumping) return;
    if (this.size >= this.maxBatch) this.start();
    else if (!this.timer) this.timer = setTimeout(() => this.start(), this.opts.delayMs ?? 2000);
  }

  private get maxBatch(): number {
    return this.opts.maxBatch ?? 20_000;
  }

  private start(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pumping || this.size === 0) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      // Marks that came in while the last chunk ran: the usual delay, or at once if someone waits.
      if (this.size > 0) {
        if (this.waiters.length) this.start();
        else if (!this.timer) this.timer = setTimeout(() => this.start(), this.opts.delayMs ?? 2000);
      }
    });
  }

  /**
   * Takes the next chunk out of the dirty set (round robin over shops) and starts what it needs: the shop's rollup
   * settings (read per chunk: the pump may run for minutes under load, and a settings change rebuilds the shop, after
   * which no chunk may write rows computed with the old settings) and, with a worker, its facts.
   */
  private take(budgetMs: number, buyers?: number): Chunk {
    const [shopId, set] = this.dirty.entries().next().value as [string, Set<string>];
    const want = buyers ?? Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, this.msPerBuyer > 0 ? Math.round(budgetMs / this.msPerBuyer) : FIRST_CHUNK));
    const part: string[] = [];
    for (const b of set) {
      part.push(b);
      if (part.length >= want) break;
    }
    for (const b of part) set.delete(b);
    this.size -= part.length;
    // Round robin: a shop that keeps getting messages does not hold back the others.
    this.dirty.delete(shopId);
    if (set.size) this.dirty.set(shopId, set);
    const settings = loadSettings(this.db, shopId);
    const off = this.opts.offload;
    const facts: Promise<RollupFacts | undefined> =
      off && !off.broken
        ? settings
            .then((s) => off.facts(shopId, part, s))
            .then(
              (f) => {
                this.offloaded += part.length;
                return f;
              },
              (err: unknown) => {
                this.onError(err);
                return undefined;
              },
            )
        : Promise.resolve(undefined);
    // Settled either way; the chunk's own try/catch reports a failed settings read.
    settings.catch(() => undefined);
    return { shopId, part, settings, facts };
  }

  /**
   * Refreshes the dirty buyers a chunk at a time until none is left, paced unless a flush waits. With a worker, a
   * chunk's facts are built there (the event loop only writes the changes); while a flush waits, the next chunk's
   * facts are built while this one is written. The pace counts a chunk's whole time, worker included, so buyers
   * coalesce as much as without one.
   */
  private async pump(): Promise<void> {
    while (this.size > 0 || this.ahead) {
      const urgent = this.waiters.length > 0;
      const offload = this.opts.offload && !this.opts.offload.broken ? this.opts.offload : null;
      const read = this.opts.flushRead ?? FLUSH_READ;
      const chunk = this.ahead ?? (urgent && offload ? this.take(URGENT_CHUNK_MS, read) : this.take(urgent ? URGENT_CHUNK_MS : CHUNK_MS));
      // The first answer of a worker includes starting it: that time says nothing about the cost of a refresh.
      const cold = offload !== null && !offload.ready;
      this.ahead = null;
      const t0 = performance.now();
      let done!: () => void;
      this.current = new Promise((r) => (done = r));
      try {
        const settings = await chunk.settings;
        if (this.waiters.length > 0 && this.size > 0 && offload) this.ahead = this.take(URGENT_CHUNK_MS, read);
        const facts = await chunk.facts;
        // A large read (a flush) is written a slice at a time, so no transaction holds the loop much longer than the budget.
        const sliceSize = !facts
          ? chunk.part.length
          : (this.opts.flushSlice ?? (this.writeMsPerBuyer > 0 ? Math.max(MIN_CHUNK, Math.round(URGENT_CHUNK_MS / this.writeMsPerBuyer)) : FIRST_SLICE));
        const slices: string[][] = [];
        for (let i = 0; i < chunk.part.length; i += sliceSize) slices.push(chunk.part.slice(i, i + sliceSize));
        const sliced = facts && slices.length > 1 ? splitFacts(facts, slices) : [facts];
        for (let i = 0; i < slices.length; i++) {
          const w0 = performance.now();
          await refreshBuyers(this.db, chunk.shopId, slices[i]!, settings, this.cache, sliced[i]);
          if (facts) {
            const w = (performance.now() - w0) / slices[i]!.length;
            this.writeMsPerBuyer = this.writeMsPerBuyer > 0 ? this.writeMsPerBuyer * 0.7 + w * 0.3 : w;
          }
          this.refreshed += slices[i]!.length;
          this.settle(chunk.shopId, slices[i]!);
          if (i + 1 < slices.length) await new Promise((r) => setImmediate(r));
        }
      } catch (err) {
        this.onError(err);
        // A failed chunk's buyers count as done for the waiters (the error is reported; the rows stay as they were).
        this.settle(chunk.shopId, chunk.part);
      } finally {
        done();
      }
      const took = performance.now() - t0;
      this.busyMs += took;
      this.chunks++;
      // A cold chunk is paced as if it had cost nothing: a second of starting the worker would otherwise pause the
      // refreshes for nine.
      if (!cold) {
        const per = took / chunk.part.length;
        this.msPerBuyer = this.msPerBuyer > 0 ? this.msPerBuyer * 0.7 + per * 0.3 : per;
      }
      if (this.size === 0 && !this.ahead) break;
      if (cold || this.waiters.length > 0) await new Promise((r) => setImmediate(r));
      else await this.pause(took);
    }
  }

  /**
   * After a chunk that took `took` ms: wait so that refreshes keep to their share of the event loop — less of it when
   * the loop was busy with other work during the last pause (`backgroundShare`).
   */
  private pause(took: number): Promise<void> {
    const max = this.opts.maxShare ?? 0.1;
    const share = Math.min(1, Math.max(0.01, this.size >= this.maxBatch ? Math.max(CATCH_UP_SHARE, max) : backgroundShare(max, this.loopBusy)));
    this.lastShare = share;
    const ms = took * (1 / share - 1);
    const since = (this.opts.loopBusy ?? loopBusySince)();
    return new Promise((resolve) => {
      const done = () => {
        this.wake = null;
        this.loopBusy = since();
        resolve();
      };
      if (ms < 1) return void setImmediate(done);
      const t = setTimeout(done, ms);
      this.wake = () => {
        clearTimeout(t);
        done();
      };
    });
  }

  private settle(shopId: string, part: string[]): void {
    if (!this.waiters.length) return;
    for (const b of part) for (const w of this.waiters) w.left.delete(`${shopId}\0${b}`);
    const done = this.waiters.filter((w) => w.left.size === 0);
    this.waiters = this.waiters.filter((w) => w.left.size > 0);
    for (const w of done) w.resolve();
  }

  /** Recomputes everything marked so far, at full speed; resolves when the rollups include it. */
  flush(): Promise<void> {
    const left = new Set<string>();
    for (const [shopId, set] of this.dirty) for (const b of set) left.add(`${shopId}\0${b}`);
    if (this.ahead) for (const b of this.ahead.part) left.add(`${this.ahead.shopId}\0${b}`);
    const inFlight = this.current;
    if (!left.size) return inFlight;
    const done = new Promise<void>((resolve) => this.waiters.push({ left, resolve }));
    this.wake?.();
    this.start();
    return Promise.all([inFlight, done]).then(() => undefined);
  }

  async close(): Promise<void> {
    for (const off of this.offs) off();
    this.offs = [];
    await this.flush();
    await this.pumping;
  }
}

/** The event loop's utilisation from now until the returned function is called. */
function loopBusySince(): () => number {
  const start = performance.eventLoopUtilization();
  return () => performance.eventLoopUtilization(start).utilization;
}
