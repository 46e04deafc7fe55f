/**
 * Entries keyed by ids handed out in sequence and mostly removed in about that order (requests in flight): a
 * power-of-two ring indexed by `id & mask`, which doubles when the ids alive at once span more than it holds and
 * never shrinks. A `Map` in that role grew its table as a batch of requests went out and shrank it again as the
 * answers came back — a new table each time, alive across young collections and so promoted to the old generation
 * (~110 bytes a message in the realtime bench, where hundreds of requests are in flight at once).
 */
export class IdRing<V> {
  private ids: number[];
  private vals: Array<V | undefined>;
  private mask: number;
  /** Entries held. */
  size = 0;

  constructor(capacity = 64) {
    const n = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    this.ids = new Array<number>(n).fill(-1);
    this.vals = new Array<V | undefined>(n).fill(undefined);
    this.mask = n - 1;
  }

  /** Slots in the ring (it only grows). */
  get capacity(): number {
    return this.mask + 1;
  }

  get(id: number): V | undefined {
    const i = id & this.mask;
    return this.ids[i] === id ? this.vals[i] : undefined;
  }

  /** Keeps `value` (never undefined) under `id` (a non-negative integer), replacing what `id` held. */
  set(id: number, value: V): void {
    for (;;) {
      const i = id & this.mask;
      const held = this.vals[i];
      if (held === undefined || this.ids[i] === id) {
        if (held === undefined) this.size++;
        this.ids[i] = id;
        this.vals[i] = value;
        return;
      }
      this.grow();
    }
  }

  delete(id: number): boolean {
    const i = id & this.mask;
    if (this.ids[i] !== id || this.vals[i] === undefined) return false;
    this.vals[i] = undefined;
    this.size--;
    return true;
  }

  /** The values held, by increasing id. */
  values(): V[] {
    const live: Array<[number, V]> = [];
    for (let i = 0; i <= this.mask; i++) if (this.vals[i] !== undefined) live.push([this.ids[i]!, this.vals[i]!]);
    return live.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  clear(): void {
    this.vals.fill(undefined);
    this.size = 0;
  }

  /** Doubles the ring until every held id has a slot of its own. */
  private grow(): void {
    const ids = this.ids;
    const vals = this.vals;
    for (let n = (this.mask + 1) * 2; ; n *= 2) {
      const mask = n - 1;
      const nextIds = new Array<number>(n).fill(-1);
      const nextVals = new Array<V | undefined>(n).fill(undefined);
      let fits = true;
      for (let i = 0; i < ids.length && fits; i++) {
        if (vals[i] === undefined) continue;
        const j = ids[i]! & mask;
        if (nextVals[j] !== undefined) fits = false;
        nextIds[j] = ids[i]!;
        nextVals[j] = vals[i];
      }
      if (!fits) continue;
      this.ids = nextIds;
      this.vals = nextVals;
      this.mask = mask;
      return;
    }
  }
}
