import { sql } from 'kysely';
import type { AppContext } from '../app-context.js';
import { DEFAULT_AUTO_REPLY } from '../modules/autoreply/autoreply.defaults.js';

const MAX_SLEEP_MS = 60_000;
const MIN_SLEEP_MS = 1_000;
/** The time the conversation list orders by (migration 0012). */
const LIST_AT = sql<number>`coalesce(last_message_at, created_at)`;

/**
 * Closes assigned conversations idle for longer than their shop's `autoCloseMinutes`. Everything is
 * read from the database, so a restart loses no timer; the close is a conditional update, so several
 * processes may run it at once. Returns how many it closed and when the next one falls due.
 */
export async function runAutoClose(ctx: AppContext, now: number): Promise<{ closed: number; nextDueAt: number | null }> {
  const db = ctx.storage.db;
  const byShop = await ctx.chat.settings.autoCloseMinutesByShop();
  const shops = await db.selectFrom('shops').select('id').execute();
  let closed = 0;
  let nextDueAt: number | null = null;
  for (const { id: shopId } of shops) {
    const minutes = byShop.get(shopId) ?? DEFAULT_AUTO_REPLY.autoCloseMinutes;
    if (minutes <= 0) continue;
    const idleMs = minutes * 60_000;
    // Only conversations that have had a message. No index holds the assigned conversations by their last activity
    // (every message would move it, migration 0014): both queries read the shop's assigned conversations through
    // (shop, status, …) — 1.5 ms for the two with 10,000 of them, at most once a second.
    const due = await db
      .selectFrom('conversations')
      .select('id')
      .where('shop_id', '=', shopId)
      .where('status', '=', 'assigned')
      .where(LIST_AT, '<', now - idleMs)
      .where('last_message_at', 'is not', null)
      .limit(500)
      .execute();
    for (const c of due) if (await ctx.chat.conversations.autoClose(shopId, c.id, now - idleMs)) closed++;
    const oldest = await db
      .selectFrom('conversations')
      .select((eb) => eb.fn.min(LIST_AT).as('at'))
      .where('shop_id', '=', shopId)
      .where('status', '=', 'assigned')
      .where('last_message_at', 'is not', null)
      .executeTakeFirst();
    if (oldest?.at !== null && oldest?.at !== undefined) {
      const at = Number(oldest.at) + idleMs;
      nextDueAt = nextDueAt === null ? at : Math.min(nextDueAt, at);
    }
  }
  return { closed, nextDueAt };
}

/** Runs the sweep now and again when the next conversation falls due (at most a minute apart). */
export function startAutoCloseJob(ctx: AppContext): () => void {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const tick = async () => {
    let sleep = MAX_SLEEP_MS;
    try {
      const now = Date.now();
      const r = await runAutoClose(ctx, now);
      if (r.nextDueAt !== null) sleep = Math.max(MIN_SLEEP_MS, Math.min(MAX_SLEEP_MS, r.nextDueAt - now + 50));
    } catch (err) {
      ctx.log.warn({ err }, 'auto-close sweep failed');
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), sleep);
      timer.unref();
    }
  };
  timer = setTimeout(() => void tick(), MIN_SLEEP_MS);
  timer.unref();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
