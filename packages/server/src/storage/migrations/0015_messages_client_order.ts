import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * The retry guard of the message path — a clientId is stored once per conversation — was the unique index
 * `(conversation_id, client_id)`. Keyed by conversation first, every message inserted an entry into the leaf of its own
 * conversation: one more page of the B-tree, and now and then a split, written to the log at every commit, beside the
 * leaf of `(conversation_id, seq)` (which resume reads need in that order) and the conversation's row. Measured with raw
 * better-sqlite3 on this schema (10,000 conversations with 20 messages each, the writer's statements, transactions of
 * 7 messages): 9.8 log pages per transaction for that index alone, of 32 in all.
 *
 * The same uniqueness keyed by client id first puts a new entry where its clientId sorts. The clients Kefu ships
 * (widget, workbench) and the server's own senders make clientIds that begin with their creation time
 * (docs/REALTIME.md §Client ids), so new entries land at the right edge of the index, and a transaction's messages share
 * its last page or two: 25 pages per transaction instead of 32 in the same measurement. A client with random ids stays
 * correct, it only costs what it did before. The writer's look-up of retried ids reads the index in its new order.
 *
 * SQLite cannot drop a table constraint, so the table is rebuilt from its own definition with the one constraint
 * changed (every column and index kept; nothing references `messages`, so no foreign key moves), in one transaction.
 * PostgreSQL swaps the constraint.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') {
    await sql`ALTER TABLE messages DROP CONSTRAINT messages_conv_client`.execute(db);
    await sql`ALTER TABLE messages ADD CONSTRAINT messages_client_conv UNIQUE (client_id, conversation_id)`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    const table = await sql<{ sql: string }>`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'messages'`.execute(trx);
    const ddl = table.rows[0]?.sql ?? '';
    const before = 'constraint "messages_conv_client" unique ("conversation_id", "client_id")';
    if (!ddl.startsWith('CREATE TABLE "messages" (') || !ddl.includes(before)) throw new Error(`0015: unexpected messages table: ${ddl}`);
    const indexes = await sql<{ sql: string }>`SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL`.execute(trx);
    const rebuilt = ddl
      .replace('CREATE TABLE "messages" (', 'CREATE TABLE "messages_0015" (')
      .replace(before, 'constraint "messages_client_conv" unique ("client_id", "conversation_id")');
    await sql.raw(rebuilt).execute(trx);
    // Same definition, same column order: rows copy as they are, in their insertion order.
    await sql`INSERT INTO messages_0015 SELECT * FROM messages ORDER BY rowid`.execute(trx);
    await sql`DROP TABLE messages`.execute(trx);
    await sql`ALTER TABLE messages_0015 RENAME TO messages`.execute(trx);
    for (const i of indexes.rows) await sql.raw(i.sql).execute(trx);
  });
}
