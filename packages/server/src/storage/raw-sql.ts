import { CompiledQuery, type Kysely, SqliteAdapter, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/** A database handle or a transaction on it. */
export type Db = Kysely<Database> | Transaction<Database>;

export const isSqlite = (db: Db): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

const pgTexts = new Map<string, string>();
const texts = new Map<string, string>();

/**
 * Statement text built once per `key` (include the row count: lists cut by `pieces` or padded to powers of two come in
 * few sizes, so the texts repeat and stay prepared in the connection's statement cache). Bounded: past 2,000 texts the
 * memo starts over. Keys are global: prefix them with the module.
 */
export function sqlText(key: string, make: () => string): string {
  let text = texts.get(key);
  if (text === undefined) {
    text = make();
    if (texts.size >= 2000) texts.clear();
    texts.set(key, text);
  }
  return text;
}

/** `?, ?, …`: `n` placeholders. */
export const marks = (n: number): string => sqlText(`marks:${n}`, () => Array.from({ length: n }, () => '?').join(', '));

/** `(?, ?, …), (…)`: `rows` tuples of `width` placeholders. */
export const tuples = (rows: number, width: number): string => sqlText(`tuples:${rows}x${width}`, () => Array.from({ length: rows }, () => `(${marks(width)})`).join(', '));

/**
 * SQL text written with `?` placeholders (and no other `?`) as a query for `db`, run as it is without the query
 * builder: `$1, $2 …` on PostgreSQL, converted once per text. For hot statements whose building and compiling through
 * the builder cost more than the database takes to run them (message writes, rollup refreshes, scenario writes).
 */
export function rawQuery(db: Db, text: string, params: readonly unknown[]): CompiledQuery {
  let q = text;
  if (!isSqlite(db)) {
    q = pgTexts.get(text) ?? '';
    if (!q) {
      let n = 0;
      q = text.replace(/\?/g, () => `$${++n}`);
      if (pgTexts.size > 2000) pgTexts.clear();
      pgTexts.set(text, q);
    }
  }
  return CompiledQuery.raw(q, params as unknown[]);
}

/**
 * [start, length] pieces of `n` rows: powers of two, each at most `max` rows. Statements over lists cut this way come
 * in few sizes, so their texts repeat and stay prepared in the connection's statement cache.
 */
export function pieces(n: number, max: number): Array<[number, number]> {
  const top = 2 ** Math.floor(Math.log2(Math.max(1, max)));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; ) {
    const len = Math.min(top, 2 ** Math.floor(Math.log2(n - i)));
    out.push([i, len]);
    i += len;
  }
  return out;
}
