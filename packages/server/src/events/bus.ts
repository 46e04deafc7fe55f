/**
 * Every state change is a named event emitted by the service that made it; realtime, rollups,
 * jobs and webhooks listen. In scaled mode a Redis bridge re-emits events from other processes
 * (`origin` tells them apart so nothing is handled twice).
 */
export interface KefuEvent<T = unknown> {
  name: string;
  shopId: string | null;
  payload: T;
  /** Process that emitted it. */
  origin: string;
  at: number;
}

type Listener = (event: KefuEvent) => void | Promise<void>;

export class EventBus {
  /**
   * Listener lists are replaced, never changed in place (copy on write): `dispatch` walks the lists as they were when
   * it began — a listener added or removed by another one takes effect from the next event — without copying them for
   * every event (one per message at a peak).
   */
  private readonly listeners = new Map<string, readonly Listener[]>();
  private any: readonly Listener[] = [];

  constructor(readonly origin: string) {}

  on(name: string, listener: Listener): () => void {
    const cur = this.listeners.get(name) ?? [];
    if (!cur.includes(listener)) this.listeners.set(name, [...cur, listener]);
    return () => {
      const now = this.listeners.get(name);
      if (now?.includes(listener)) this.listeners.set(name, now.filter((l) => l !== listener));
    };
  }

  /** Listens to every event (used by the Redis bridge). */
  onAny(listener: Listener): () => void {
    if (!this.any.includes(listener)) this.any = [...this.any, listener];
    return () => {
      this.any = this.any.filter((l) => l !== listener);
    };
  }

  emit<T>(name: string, shopId: string | null, payload: T): void {
    this.dispatch({ name, shopId, payload, origin: this.origin, at: Date.now() });
  }

  /** Delivers an event to local listeners; listener errors are isolated from the emitter. */
  dispatch(event: KefuEvent): void {
    const named = this.listeners.get(event.name);
    const any = this.any;
    if (named) for (const l of named) this.call(l, event);
    for (const l of any) this.call(l, event);
  }

  private call(l: Listener, event: KefuEvent): void {
    try {
      const r = l(event);
      if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch((err) => this.onError(err, event));
    } catch (err) {
      this.onError(err, event);
    }
  }

  onError: (err: unknown, event: KefuEvent) => void = (err, event) => {
    console.error(`event listener failed for ${event.name}`, err);
  };
}
