import type { Kysely } from 'kysely';
import type { EventBus, KefuEvent } from '../../events/bus.js';
import type { Database } from '../../storage/schema.js';
import { refreshBuyers } from './rollup.store.js';

const REFRESH_CHUNK = 100;

/**
 * Keeps the rollups current as events happen: `message.created` and every `order.*` event mark their
 * (shop, buyer) dirty; dirty buyers are recomputed from their own rows (never the shop's) in batches,
 * shortly after. Recomputing a buyer replaces all of its rows, so a replayed or duplicated event cannot
 * double count, and a late or out-of-order record is absorbed the same way.
 */
export class RollupWriter {
  private dirty = new Map<string, Set<string>>();
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private offs: Array<() => void> = [];
  /** Buyers recomputed so far (for tests and stats). */
  refreshed = 0;
  onError: (err: unknown) => void = (err) => console.error('rollup refresh failed', err);

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: { delayMs?: number; maxBatch?: number } = {},
  ) {}

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
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
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
      for (const [shopId, buyers] of batch) {
        const list = [...buyers];
        // Small transactions with a turn of the event loop between them: message commits queue behind one chunk, not the whole batch.
        for (let i = 0; i < list.length; i += REFRESH_CHUNK) {
          const part = list.slice(i, i + REFRESH_CHUNK);
          try {
            await refreshBuyers(this.db, shopId, part);
            this.refreshed += part.length;
          } catch (err) {
            this.onError(err);
          }
          if (i + REFRESH_CHUNK < list.length) await new Promise((r) => setImmediate(r));
        }
      }
    });
    return this.running;
  }

  async close(): Promise<void> {
    for (const off of this.offs) off();
    this.offs = [];
    await this.flush();
  }
}
