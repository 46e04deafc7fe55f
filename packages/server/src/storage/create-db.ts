import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider, type MigrationContext } from './migrations/index.js';
import type { Database } from './schema.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { type CommitSync, passThroughCommitSync, sqliteCommitSync } from './commit-sync.js';
import { FastSqliteDialect } from './sqlite-dialect.js';

export type Dialect = 'sqlite' | 'postgres';

export interface StorageOptions {
  /** SQLite file path (default engine); ':memory:' for a throwaway database. */
  sqlitePath?: string;
  /** PostgreSQL connection URL; when set, PostgreSQL is used. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (created if missing); tests give each run its own. */
  pgSchema?: string;
  /** Pool size for PostgreSQL. */
  pgPoolSize?: number;
  /** SQLite file: checkpoint the WAL from a worker thread instead of inside commits on the event loop (the server). */
  backgroundCheckpoints?: boolean;
}

export interface Storage {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Applies pending migrations (up to and including `upTo`, when given: migration tests); returns the names applied. */
  migrate(upTo?: string): Promise<string[]>;
  /** Cheap round trip used by /readyz. */
  ping(): Promise<void>;
  /** Durable commits whose disk sync runs off the event loop (hot write paths: messages); see commit-sync.ts. */
  commits: CommitSync;
  /** SQLite with `backgroundCheckpoints`: the worker that checkpoints the WAL. */
  checkpointer?: Checkpointer | null;
  /** The SQLite database file (other threads open it to read; WAL readers never wait for the writer); null otherwise. */
  sqliteFile?: string | null;
  close(): Promise<void>;
}

// int8 (bigint) columns hold epoch milliseconds, which fit exactly in a double.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric columns hold money with 2 decimals.
pg.types.setTypeParser(1700, (v) => Number(v));

/** Opens the database the options name and returns it with its migrator. */
export async function createStorage(opts: StorageOptions): Promise<Storage> {
  if (opts.databaseUrl) return createPostgres(opts.databaseUrl, opts);
  return createSqlite(opts.sqlitePath ?? ':memory:', opts.backgroundCheckpoints ?? false);
}

function createSqlite(path: string, backgroundCheckpoints: boolean): Storage {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new SQLite(path);
  raw.pragma('journal_mode = WAL');
  // FULL makes each commit durable in WAL mode (NORMAL may lose the last commits on power loss).
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // 64 MiB page cache (default 2 MiB): the hot conversation and message pages stay in memory.
  raw.pragma('cache_size = -65536');
  // Checkpoint every ~40 MiB of WAL (default ~4 MiB): hot pages written by many commits are copied back once, not each time.
  raw.pragma('wal_autocheckpoint = 10000');
  // Statement journals in memory. A multi-row UPDATE/INSERT that could fail halfway keeps a statement journal of the
  // pages it changes; SQLite holds it in memory only up to 64 KiB, and a message batch of 9 touches ~18 pages (72 KiB),
  // so each batch statement created, wrote and deleted a temp file. Measured (raw better-sqlite3, the writer's
  // statements, batches of 9 buyer messages, synchronous=NORMAL): 1,190 → 920 µs CPU per batch, system time 580 → 380 µs;
  // `npm run bench -- writer`, 9 senders in flight: 116–121 → 90–98 µs of event-loop CPU per message.
  // The cost: this connection's large sorts stay in memory too (200,000 messages ordered on an unindexed key: +53 MB
  // instead of +28 MB); the report scans run on their own connections (RollupOffload), which keep temp files.
  raw.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new FastSqliteDialect(raw) });
  const ctx: MigrationContext = { dialect: 'sqlite', bigint: 'integer', autoId: 'integer' };
  const commits = path === ':memory:' ? passThroughCommitSync(db) : sqliteCommitSync(db, `${path}-wal`);
  // What the worker's checkpoint leaves under steady load, the writer's connection copies between its transactions
  // (through the dialect's lock, never inside a message batch).
  const finish = () => sql`PRAGMA wal_checkpoint(PASSIVE)`.execute(db);
  const checkpointer = backgroundCheckpoints && path !== ':memory:' ? startCheckpointer(raw, path, { finish }) : null;
  return {
    db,
    dialect: 'sqlite',
    migrate: (upTo) => runMigrations(db, ctx, undefined, upTo),
    async ping() {
      await sql`select 1`.execute(db);
    },
    commits,
    checkpointer,
    sqliteFile: path === ':memory:' ? null : path,
    async close() {
      await checkpointer?.close();
      commits.close();
      await db.destroy();
    },
  };
}

async function createPostgres(url: string, opts: StorageOptions): Promise<Storage> {
  const schema = opts.pgSchema;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.pgPoolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const ctx: MigrationContext = { dialect: 'postgres', bigint: 'bigint', autoId: 'bigserial' };
  return {
    db,
    dialect: 'postgres',
    migrate: (upTo) => runMigrations(db, ctx, schema, upTo),
    async ping() {
      await sql`select 1`.execute(db);
    },
    commits: passThroughCommitSync(db),
    close: () => db.destroy(),
  };
}

async function runMigrations(db: Kysely<Database>, ctx: MigrationContext, schema?: string, upTo?: string): Promise<string[]> {
  // Kysely looks for its bookkeeping tables across all schemas; pin them to ours so parallel runs in other schemas don't confuse it.
  const migrator = new Migrator({ db, provider: migrationProvider(ctx), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = upTo ? await migrator.migrateTo(upTo) : await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Drops a PostgreSQL schema made for a test run. */
export async function dropPgSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
