import type { AppContext } from '../app-context.js';
import type { KefuEvent } from '../events/bus.js';

export const REDIS_CHANNEL = 'kefu:events';

/**
 * Scaled mode: every event emitted in this process is published on Redis; events published by other
 * processes are dispatched to this process's listeners (sockets on any process get every event).
 */
export async function startRedisBridge(ctx: AppContext, url: string): Promise<() => Promise<void>> {
  const { Redis } = await import('ioredis');
  const pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const sub = new Redis(url, { lazyConnect: false });
  await sub.subscribe(REDIS_CHANNEL);
  sub.on('message', (_channel: string, text: string) => {
    let event: KefuEvent;
    try {
      event = JSON.parse(text) as KefuEvent;
    } catch {
      return;
    }
    if (event.origin !== ctx.events.origin) ctx.events.dispatch(event);
  });
  const off = ctx.events.onAny((event) => {
    if (event.origin !== ctx.events.origin) return;
    pub.publish(REDIS_CHANNEL, JSON.stringify(event)).catch((err: unknown) => ctx.log.warn({ err }, 'redis publish failed'));
  });
  return async () => {
    off();
    await Promise.allSettled([sub.quit(), pub.quit()]);
  };
}
