import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/** Orders (from the shop's system, a webhook, a Taobao export or the demo storefront) and their history; the scenario of each buyer message. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const { bigint } = ctx;
  const money = ctx.dialect === 'postgres' ? sql`numeric(12,2)` : sql`real`;
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    // The platform's order number (订单编号); unique per shop so imports and webhooks update, never duplicate.
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('buyer_id', 'text')
    .addColumn('buyer_nick', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('refund_status', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('amount', money, (c) => c.notNull())
    .addColumn('paid_amount', money)
    .addColumn('refund_amount', money)
    .addColumn('item_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('items', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('address', 'text')
    .addColumn('courier', 'text')
    .addColumn('tracking_no', 'text')
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('closes_at', bigint)
    .addColumn('paid_at', bigint)
    .addColumn('shipped_at', bigint)
    .addColumn('delivered_at', bigint)
    .addColumn('completed_at', bigint)
    .addColumn('closed_at', bigint)
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orders_shop_external').on('orders').columns(['shop_id', 'external_id']).unique().execute();
  await db.schema.createIndex('orders_shop_created').on('orders').columns(['shop_id', 'created_at']).execute();
  await db.schema.createIndex('orders_shop_buyer').on('orders').columns(['shop_id', 'buyer_id']).execute();
  await db.schema.createIndex('orders_shop_nick').on('orders').columns(['shop_id', 'buyer_nick']).execute();
  await db.schema
    .createTable('order_events')
    .addColumn('id', ctx.autoId, (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('actor', 'text')
    // Webhook delivery id or import row key: a replay finds it and changes nothing.
    .addColumn('idempotency_key', 'text')
    .addColumn('at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_events_order').on('order_events').columns(['order_id', 'at']).execute();
  await db.schema.createIndex('order_events_idem').on('order_events').columns(['shop_id', 'idempotency_key']).unique().execute();
  await db.schema.alterTable('messages').addColumn('scenario', 'text').execute();
}
