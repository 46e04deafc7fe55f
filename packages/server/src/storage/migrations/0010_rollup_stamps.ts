import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * A stamp per (shop, buyer) whose rollup rows were written by a live refresh (docs/ROLLUPS.md): each write of a buyer's
 * rows puts a new random stamp, a rebuild deletes them. A process that cached the rows it wrote under a stamp may trust
 * the cache while the stamp is unchanged, instead of reading the rows back.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const clustered = <T extends string, C extends string>(b: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> =>
    ctx.dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b;
  await clustered(
    db.schema
      .createTable('kpi_buyer_stamps')
      .addColumn('shop_id', 'text', (c) => c.notNull())
      .addColumn('buyer', 'text', (c) => c.notNull())
      .addColumn('stamp', ctx.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('kpi_buyer_stamps_pk', ['shop_id', 'buyer']),
  ).execute();
}
