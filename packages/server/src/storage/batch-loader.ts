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
