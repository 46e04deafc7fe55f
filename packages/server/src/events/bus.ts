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
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly any = new Set<Listener>();

  constructor(readonly origin: string) {}

  on(name: string, listener: Listener): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener);
    this.listeners.set(name, set);
    return () => set.delete(listener);
  }

  /** Listens to every event (used by the Redis bridge). */
  onAny(listener: Listener): () => void {
    this.any.add(listener);
    return () => this.any.delete(listener);
  }

  emit<T>(name: string, shopId: string | null, payload: T): void {
    this.dispatch({ name, shopId, payload, origin: this.origin, at: Date.now() });
  }

  /** Delivers an event to local listeners; listener errors are isolated from the emitter. */
  dispatch(event: KefuEvent): void {
    for (const l of [...(this.listeners.get(event.name) ?? []), ...this.any]) {
      try {
        const r = l(event);
        if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch((err) => this.onError(err, event));
      } catch (err) {
        this.onError(err, event);
      }
    }
  }

  onError: (err: unknown, event: KefuEvent) => void = (err, event) => {
    console.error(`event listener failed for ${event.name}`, err);
  };
}
