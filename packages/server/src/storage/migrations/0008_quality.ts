import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Reply coach settings per shop, coach/guard verdicts per message, and conversation quality reviews (质检). */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const { bigint } = ctx;
  await db.schema
    .createTable('shop_coach_settings')
    .addColumn('shop_id', 'text', (c) => c.primaryKey().references('shops.id').onDelete('cascade'))
    // CoachRulesOverride JSON (validated with validateCoachRulesOverride).
    .addColumn('rules_override', 'text', (c) => c.notNull().defaultTo('{}'))
    // Flag ids that block sending, JSON list; off_platform_contact always blocks whatever is stored.
    .addColumn('blocking', 'text', (c) => c.notNull().defaultTo('[]'))
    // ConcessionLadder JSON, null = default ladder.
    .addColumn('ladder', 'text')
    // Quality targets: { firstResponseSec, responseSec } JSON, null = defaults.
    .addColumn('targets', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('message_flags')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    // 'coach' (agent message: lint flags) or 'guard' (buyer message: guard verdict).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('flags', 'text', (c) => c.notNull())
    // Guard level (safe/caution/danger) or the number of coach flags, for cheap filtering.
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_flags_conv').on('message_flags').columns(['conversation_id', 'created_at']).execute();
  await db.schema
    .createTable('conversation_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    // One review per session of a conversation (a buyer may come back and reopen it).
    .addColumn('session_started_at', bigint, (c) => c.notNull())
    .addColumn('closed_at', bigint, (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('auto_score', 'integer', (c) => c.notNull())
    .addColumn('auto_breakdown', 'text', (c) => c.notNull())
    .addColumn('manual_score', 'integer')
    .addColumn('comment', 'text')
    .addColumn('reviewer_id', 'text')
    .addColumn('sampled_at', bigint)
    .addColumn('reviewed_at', bigint)
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addUniqueConstraint('conversation_reviews_session', ['conversation_id', 'session_started_at'])
    .execute();
  await db.schema.createIndex('conversation_reviews_shop').on('conversation_reviews').columns(['shop_id', 'closed_at']).execute();
  await db.schema.createIndex('conversation_reviews_agent').on('conversation_reviews').columns(['shop_id', 'agent_id', 'closed_at']).execute();
}
