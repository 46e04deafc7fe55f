import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * KPI rollups (docs/ROLLUPS.md): per (shop, day, buyer) inquiry facts, per (shop, day, buyer, agent) facts,
 * paid-order facts with their attribution, per (shop, day, buyer, scenario) counts, and per-shop KPI settings.
 * Every row belongs to one buyer, so a buyer's rows are replaced as a whole when their records change.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const { bigint } = ctx;
  // On SQLite the fact tables are clustered by their key, so a period is one contiguous range read.
  const clustered = <T extends string, C extends string>(b: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> =>
    ctx.dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b;
  await clustered(
    db.schema
      .createTable('kpi_buyer_days')
      .addColumn('shop_id', 'text', (c) => c.notNull())
      .addColumn('day', 'integer', (c) => c.notNull())
      .addColumn('buyer', 'text', (c) => c.notNull())
      // The buyer's previous inquiry day: a row is the buyer's first in [from, to] iff prev_day is null or < from.
      .addColumn('prev_day', 'integer')
      .addColumn('first_at', bigint, (c) => c.notNull())
      .addColumn('first_agent_at', bigint)
      .addColumn('ordered', 'integer', (c) => c.notNull())
      .addColumn('paid', 'integer', (c) => c.notNull())
      .addColumn('replied_day', 'integer', (c) => c.notNull())
      .addColumn('fr_ms', bigint)
      .addColumn('fh_ms', bigint)
      .addColumn('fh_agent', 'text')
      .addColumn('answered', 'integer', (c) => c.notNull())
      .addColumn('turn_ms', bigint, (c) => c.notNull())
      .addColumn('unanswered', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('kpi_buyer_days_pk', ['shop_id', 'day', 'buyer']),
  ).execute();
  await db.schema.createIndex('kpi_buyer_days_buyer').on('kpi_buyer_days').columns(['shop_id', 'buyer']).execute();
  await clustered(
    db.schema
      .createTable('kpi_buyer_day_agents')
      .addColumn('shop_id', 'text', (c) => c.notNull())
      .addColumn('day', 'integer', (c) => c.notNull())
      .addColumn('buyer', 'text', (c) => c.notNull())
      .addColumn('agent', 'text', (c) => c.notNull())
      .addColumn('prev_day', 'integer')
      // First message of this agent to the buyer at or after the day's first inquiry (any later time).
      .addColumn('first_msg_at', bigint)
      // 1 when the agent counts for the buyer's one-day cohort: messaged before the day's end + window, or credited with an order.
      .addColumn('in_day', 'integer', (c) => c.notNull())
      .addColumn('ordered', 'integer', (c) => c.notNull())
      .addColumn('paid', 'integer', (c) => c.notNull())
      .addColumn('answered', 'integer', (c) => c.notNull())
      .addColumn('turn_ms', bigint, (c) => c.notNull())
      .addColumn('fh_n', 'integer', (c) => c.notNull())
      .addColumn('fh_ms', bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('kpi_buyer_day_agents_pk', ['shop_id', 'day', 'buyer', 'agent']),
  ).execute();
  await db.schema.createIndex('kpi_buyer_day_agents_buyer').on('kpi_buyer_day_agents').columns(['shop_id', 'buyer']).execute();
  await db.schema
    .createTable('kpi_orders')
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('buyer', 'text', (c) => c.notNull())
    .addColumn('created_day', 'integer', (c) => c.notNull())
    .addColumn('paid_day', 'integer', (c) => c.notNull())
    .addColumn('cents', bigint, (c) => c.notNull())
    .addColumn('refunded', 'integer', (c) => c.notNull())
    .addColumn('agent', 'text')
    .addColumn('silent', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_orders_pk', ['shop_id', 'order_id'])
    .execute();
  // Covering indexes: the money figures of a period read only these.
  await db.schema.createIndex('kpi_orders_paid').on('kpi_orders').columns(['shop_id', 'paid_day', 'agent', 'buyer', 'cents', 'refunded', 'silent']).execute();
  await db.schema.createIndex('kpi_orders_created').on('kpi_orders').columns(['shop_id', 'created_day', 'agent', 'buyer', 'cents', 'refunded']).execute();
  await db.schema.createIndex('kpi_orders_buyer').on('kpi_orders').columns(['shop_id', 'buyer']).execute();
  await clustered(
    db.schema
      .createTable('kpi_buyer_day_scenarios')
      .addColumn('shop_id', 'text', (c) => c.notNull())
      .addColumn('day', 'integer', (c) => c.notNull())
      .addColumn('buyer', 'text', (c) => c.notNull())
      .addColumn('scenario', 'text', (c) => c.notNull())
      .addColumn('messages', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('kpi_buyer_day_scenarios_pk', ['shop_id', 'day', 'buyer', 'scenario']),
  ).execute();
  await db.schema.createIndex('kpi_buyer_day_scenarios_buyer').on('kpi_buyer_day_scenarios').columns(['shop_id', 'buyer']).execute();
  // Per-day sums of the rows above, kept by delta when a buyer's rows are replaced: a period reads ~1 row a day.
  const sums = ['inq', 'ord', 'pay', 'rep', 'fr_n', 'fr_sum', 'fh_n', 'fh_sum', 'ans', 'turn_sum', 'unans'] as const;
  let days = db.schema.createTable('kpi_days').addColumn('shop_id', 'text', (c) => c.notNull()).addColumn('day', 'integer', (c) => c.notNull());
  for (const col of sums) days = days.addColumn(col, bigint, (c) => c.notNull());
  await clustered(days.addPrimaryKeyConstraint('kpi_days_pk', ['shop_id', 'day'])).execute();
  let agentDays = db.schema
    .createTable('kpi_agent_days')
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull());
  for (const col of ['inq', 'ord', 'pay', 'ans', 'turn_sum', 'fh_n', 'fh_sum']) agentDays = agentDays.addColumn(col, bigint, (c) => c.notNull());
  await clustered(agentDays.addPrimaryKeyConstraint('kpi_agent_days_pk', ['shop_id', 'day', 'agent'])).execute();
  await clustered(
    db.schema
      .createTable('kpi_scenario_days')
      .addColumn('shop_id', 'text', (c) => c.notNull())
      .addColumn('day', 'integer', (c) => c.notNull())
      .addColumn('scenario', 'text', (c) => c.notNull())
      .addColumn('buyer_days', bigint, (c) => c.notNull())
      .addColumn('messages', bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('kpi_scenario_days_pk', ['shop_id', 'day', 'scenario']),
  ).execute();
  // Partial indexes for the few rows a period must correct the day sums with: repeat inquiries and late replies.
  await sql`CREATE INDEX kpi_bd_repeat ON kpi_buyer_days (shop_id, day, prev_day, ordered, paid, replied_day) WHERE prev_day IS NOT NULL`.execute(db);
  await sql`CREATE INDEX kpi_bd_late ON kpi_buyer_days (shop_id, day, first_agent_at, prev_day) WHERE replied_day = 0`.execute(db);
  await sql`CREATE INDEX kpi_bda_repeat ON kpi_buyer_day_agents (shop_id, day, prev_day, agent, in_day, ordered, paid) WHERE prev_day IS NOT NULL`.execute(db);
  await sql`CREATE INDEX kpi_bda_late ON kpi_buyer_day_agents (shop_id, day, first_msg_at, agent, prev_day) WHERE in_day = 0`.execute(db);

  await db.schema
    .createTable('kpi_settings')
    .addColumn('shop_id', 'text', (c) => c.primaryKey().references('shops.id').onDelete('cascade'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // core BusinessHours as JSON; null = open all day.
    .addColumn('business_hours', 'text')
    .addColumn('attribution_window_hours', 'integer', (c) => c.notNull())
    .addColumn('credit_on', 'text', (c) => c.notNull())
    .addColumn('session_gap_hours', 'integer', (c) => c.notNull())
    // Settings the stored rollups were built with; a mismatch means a rebuild is due.
    .addColumn('built_with', 'text')
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
}
