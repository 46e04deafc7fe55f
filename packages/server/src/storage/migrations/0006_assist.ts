import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Quick-reply library, FAQ, product files, suggestion statistics, reply usage, auto-answer settings, per-shop classifier models and examples. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const { bigint } = ctx;
  await db.schema
    .createTable('quick_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('scenario', 'text', (c) => c.notNull())
    // Custom category label inside the scenario (e.g. 老客户), '' for none.
    .addColumn('category', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('shortcut', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    // { imageUrl?, productSku? } as JSON, or null.
    .addColumn('card', 'text')
    // null = shared by the shop; else the agent's personal reply.
    .addColumn('owner_agent_id', 'text')
    .addColumn('safe_for_auto', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quick_replies_shop').on('quick_replies').columns(['shop_id', 'scenario', 'position']).execute();
  await db.schema
    .createTable('faq_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scenario', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('product_sku', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('faq_entries_shop').on('faq_entries').columns(['shop_id', 'kind']).execute();
  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price', 'real', (c) => c.notNull())
    // The rest of the product file (category, colours, sizes, stock, material, size chart, selling points, cautions …) as JSON.
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addUniqueConstraint('products_shop_sku', ['shop_id', 'sku'])
    .execute();
  await db.schema
    .createTable('suggestion_stats')
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('shown', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('picked', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('suggestion_stats_pk', ['shop_id', 'item_id'])
    .execute();
  await db.schema
    .createTable('reply_usage')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('reply_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reply_usage_shop_reply').on('reply_usage').columns(['shop_id', 'reply_id']).execute();
  await db.schema
    .createTable('shop_assist_settings')
    .addColumn('shop_id', 'text', (c) => c.primaryKey().references('shops.id').onDelete('cascade'))
    .addColumn('auto_answer', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('min_confidence', 'real')
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('classifier_models')
    .addColumn('shop_id', 'text', (c) => c.primaryKey().references('shops.id').onDelete('cascade'))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('examples', 'integer', (c) => c.notNull())
    .addColumn('trained_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('shop_classifier_examples')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('scenario', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shop_classifier_examples_shop').on('shop_classifier_examples').columns(['shop_id']).execute();
}
