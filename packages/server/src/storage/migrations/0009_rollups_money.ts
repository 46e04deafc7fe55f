import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Money rollups (docs/ROLLUPS.md): per (shop, credit mode, day) sums of orders, cents, refunds and distinct
 * paying / silent buyers of the day, the same per agent, and the rows that correct the distinct counts of a
 * period (a buyer's credited day whose previous credited day in the same category is known).
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const { bigint } = ctx;
  const clustered = <T extends string, C extends string>(b: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> =>
    ctx.dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b;
  let days = db.schema
    .createTable('kpi_money_days')
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('credit', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull());
  for (const col of ['svc_cents', 'svc_n', 'svc_ref', 'svc_cust', 'all_cents', 'all_n', 'all_ref', 'all_cust', 'silent']) days = days.addColumn(col, bigint, (c) => c.notNull());
  await clustered(days.addPrimaryKeyConstraint('kpi_money_days_pk', ['shop_id', 'credit', 'day'])).execute();
  let agents = db.schema
    .createTable('kpi_money_agent_days')
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('credit', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull());
  for (const col of ['cents', 'n', 'ref', 'cust']) agents = agents.addColumn(col, bigint, (c) => c.notNull());
  await clustered(agents.addPrimaryKeyConstraint('kpi_money_agent_days_pk', ['shop_id', 'credit', 'day', 'agent'])).execute();
  await clustered(
    db.schema
      .createTable('kpi_money_repeats')
      .addColumn('shop_id', 'text', (c) => c.notNull())
      .addColumn('credit', 'text', (c) => c.notNull())
      .addColumn('day', 'integer', (c) => c.notNull())
      // 'svc' (attributed orders), 'all', 'silent' or 'agent' (then `agent` is set, else '').
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('agent', 'text', (c) => c.notNull())
      .addColumn('buyer', 'text', (c) => c.notNull())
      .addColumn('prev_day', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('kpi_money_repeats_pk', ['shop_id', 'credit', 'day', 'kind', 'agent', 'buyer']),
  ).execute();
  // Repeat rows summed per (previous day, day): a period's corrections are the pairs with prev_day in it,
  // a few hundred rows whatever the number of buyers (replaces the per-buyer partial indexes of 0007).
  const pairs = async (table: string, keys: string[], cols: string[]): Promise<void> => {
    let t: CreateTableBuilder<string, string> = db.schema.createTable(table).addColumn('shop_id', 'text', (c) => c.notNull());
    for (const k of keys) t = t.addColumn(k, k === 'prev_day' || k === 'day' ? 'integer' : 'text', (c) => c.notNull());
    for (const col of cols) t = t.addColumn(col, bigint, (c) => c.notNull());
    await clustered(t.addPrimaryKeyConstraint(`${table}_pk`, ['shop_id', ...keys])).execute();
  };
  await pairs('kpi_repeat_days', ['prev_day', 'day'], ['n', 'ord', 'pay', 'rep']);
  await pairs('kpi_agent_repeat_days', ['prev_day', 'day', 'agent'], ['inq', 'ord', 'pay']);
  await pairs('kpi_money_repeat_days', ['credit', 'prev_day', 'day', 'kind', 'agent'], ['n']);
  await sql`INSERT INTO kpi_repeat_days (shop_id, prev_day, day, n, ord, pay, rep)
    SELECT shop_id, prev_day, day, COUNT(*), SUM(ordered), SUM(paid), SUM(replied_day) FROM kpi_buyer_days WHERE prev_day IS NOT NULL GROUP BY shop_id, prev_day, day`.execute(db);
  await sql`INSERT INTO kpi_agent_repeat_days (shop_id, prev_day, day, agent, inq, ord, pay)
    SELECT shop_id, prev_day, day, agent, SUM(in_day), SUM(ordered), SUM(paid) FROM kpi_buyer_day_agents WHERE prev_day IS NOT NULL GROUP BY shop_id, prev_day, day, agent`.execute(db);
  await sql`DROP INDEX kpi_bd_repeat`.execute(db);
  await sql`DROP INDEX kpi_bda_repeat`.execute(db);
  await db.schema.createIndex('kpi_money_repeats_buyer').on('kpi_money_repeats').columns(['shop_id', 'buyer']).execute();
  // Rollups built before this migration lack the money sums: mark them stale so the settings show a rebuild is due.
  await sql`UPDATE kpi_settings SET built_with = 'before-0009' WHERE built_with IS NOT NULL`.execute(db);
}
