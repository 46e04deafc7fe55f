import { type Kysely, sql } from 'kysely';

/**
 * The agents' conversation list is ordered by `coalesce(last_message_at, created_at)` (newest first, then id). No index
 * served that order: a page of a shop's closed conversations scanned and sorted all of them — 103–112 ms with 200,000
 * conversations, on SQLite synchronously on the event loop, each time a page opened. This index is that order after
 * (shop, status); it replaces (shop_id, status, last_message_at), which every message moved the same way, so a message
 * still moves one status index. The auto-close sweep reads it with the same expression (jobs/auto-close.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('conversations_shop_status').execute();
  await sql`CREATE INDEX conversations_shop_status_at ON conversations (shop_id, status, (coalesce(last_message_at, created_at)), id)`.execute(db);
}
