import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Buyers, conversations, messages, attachments, agent groups, presence and per-shop chat settings. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const { bigint } = ctx;
  const blob = ctx.dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('buyers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('anon_id', 'text')
    .addColumn('external_id', 'text')
    .addColumn('nickname', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('last_seen_at', bigint, (c) => c.notNull())
    .addColumn('last_agent_id', 'text')
    .execute();
  await db.schema.createIndex('buyers_shop_anon').on('buyers').columns(['shop_id', 'anon_id']).unique().execute();
  await db.schema.createIndex('buyers_shop_external').on('buyers').columns(['shop_id', 'external_id']).unique().execute();

  await db.schema
    .createTable('agent_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_groups_shop').on('agent_groups').column('shop_id').execute();
  await db.schema
    .createTable('agent_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('agent_groups.id').onDelete('cascade'))
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_group_members_pk', ['group_id', 'agent_id'])
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('buyer_id', 'text', (c) => c.notNull().references('buyers.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assigned_agent_id', 'text')
    .addColumn('group_id', 'text')
    .addColumn('scenario', 'text')
    .addColumn('last_seq', bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_at', bigint)
    .addColumn('waiting_since', bigint)
    .addColumn('queued_at', bigint)
    .addColumn('unread', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('agent_read_seq', bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('buyer_read_seq', bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('session_started_at', bigint)
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addColumn('closed_at', bigint)
    .execute();
  // One conversation per buyer and shop: a new buyer message reopens it, so history and seq stay continuous.
  await db.schema.createIndex('conversations_shop_buyer').on('conversations').columns(['shop_id', 'buyer_id']).unique().execute();
  await db.schema.createIndex('conversations_shop_status').on('conversations').columns(['shop_id', 'status', 'last_message_at']).execute();
  await db.schema.createIndex('conversations_shop_agent').on('conversations').columns(['shop_id', 'assigned_agent_id', 'status']).execute();
  // Agent load (assigned, not closed) is counted across shops.
  await db.schema.createIndex('conversations_agent_status').on('conversations').columns(['assigned_agent_id', 'status']).execute();
  await db.schema.createIndex('conversations_shop_queue').on('conversations').columns(['shop_id', 'status', 'queued_at']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('seq', bigint, (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('payload', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addUniqueConstraint('messages_conv_seq', ['conversation_id', 'seq'])
    .addUniqueConstraint('messages_conv_client', ['conversation_id', 'client_id'])
    .execute();
  await db.schema.createIndex('messages_shop_created').on('messages').columns(['shop_id', 'created_at']).execute();

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id').onDelete('cascade'))
    .addColumn('uploader', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('data', blob, (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_shop').on('attachments').columns(['shop_id', 'created_at']).execute();

  await db.schema
    .createTable('agent_presence')
    .addColumn('agent_id', 'text', (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('max_concurrent', 'integer', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('shop_chat_settings')
    .addColumn('shop_id', 'text', (c) => c.primaryKey().references('shops.id').onDelete('cascade'))
    .addColumn('widget_secret', 'text', (c) => c.notNull())
    .addColumn('auto_reply', 'text', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
}
