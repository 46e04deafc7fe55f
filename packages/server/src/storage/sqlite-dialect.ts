import type SQLite from 'better-sqlite3';
import { type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, SelectQueryNode, SqliteDialect, SqliteDriver } from 'kysely';

const MAX_STATEMENTS = 500;
const DDL = /^\s*(create|alter|drop|vacuum|reindex|analyze)\b/i;

/** One better-sqlite3 connection that reuses prepared statements (LRU by SQL text): preparing costs more than running a point query. */
export class CachedSqliteConnection implements DatabaseConnection {
  private readonly stmts = new Map<string, SQLite.Statement>();

  constructor(private readonly db: SQLite.Database) {}

  private prepare(text: string): SQLite.Statement {
    let stmt = this.stmts.get(text);
    if (stmt) {
      this.stmts.delete(text);
      this.stmts.set(text, stmt);
      return stmt;
    }
    stmt = this.db.prepare(text);
    // Schema changes make cached column lists stale: drop the cache and don't keep DDL.
    if (DDL.test(text)) {
      this.stmts.clear();
      return stmt;
    }
    this.stmts.set(text, stmt);
    if (this.stmts.size > MAX_STATEMENTS) this.stmts.delete(this.stmts.keys().next().value as string);
    return stmt;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const stmt = this.prepare(sql);
    if (stmt.reader) return Promise.resolve({ rows: stmt.all(parameters) as R[] });
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return Promise.resolve({
      numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
      insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
      rows: [],
    });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { sql, parameters, query } = compiledQuery;
    if (!SelectQueryNode.is(query)) throw new Error('Sqlite driver only supports streaming of select queries');
    // A statement being iterated is busy: streams get their own.
    for (const row of this.db.prepare(sql).iterate(parameters)) yield { rows: [row as R] };
  }
}

/** Hands the single connection to waiters one at a time, in arrival order (O(1) per hand-over). */
class FifoMutex {
  private locked = false;
  private readonly waiters: Array<() => void> = [];
  private head = 0;

  lock(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  unlock(): void {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head]!;
      this.waiters[this.head++] = undefined as unknown as () => void;
      // Drop the handed-over slots once they are most of the array (amortised O(1) per hand-over).
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else {
      this.waiters.length = 0;
      this.head = 0;
      this.locked = false;
    }
  }
}

/**
 * Kysely's SQLite driver with a FIFO connection mutex (its own wakes every waiter on each release,
 * quadratic when many queries queue up) and a prepared-statement cache.
 */
class FastSqliteDriver extends SqliteDriver implements Driver {
  private readonly mutex = new FifoMutex();
  private readonly conn: CachedSqliteConnection;

  constructor(db: SQLite.Database) {
    super({ database: db });
    this.conn = new CachedSqliteConnection(db);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.conn;
  }

  override async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }
}

/** SqliteDialect on the driver above. */
export class FastSqliteDialect extends SqliteDialect {
  constructor(private readonly raw: SQLite.Database) {
    super({ database: raw });
  }

  override createDriver(): Driver {
    return new FastSqliteDriver(this.raw);
  }
}
