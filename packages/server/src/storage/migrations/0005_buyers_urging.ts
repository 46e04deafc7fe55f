import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Buyer profiles, commerce settings (urging, VIP thresholds, webhook secret), reminder plans, script statistics, SMS outbox, order imports. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const { bigint } = ctx;
  await db.schema
    .createTable('buyer_profiles')
    .addColumn('buyer_id', 'text', (c) => c.primaryKey().references('buyers.id').onDelete('cascade'))
    .addColumn('shop_id', 'text', (c) => c.notNull())
    // A manual group (咨询/买家/VIP) wins over the one derived from orders until removed.
    .addColumn('group_override', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    // core ProfileEstimate (estimated traits and manual edits) as JSON.
    .addColumn('profile', 'text')
    .addColumn('phone', 'text')
    .addColumn('real_name', 'text')
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('buyer_profiles_shop').on('buyer_profiles').columns(['shop_id']).execute();
  await db.schema
    .createTable('shop_commerce_settings')
    .addColumn('shop_id', 'text', (c) => c.primaryKey().references('shops.id').onDelete('cascade'))
    .addColumn('urging', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('groups', 'text', (c) => c.notNull().defaultTo('{}'))
    // HMAC-SHA256 key the shop's system signs order webhooks with.
    .addColumn('webhook_secret', 'text', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('urge_plans')
    .addColumn('order_id', 'text', (c) => c.primaryKey().references('orders.id').onDelete('cascade'))
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('next_due_at', bigint)
    // Compare-and-set: a write applies only on the version it read, so a reminder is never recorded twice.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('urge_plans_shop_status').on('urge_plans').columns(['shop_id', 'status']).execute();
  await db.schema
    .createTable('urge_script_stats')
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('script_id', 'text', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outcomes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('paid', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('urge_script_stats_pk', ['shop_id', 'script_id', 'step'])
    .execute();
  await db.schema
    .createTable('sms_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    // pending → sent (a provider accepted it) | recorded (no provider: kept here as what would be sent) | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('sent_at', bigint)
    .execute();
  await db.schema.createIndex('sms_outbox_idem').on('sms_outbox').columns(['shop_id', 'idempotency_key']).unique().execute();
  await db.schema
    .createTable('order_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    // [{line, reason}] of the lines not imported.
    .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('actor', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('finished_at', bigint)
    .execute();
  await db.schema.createIndex('order_imports_shop').on('order_imports').columns(['shop_id', 'created_at']).execute();
}
