interface Waiter<V> {
  resolve(v: V | undefined): void;
  reject(e: unknown): void;
}

/**
 * Collects the point lookups made in one event-loop turn (all sockets read in one poll) and answers
 * them with one query per `maxBatch` keys, instead of one query (and one connection hand-over) each.
 */
export class BatchLoader<K, V> {
  private pending = new Map<K, Waiter<V>[]>();
  private scheduled = false;

  constructor(
    /** Loads many keys at once; keys missing from the result resolve to undefined. */
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const list = this.pending.get(key);
      if (list) list.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxBatch) {
      const part = keys.slice(i, i + this.maxBatch);
      try {
        const found = await this.loadMany(part);
        for (const k of part) for (const w of batch.get(k)!) w.resolve(found.get(k));
      } catch (err) {
        for (const k of part) for (const w of batch.get(k)!) w.reject(err);
      }
    }
  }
}

/**
 * A `BatchLoader` of rows by shop and id: the turn's look-ups are grouped by shop and each shop's ids are read with one
 * call of `loadMany(shopId, ids)`; `idOf` names the id a returned row answers. The same id in two shops is two keys.
 */
export class ShopBatchLoader<V> {
  private readonly loader: BatchLoader<string, V>;

  constructor(loadMany: (shopId: string, ids: string[]) => Promise<readonly V[]>, idOf: (row: V) => string) {
    this.loader = new BatchLoader(async (keys) => {
      const byShop = new Map<string, string[]>();
      for (const k of keys) {
        const [shopId, id] = k.split('\u0000') as [string, string];
        const ids = byShop.get(shopId);
        if (ids) ids.push(id);
        else byShop.set(shopId, [id]);
      }
      const out = new Map<string, V>();
      for (const [shopId, ids] of byShop) for (const row of await loadMany(shopId, ids)) out.set(`${shopId}\u0000${idOf(row)}`, row);
      return out;
    });
  }

  load(shopId: string, id: string): Promise<V | undefined> {
    return this.loader.load(`${shopId}\u0000${id}`);
  }
}
