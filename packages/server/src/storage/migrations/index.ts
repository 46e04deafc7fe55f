import type { Kysely, Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.js';

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
export const MIGRATIONS: ReadonlyArray<readonly [string, MigrationModule]> = [['0001_foundation', m0001]];

export function migrationProvider(ctx: MigrationContext): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, mod] of MIGRATIONS) out[name] = { up: (db) => mod.up(db, ctx) };
      return out;
    },
  };
}
