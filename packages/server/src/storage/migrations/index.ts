import type { Kysely, Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_conversations.js';
import * as m0003 from './0003_commerce.js';
import * as m0004 from './0004_scheduler.js';
import * as m0005 from './0005_buyers_urging.js';
import * as m0006 from './0006_assist.js';
import * as m0007 from './0007_rollups.js';
import * as m0008 from './0008_quality.js';
import * as m0009 from './0009_rollups_money.js';
import * as m0010 from './0010_rollup_stamps.js';
import * as m0011 from './0011_urge_reminders.js';
import * as m0012 from './0012_conversation_list_order.js';
import * as m0013 from './0013_orders_buyer_latest.js';
import * as m0014 from './0014_conversation_closed_list.js';
import * as m0015 from './0015_messages_client_order.js';

/** Dialect facts a migration needs to emit the same schema on SQLite and PostgreSQL. */
export interface MigrationContext {
  dialect: 'sqlite' | 'postgres';
  /** Column type for epoch-millisecond times and counters. */
  bigint: 'bigint' | 'integer';
  /** Column type for an auto-incrementing integer primary key. */
  autoId: 'integer' | 'bigserial';
}

type MigrationModule = { up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> };

/** The one ordered migration set, run on both engines. Append only; never edit a landed migration. */
export const MIGRATIONS: ReadonlyArray<readonly [string, MigrationModule]> = [
  ['0001_foundation', m0001],
  ['0002_conversations', m0002],
  ['0003_commerce', m0003],
  ['0004_scheduler', m0004],
  ['0005_buyers_urging', m0005],
  ['0006_assist', m0006],
  ['0007_rollups', m0007],
  ['0008_quality', m0008],
  ['0009_rollups_money', m0009],
  ['0010_rollup_stamps', m0010],
  ['0011_urge_reminders', m0011],
  ['0012_conversation_list_order', m0012],
  ['0013_orders_buyer_latest', m0013],
  ['0014_conversation_closed_list', m0014],
  ['0015_messages_client_order', m0015],
];

export function migrationProvider(ctx: MigrationContext): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, mod] of MIGRATIONS) out[name] = { up: (db) => mod.up(db, ctx) };
      return out;
    },
  };
}
