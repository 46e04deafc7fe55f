import { closeSync, fdatasync, fstatSync, openSync } from 'node:fs';
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database } from './schema.js';

/**
 * Durable commits that do not hold the event loop while the disk syncs.
 *
 * SQLite (WAL mode) with `synchronous = FULL` fsyncs the log inside COMMIT, on the thread that commits — with
 * better-sqlite3 that is the event loop, blocked for the whole fsync (0.3–0.7 ms on a quiet SSD, far more on a busy
 * or networked disk), for every batch of messages. Here the batch commits with `synchronous = NORMAL` (frames written
 * to the log, not yet synced) and `durable()` then runs `fdatasync` on the log in libuv's thread pool. Whoever
 * acknowledges a write waits for `durable()`, so an ack still means "on disk" exactly as with FULL, while the event
 * loop reads and writes the next batch meanwhile. Syncs are grouped: a call made while a sync runs waits for the
 * next one, which covers every commit made until it starts (the log is one sequential file).
 *
 * PostgreSQL and in-memory SQLite commit as usual (PostgreSQL's commit is already asynchronous to us) and
 * `durable()` resolves at once.
 */
export interface CommitSync {
  /** A transaction whose commit is written but not yet synced: call `durable()` after it and before acknowledging. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Resolves once every commit made before the call is on disk. */
  durable(): Promise<void>;
  /** Closes the file handle (storage shutdown). */
  close(): void;
}

export function passThroughCommitSync(db: Kysely<Database>): CommitSync {
  return {
    transaction: (fn) => db.transaction().execute(fn),
    durable: () => Promise.resolve(),
    close() {},
  };
}

/**
 * `walPath` is the database file's path + `-wal`; `level` the connection's usual `synchronous` (2 = FULL);
 * `syncFile` the sync call (tests count and slow it).
 */
export function sqliteCommitSync(
  db: Kysely<Database>,
  walPath: string,
  level = 2,
  syncFile: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void = fdatasync,
): CommitSync {
  let fd: number | null = null;
  let inflight: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  const open = (): number => {
    fd ??= openSync(walPath, 'r');
    return fd;
  };
  const syncOnce = (): Promise<void> => {
    const p = new Promise<void>((resolve, reject) => {
      let handle: number;
      try {
        handle = open();
        // A log removed and made anew (journal mode switched, last connection closed) would leave us syncing a dead
        // file: check it is still linked, reopen if not. `fstat` reads the inode in memory (no disk access): done
        // here, it spares the sync a second trip through libuv's thread pool.
        if (fstatSync(handle).nlink === 0) {
          try {
            closeSync(handle);
          } catch {
            // already gone
          }
          fd = null;
          handle = open();
        }
      } catch (err) {
        return reject(err as Error);
      }
      syncFile(handle, (e) => (e ? reject(e) : resolve()));
    });
    inflight = p;
    const clear = () => {
      if (inflight === p) inflight = null;
    };
    p.then(clear, clear);
    return p;
  };

  return {
    transaction(fn) {
      // The connection is held from the first PRAGMA to the last, so no other commit runs with the relaxed setting.
      return db.connection().execute(async (conn) => {
        await sql`PRAGMA synchronous = NORMAL`.execute(conn);
        try {
          return await conn.transaction().execute(fn);
        } finally {
          await sql.raw(`PRAGMA synchronous = ${level}`).execute(conn);
        }
      });
    },
    durable() {
      if (!inflight) return syncOnce();
      // A sync already running may have started before our commit: wait for the next one (shared by every caller
      // that arrives meanwhile).
      queued ??= inflight
        .catch(() => {})
        .then(() => {
          queued = null;
          return syncOnce();
        });
      return queued;
    },
    close() {
      if (fd !== null) {
        try {
          closeSync(fd);
        } catch {
          // ignore
        }
        fd = null;
      }
    },
  };
}
