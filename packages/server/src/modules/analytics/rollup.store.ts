import { randomInt } from 'node:crypto';
import { isValidTimeZone, type BusinessHours } from '@kefu/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { type Db, isSqlite, marks, pieces, rawQuery, tuples } from '../../storage/raw-sql.js';
import type { Database } from '../../storage/schema.js';
import { remember } from '../../storage/lru.js';
import {
  buildFacts,
  DEFAULT_ROLLUP_SETTINGS,
  MONEY_AGENT_SUMS,
  MONEY_DAY_SUMS,
  moneySums,
  rawOrderOf,
  type RawMessage,
  type RawOrder,
  type RollupFacts,
  type RollupSettings,
} from './rollup-facts.js';

/**
 * Runs SQL text with `?` placeholders as it is, without the query builder (`rawQuery`): a refresh runs a dozen
 * statements per 100 buyers, and building and compiling their value lists cost more than SQLite takes to run them.
 */
async function run<R = Record<string, unknown>>(db: Db, text: string, params: readonly unknown[]): Promise<R[]> {
  return (await db.executeQuery<R>(rawQuery(db, text, params))).rows;
}
/**
 * Statement texts repeat (and stay prepared in the connection's cache) when lists come in few sizes: IN lists are
 * padded to a power of two with their last value, and multi-row INSERTs are cut into power-of-two pieces.
 */
function padded<T>(xs: readonly T[]): T[] {
  const n = 2 ** Math.ceil(Math.log2(Math.max(1, xs.length)));
  const out = [...xs];
  while (out.length < n) out.push(xs[xs.length - 1]!);
  return out;
}
const q = (id: string): string => `"${id}"`;

const ROLLUP_TABLES = ['kpi_buyer_days', 'kpi_buyer_day_agents', 'kpi_orders', 'kpi_buyer_day_scenarios', 'kpi_money_repeats'] as const;
const SUM_TABLES = [
  'kpi_days', 'kpi_agent_days', 'kpi_scenario_days', 'kpi_money_days', 'kpi_money_agent_days', 'kpi_repeat_days', 'kpi_agent_repeat_days', 'kpi_money_repeat_days',
] as const;
const REPEAT_SUMS = ['n', 'ord', 'pay', 'rep'] as const;
const AGENT_REPEAT_SUMS = ['inq', 'ord', 'pay'] as const;
const DAY_SUMS = ['inq', 'ord', 'pay', 'rep', 'fr_n', 'fr_sum', 'fh_n', 'fh_sum', 'ans', 'turn_sum', 'unans'] as const;
const AGENT_SUMS = ['inq', 'ord', 'pay', 'ans', 'turn_sum', 'fh_n', 'fh_sum'] as const;
const SCEN_SUMS = ['buyer_days', 'messages'] as const;

/** Per-day sums of some buyers' rows: key → values, for the sum tables. */
interface Sums {
  days: Map<number, number[]>;
  agents: Map<string, number[]>;
  scenarios: Map<string, number[]>;
  moneyDays: Map<string, number[]>;
  moneyAgents: Map<string, number[]>;
  /** `prev_day\0day` → repeat inquiry-day sums; `prev_day\0day\0agent`; `credit\0prev_day\0day\0kind\0agent` → count. */
  repeats: Map<string, number[]>;
  agentRepeats: Map<string, number[]>;
  moneyRepeats: Map<string, number[]>;
}

const emptySums = (): Sums => ({
  days: new Map(), agents: new Map(), scenarios: new Map(), moneyDays: new Map(), moneyAgents: new Map(), repeats: new Map(), agentRepeats: new Map(), moneyRepeats: new Map(),
});

function addTo<K>(m: Map<K, number[]>, k: K, vals: readonly number[], sign = 1): void {
  let cur = m.get(k);
  if (!cur) m.set(k, (cur = vals.map(() => 0)));
  for (let i = 0; i < vals.length; i++) cur[i]! += sign * vals[i]!;
}

/** The sums the facts contribute to the sum tables. */
function sumsOf(f: RollupFacts): Sums {
  const money = moneySums(f.orders);
  const out: Sums = { ...emptySums(), moneyDays: money.days, moneyAgents: money.agents };
  for (const r of f.days) {
    if (r.prev_day !== null) addTo(out.repeats, `${r.prev_day}\u0000${r.day}`, [1, r.ordered, r.paid, r.replied_day]);
    addTo(out.days, r.day, [1, r.ordered, r.paid, r.replied_day, r.fr_ms === null ? 0 : 1, r.fr_ms ?? 0, r.fh_ms === null ? 0 : 1, r.fh_ms ?? 0, r.answered, r.turn_ms, r.unanswered]);
  }
  for (const r of f.agents) if (r.prev_day !== null) addTo(out.agentRepeats, `${r.prev_day}\u0000${r.day}\u0000${r.agent}`, [r.in_day, r.ordered, r.paid]);
  for (const r of f.repeats) addTo(out.moneyRepeats, `${r.credit}\u0000${r.prev_day}\u0000${r.day}\u0000${r.kind}\u0000${r.agent}`, [1]);
  for (const r of f.agents) addTo(out.agents, `${r.day}\u0000${r.agent}`, [r.in_day, r.ordered, r.paid, r.answered, r.turn_ms, r.fh_n, r.fh_ms]);
  for (const r of f.scenarios) addTo(out.scenarios, `${r.day}\u0000${r.scenario}`, [1, r.messages]);
  return out;
}

/** Adds `add − sub` to the sum tables (upsert with +=), skipping keys whose delta is zero. */
async function applySums(db: Db, shopId: string, add: Sums, sub: Sums | null): Promise<void> {
  const delta = <K>(a: Map<K, number[]>, b: Map<K, number[]> | undefined): Map<K, number[]> => {
    const out = new Map<K, number[]>();
    for (const [k, v] of a) addTo(out, k, v);
    if (b) for (const [k, v] of b) addTo(out, k, v, -1);
    for (const [k, v] of out) if (v.every((x) => x === 0)) out.delete(k);
    return out;
  };
  const upsert = async (table: (typeof SUM_TABLES)[number], keyCols: string[], cols: readonly string[], rows: Array<{ key: unknown[]; vals: number[] }>) => {
    const all = ['shop_id', ...keyCols, ...cols];
    const head = `INSERT INTO ${q(table)} (${all.map(q).join(', ')}) VALUES `;
    const tail = ` ON CONFLICT (${['shop_id', ...keyCols].map(q).join(', ')}) DO UPDATE SET ${cols.map((c) => `${q(c)} = ${q(table)}.${q(c)} + excluded.${q(c)}`).join(', ')}`;
    for (const [i, len] of pieces(rows.length, 999 / all.length)) {
      const part = rows.slice(i, i + len);
      await run(db, head + tuples(len, all.length) + tail, part.flatMap((r) => [shopId, ...r.key, ...r.vals]));
    }
  };
  const d = delta(add.days, sub?.days);
  await upsert('kpi_days', ['day'], DAY_SUMS, [...d].map(([k, v]) => ({ key: [k], vals: v })));
  const a = delta(add.agents, sub?.agents);
  await upsert('kpi_agent_days', ['day', 'agent'], AGENT_SUMS, [...a].map(([k, v]) => { const [day, agent] = k.split('\u0000'); return { key: [Number(day), agent], vals: v }; }));
  const sc = delta(add.scenarios, sub?.scenarios);
  await upsert('kpi_scenario_days', ['day', 'scenario'], SCEN_SUMS, [...sc].map(([k, v]) => { const [day, scen] = k.split('\u0000'); return { key: [Number(day), scen], vals: v }; }));
  const md = delta(add.moneyDays, sub?.moneyDays);
  await upsert('kpi_money_days', ['credit', 'day'], MONEY_DAY_SUMS, [...md].map(([k, v]) => { const [credit, day] = k.split('\u0000'); return { key: [credit, Number(day)], vals: v }; }));
  const rd = delta(add.repeats, sub?.repeats);
  await upsert('kpi_repeat_days', ['prev_day', 'day'], REPEAT_SUMS, [...rd].map(([k, v]) => ({ key: k.split('\u0000').map(Number), vals: v })));
  const ra = delta(add.agentRepeats, sub?.agentRepeats);
  await upsert('kpi_agent_repeat_days', ['prev_day', 'day', 'agent'], AGENT_REPEAT_SUMS, [...ra].map(([k, v]) => { const [p, day, agent] = k.split('\u0000'); return { key: [Number(p), Number(day), agent], vals: v }; }));
  const rm = delta(add.moneyRepeats, sub?.moneyRepeats);
  await upsert('kpi_money_repeat_days', ['credit', 'prev_day', 'day', 'kind', 'agent'], ['n'], [...rm].map(([k, v]) => { const [credit, p, day, kind, agent] = k.split('\u0000'); return { key: [credit, Number(p), Number(day), kind, agent], vals: v }; }));
  const ma = delta(add.moneyAgents, sub?.moneyAgents);
  await upsert('kpi_money_agent_days', ['credit', 'day', 'agent'], MONEY_AGENT_SUMS, [...ma].map(([k, v]) => { const [credit, day, agent] = k.split('\u0000'); return { key: [credit, Number(day), agent], vals: v }; }));
}

/** The settings part that changes the stored rows (credit day is chosen at query time). */
export function buildKey(s: RollupSettings): string {
  return JSON.stringify([s.tz, s.businessHours, s.attributionWindowHours, s.sessionGapHours]);
}

/** A shop's KPI settings (defaults: the shop's zone, all day, 72 h, 24 h, credit on payment). */
export async function loadSettings(db: Db, shopId: string): Promise<RollupSettings & { builtWith: string | null }> {
  const row = await db.selectFrom('kpi_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
  if (row) {
    return {
      tz: row.time_zone,
      businessHours: row.business_hours ? (JSON.parse(row.business_hours) as BusinessHours) : null,
      attributionWindowHours: Number(row.attribution_window_hours),
      sessionGapHours: Number(row.session_gap_hours),
      creditOn: row.credit_on === 'order' ? 'order' : 'payment',
      builtWith: row.built_with,
    };
  }
  const shop = await db.selectFrom('shops').select('time_zone').where('id', '=', shopId).executeTakeFirst();
  const tz = shop && isValidTimeZone(shop.time_zone) ? shop.time_zone : 'Asia/Shanghai';
  return { tz, ...DEFAULT_ROLLUP_SETTINGS, builtWith: null };
}

export async function saveSettings(db: Db, shopId: string, s: RollupSettings, builtWith: string | null): Promise<void> {
  const row = {
    shop_id: shopId,
    time_zone: s.tz,
    business_hours: s.businessHours ? JSON.stringify(s.businessHours) : null,
    attribution_window_hours: s.attributionWindowHours,
    credit_on: s.creditOn,
    session_gap_hours: s.sessionGapHours,
    built_with: builtWith,
    updated_at: Date.now(),
  };
  await db
    .insertInto('kpi_settings')
    .values(row)
    .onConflict((oc) => oc.column('shop_id').doUpdateSet({ ...row }))
    .execute();
}

/** The order columns the KPIs read (rawOrderOf). */
const ORDER_COLS = 'id, buyer_id, buyer_nick, amount, paid_amount, refund_amount, refund_status, item_count, created_at, paid_at';
type OrderRow = Parameters<typeof rawOrderOf>[0];

/** All messages and orders of the given buyers (buyer keys: buyers.id or `nick:<会员名>`). */
export async function loadBuyers(db: Db, shopId: string, buyers: readonly string[]): Promise<{ messages: RawMessage[]; orders: RawOrder[] }> {
  const messages: RawMessage[] = [];
  const orders: RawOrder[] = [];
  const ids = buyers.filter((b) => !b.startsWith('nick:'));
  const nicks = buyers.filter((b) => b.startsWith('nick:')).map((b) => b.slice(5));
  for (let i = 0; i < ids.length; i += 512) {
    const chunk = padded(ids.slice(i, i + 512));
    // One statement: the buyers' conversations (unique per shop and buyer) and their messages in order. Ordered by
    // buyer, the order the IN list is walked in, so the (conversation_id, seq) index delivers it without a sort.
    const rows = await run<{ buyer_id: string; sender: string; agent_id: string | null; kind: string; created_at: number; scenario: string | null }>(
      db,
      `SELECT c.buyer_id, m.sender, m.agent_id, m.kind, m.created_at, m.scenario FROM conversations c JOIN messages m ON m.conversation_id = c.id
        WHERE c.shop_id = ? AND c.buyer_id IN (${marks(chunk.length)}) ORDER BY c.buyer_id, m.seq`,
      [shopId, ...chunk],
    );
    for (const r of rows) {
      messages.push({ buyer: r.buyer_id, sender: r.sender, agent: r.agent_id, kind: r.kind, at: Number(r.created_at), scenario: r.scenario ?? null });
    }
    const ords = await run<OrderRow>(db, `SELECT ${ORDER_COLS} FROM orders WHERE shop_id = ? AND buyer_id IN (${marks(chunk.length)})`, [shopId, ...chunk]);
    for (const o of ords) orders.push(rawOrderOf(o));
  }
  for (let i = 0; i < nicks.length; i += 512) {
    const chunk = padded(nicks.slice(i, i + 512));
    const ords = await run<OrderRow>(db, `SELECT ${ORDER_COLS} FROM orders WHERE shop_id = ? AND buyer_id IS NULL AND buyer_nick IN (${marks(chunk.length)})`, [shopId, ...chunk]);
    for (const o of ords) orders.push(rawOrderOf(o));
  }
  return { messages, orders };
}

/** Multi-row INSERTs, ≤ 999 bound parameters a statement (every engine's limit). */
async function insertChunked<T extends (typeof ROLLUP_TABLES)[number]>(db: Db, table: T, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const per = Math.floor(999 / Object.keys(rows[0]!).length);
  for (let i = 0; i < rows.length; i += per) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + per) as never)
      .execute();
  }
}

export async function writeFacts(db: Db, facts: RollupFacts): Promise<void> {
  await insertChunked(db, 'kpi_buyer_days', facts.days);
  await insertChunked(db, 'kpi_buyer_day_agents', facts.agents);
  await insertChunked(db, 'kpi_orders', facts.orders);
  await insertChunked(db, 'kpi_buyer_day_scenarios', facts.scenarios);
  await insertChunked(db, 'kpi_money_repeats', facts.repeats);
}

/** A fact table: its columns (key first) and the index by (shop_id, buyer). */
interface FactTable {
  name: (typeof ROLLUP_TABLES)[number];
  facts: keyof RollupFacts;
  key: readonly string[];
  cols: readonly string[];
  byBuyer: string;
}
const FACT_TABLES: readonly FactTable[] = [
  {
    name: 'kpi_buyer_days', facts: 'days', key: ['shop_id', 'day', 'buyer'], byBuyer: 'kpi_buyer_days_buyer',
    cols: ['prev_day', 'first_at', 'first_agent_at', 'ordered', 'paid', 'replied_day', 'fr_ms', 'fh_ms', 'fh_agent', 'answered', 'turn_ms', 'unanswered'],
  },
  {
    name: 'kpi_buyer_day_agents', facts: 'agents', key: ['shop_id', 'day', 'buyer', 'agent'], byBuyer: 'kpi_buyer_day_agents_buyer',
    cols: ['prev_day', 'first_msg_at', 'in_day', 'ordered', 'paid', 'answered', 'turn_ms', 'fh_n', 'fh_ms'],
  },
  { name: 'kpi_orders', facts: 'orders', key: ['shop_id', 'order_id'], byBuyer: 'kpi_orders_buyer', cols: ['buyer', 'created_day', 'paid_day', 'cents', 'refunded', 'agent', 'silent'] },
  { name: 'kpi_buyer_day_scenarios', facts: 'scenarios', key: ['shop_id', 'day', 'buyer', 'scenario'], byBuyer: 'kpi_buyer_day_scenarios_buyer', cols: ['messages'] },
  { name: 'kpi_money_repeats', facts: 'repeats', key: ['shop_id', 'credit', 'day', 'kind', 'agent', 'buyer'], byBuyer: 'kpi_money_repeats_buyer', cols: ['prev_day'] },
];

type Row = Record<string, unknown>;
const FACT_KINDS = ['days', 'agents', 'orders', 'scenarios', 'repeats'] as const;
const emptyFacts = (): RollupFacts => ({ days: [], agents: [], orders: [], scenarios: [], repeats: [] });
const rowKey = (t: FactTable, r: Row): string => t.key.map((k) => String(r[k])).join('\u0000');
/** Same stored values (a driver may hand back a bigint or a numeric string where the facts have a number). */
const sameValue = (x: unknown, y: unknown): boolean => x === y || (x != null && y != null && typeof x !== typeof y && String(x) === String(y));
const sameRow = (t: FactTable, a: Row, b: Row): boolean => t.cols.every((c) => sameValue(a[c] ?? null, b[c] ?? null));

/** The stored fact rows of these buyers, per table. SQLite is told to use the buyer index (without statistics it scans the shop by primary key). */
async function readFacts(db: Db, shopId: string, buyers: readonly string[]): Promise<RollupFacts> {
  const out = emptyFacts();
  const lite = isSqlite(db);
  for (let i = 0; i < buyers.length; i += 512) {
    const chunk = padded(buyers.slice(i, i + 512));
    for (const t of FACT_TABLES) {
      const rows = await run(db, `SELECT * FROM ${t.name}${lite ? ` INDEXED BY ${t.byBuyer}` : ''} WHERE shop_id = ? AND buyer IN (${marks(chunk.length)})`, [shopId, ...chunk]);
      (out[t.facts] as unknown as Row[]).push(...rows);
    }
  }
  return out;
}

/** PostgreSQL: one refresh of a buyer at a time across processes (the rows read as "old" are the rows replaced). */
async function lockBuyers(db: Db, shopId: string, buyers: readonly string[]): Promise<void> {
  if (isSqlite(db)) return; // one connection: transactions are serial already
  // Keys in one order (no deadlock between two refreshes); the (int, int) lock space: (shop, buyer) hashes.
  await sql`SELECT pg_advisory_xact_lock(s, k) FROM (SELECT DISTINCT hashtext(${shopId}) AS s, hashtext(b) AS k FROM unnest(${[...buyers]}::text[]) AS b ORDER BY 2) AS t`.execute(db);
}

/**
 * Writes `next` over `prev` (the stored rows of the same buyers): inserts and updates the rows that differ, deletes the
 * rows that are gone, and moves the day sums by the difference. Money sums count distinct buyers per day, so for a
 * buyer whose orders changed they move by `moneySums(new orders) − moneySums(old orders)` of that buyer.
 */
async function writeChanges(db: Db, shopId: string, prev: RollupFacts, next: RollupFacts): Promise<Set<string>> {
  const add = emptyFacts();
  const sub = emptyFacts();
  const moneyBuyers = new Set<string>();
  const written = new Set<string>();
  for (const t of FACT_TABLES) {
    const old = new Map<string, Row>();
    for (const r of prev[t.facts] as unknown as Row[]) old.set(rowKey(t, r), r);
    const put: Row[] = [];
    for (const r of next[t.facts] as unknown as Row[]) {
      const k = rowKey(t, r);
      const o = old.get(k);
      old.delete(k);
      if (o && sameRow(t, o, r)) continue;
      put.push(r);
      written.add(String(r.buyer));
      if (o) written.add(String(o.buyer));
      if (t.facts === 'orders') {
        moneyBuyers.add(String(r.buyer));
        if (o) moneyBuyers.add(String(o.buyer));
        continue;
      }
      (add[t.facts] as unknown as Row[]).push(r);
      if (o) (sub[t.facts] as unknown as Row[]).push(o);
    }
    for (const o of old.values()) {
      if (t.facts === 'orders') moneyBuyers.add(String(o.buyer));
      else (sub[t.facts] as unknown as Row[]).push(o);
      await run(db, `DELETE FROM ${t.name} WHERE ${t.key.map((c) => `${q(c)} = ?`).join(' AND ')}`, t.key.map((c) => o[c]));
      written.add(String(o.buyer));
    }
    const all = [...t.key, ...t.cols];
    const head = `INSERT INTO ${t.name} (${all.map(q).join(', ')}) VALUES `;
    const tail = ` ON CONFLICT (${t.key.map(q).join(', ')}) DO UPDATE SET ${t.cols.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
    for (const [i, len] of pieces(put.length, 999 / all.length)) {
      const part = put.slice(i, i + len);
      await run(db, head + tuples(len, all.length) + tail, part.flatMap((r) => all.map((c) => r[c] ?? null)));
    }
  }
  if (moneyBuyers.size > 0) {
    add.orders = next.orders.filter((o) => moneyBuyers.has(o.buyer));
    sub.orders = prev.orders.filter((o) => moneyBuyers.has(String(o.buyer)));
  }
  if (written.size > 0) await applySums(db, shopId, sumsOf(add), sumsOf(sub));
  return written;
}

/**
 * Buyers outside `buyers` who own a stored order row that `facts` gives to one of `buyers` (an order linked to a
 * buyer after it was imported by nickname, or the reverse): they must be refreshed together.
 */
async function previousOwners(db: Db, shopId: string, buyers: readonly string[], facts: RollupFacts): Promise<string[]> {
  if (facts.orders.length === 0) return [];
  const mine = new Set(buyers);
  const out = new Set<string>();
  const ids = facts.orders.map((o) => o.order_id);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('kpi_orders').select('buyer').where('shop_id', '=', shopId).where('order_id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) if (!mine.has(r.buyer)) out.add(r.buyer);
  }
  return [...out];
}

/**
 * A transaction that writes only derived rows, committed without waiting for the disk: SQLite commits it with
 * `synchronous = NORMAL` (in WAL mode: written, not fsynced; the next durable commit, e.g. of a message, syncs it
 * along, since the log is sequential), PostgreSQL with `synchronous_commit = off`. A power loss can lose the last
 * refreshes (never corrupt the database) — the same a crash does to the dirty buyers the writer holds in memory;
 * a rebuild restores them. The connection is held throughout, so no other commit runs with the relaxed setting.
 */
async function derivedTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (!isSqlite(db)) {
    return db.transaction().execute(async (trx) => {
      await sql`SET LOCAL synchronous_commit = off`.execute(trx);
      return fn(trx);
    });
  }
  return db.connection().execute(async (conn) => {
    const before = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(conn);
    const level = Number(before.rows[0]?.synchronous ?? 2);
    if (level <= 1) return conn.transaction().execute(fn);
    await sql`PRAGMA synchronous = NORMAL`.execute(conn);
    try {
      return await conn.transaction().execute(fn);
    } finally {
      await sql.raw(`PRAGMA synchronous = ${level}`).execute(conn);
    }
  });
}

/** Facts split per buyer (every buyer of `buyers` gets an entry, empty when it has no rows). */
function perBuyer(f: RollupFacts, buyers: readonly string[]): Map<string, RollupFacts> {
  const parts = splitFacts(f, buyers.map((b) => [b]));
  return new Map(buyers.map((b, i) => [b, parts[i]!]));
}

/** Facts split into the given groups of buyers (one pass; rows of buyers in no group are dropped). */
export function splitFacts(f: RollupFacts, groups: ReadonlyArray<readonly string[]>): RollupFacts[] {
  const out = groups.map(() => emptyFacts());
  const at = new Map<string, number>();
  groups.forEach((g, i) => {
    for (const b of g) at.set(b, i);
  });
  for (const k of FACT_KINDS) {
    for (const r of f[k]) {
      const i = at.get(r.buyer);
      if (i !== undefined) (out[i]![k] as Array<typeof r>).push(r);
    }
  }
  return out;
}

/**
 * The fact rows this process last wrote (or read) for some buyers, with the stamp they are stored under, so a refresh
 * need not read them back: `kpi_buyer_stamps` changes on every write of a buyer's rows by any process and a rebuild
 * deletes it, so an entry is used only while the stamp in the database is still its own. Least recently used go first.
 */
export class RollupCache {
  private readonly entries = new Map<string, { stamp: number; facts: RollupFacts }>();

  constructor(readonly maxBuyers = 50_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** Refreshes that took a buyer's stored rows from here, and those that found a stamp changed by someone else. */
  hits = 0;
  stale = 0;

  peek(shopId: string, buyer: string): boolean {
    return this.entries.has(`${shopId}\u0000${buyer}`);
  }

  /** The entry if the stored stamp is still its own (then it becomes the most recently used); a stale one is dropped. */
  get(shopId: string, buyer: string, stored: number | undefined): { stamp: number; facts: RollupFacts } | undefined {
    const k = `${shopId}\u0000${buyer}`;
    const e = this.entries.get(k);
    if (!e) return undefined;
    this.entries.delete(k);
    if (e.stamp !== stored) {
      this.stale++;
      return undefined;
    }
    this.hits++;
    this.entries.set(k, e);
    return e;
  }

  set(shopId: string, buyer: string, stamp: number, facts: RollupFacts): void {
    const k = `${shopId}\u0000${buyer}`;
    remember(this.entries, k, { stamp, facts }, this.maxBuyers);
  }

  delete(shopId: string, buyer: string): void {
    this.entries.delete(`${shopId}\u0000${buyer}`);
  }

  clear(): void {
    this.entries.clear();
  }
}

async function readStamps(db: Db, shopId: string, buyers: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < buyers.length; i += 512) {
    const chunk = padded(buyers.slice(i, i + 512));
    const rows = await run<{ buyer: string; stamp: number }>(db, `SELECT buyer, stamp FROM kpi_buyer_stamps WHERE shop_id = ? AND buyer IN (${marks(chunk.length)})`, [shopId, ...chunk]);
    for (const r of rows) out.set(r.buyer, Number(r.stamp));
  }
  return out;
}

async function writeStamps(db: Db, shopId: string, stamps: ReadonlyMap<string, number>): Promise<void> {
  const list = [...stamps];
  for (const [i, len] of pieces(list.length, 256)) {
    const part = list.slice(i, i + len);
    await run(
      db,
      `INSERT INTO kpi_buyer_stamps (shop_id, buyer, stamp) VALUES ${tuples(len, 3)} ON CONFLICT (shop_id, buyer) DO UPDATE SET stamp = excluded.stamp`,
      part.flatMap(([buyer, stamp]) => [shopId, buyer, stamp]),
    );
  }
}

/** Random 48-bit stamps: two writers (processes) never agree on one by chance in practice. */
const newStamp = (): number => randomInt(0, 2 ** 48 - 1);

/**
 * Recomputes the rollups of some buyers from their raw rows, in one transaction. Idempotent. Only rows that differ from
 * the stored ones are written; with a `cache`, the stored rows of buyers refreshed before come from memory (checked
 * against their stamp) instead of being read back.
 */
export async function refreshBuyers(
  db: Kysely<Database>,
  shopId: string,
  buyers: readonly string[],
  s?: RollupSettings,
  cache?: RollupCache,
  /** The facts of exactly `buyers`, built elsewhere from a read made after they were marked (the rollup worker). */
  precomputed?: RollupFacts,
): Promise<void> {
  if (buyers.length === 0) return;
  const settings = s ?? (await loadSettings(db, shopId));
  let list = [...new Set(buyers)];
  let given = precomputed;
  for (;;) {
    let facts = emptyFacts();
    let stamps = new Map<string, number>();
    let more: string[] = [];
    try {
      more = await derivedTransaction(db, async (trx) => {
        // Lock, then read: on PostgreSQL a concurrent refresh of the same buyer either committed before (and is read
        // back) or waits for this one and reads what it wrote, so the last one to commit saw the newest records.
        await lockBuyers(trx, shopId, list);
        if (given) {
          facts = given;
        } else {
          const raw = await loadBuyers(trx, shopId, list);
          facts = buildFacts(shopId, raw.messages, raw.orders, settings);
        }
        const prev = emptyFacts();
        let misses = list;
        if (cache && list.some((b) => cache.peek(shopId, b))) {
          const stored = await readStamps(trx, shopId, list);
          misses = [];
          for (const b of list) {
            const e = cache.get(shopId, b, stored.get(b));
            if (e) {
              stamps.set(b, e.stamp);
              for (const k of FACT_KINDS) (prev[k] as unknown[]).push(...e.facts[k]);
            } else misses.push(b);
          }
        }
        if (misses.length > 0) {
          const read = await readFacts(trx, shopId, misses);
          for (const k of FACT_KINDS) (prev[k] as unknown[]).push(...read[k]);
        }
        const known = new Set(prev.orders.map((o) => o.order_id));
        if (facts.orders.some((o) => !known.has(o.order_id))) {
          const owners = await previousOwners(trx, shopId, list, facts);
          if (owners.length > 0) return owners;
        }
        const written = await writeChanges(trx, shopId, prev, facts);
        // A new stamp wherever rows changed (other processes' caches of them are void), and for rows read back so they can be cached.
        const fresh = new Map<string, number>();
        for (const b of written) fresh.set(b, newStamp());
        if (cache) for (const b of misses) if (!fresh.has(b)) fresh.set(b, newStamp());
        if (fresh.size > 0) await writeStamps(trx, shopId, fresh);
        stamps = new Map([...stamps, ...fresh]);
        return [];
      });
    } catch (err) {
      if (cache) for (const b of list) cache.delete(shopId, b);
      throw err;
    }
    if (more.length > 0) {
      // Orders that moved between buyers: read and build all of them here, in the transaction.
      list = [...list, ...more];
      given = undefined;
      continue;
    }
    if (cache) {
      for (const [b, f] of perBuyer(facts, list)) {
        const stamp = stamps.get(b);
        if (stamp === undefined) cache.delete(shopId, b);
        else cache.set(shopId, b, stamp, f);
      }
    }
    return;
  }
}

export interface RebuildStats {
  buyers: number;
  messages: number;
  orders: number;
  rows: number;
  ms: number;
}

/**
 * Drops and rebuilds a shop's rollups from the raw messages and orders, a page of buyers at a time
 * (the same fact builder as the live writer). Records the settings it was built with.
 */
export async function rebuildShop(
  db: Kysely<Database>,
  shopId: string,
  opts: {
    pageSize?: number;
    onProgress?: (s: RebuildStats) => void;
    settings?: RollupSettings;
    /** Only while `built_with` is `rebuildingKey(token)` (see `RebuildStopped`); at the end the current settings are marked built. */
    token?: string;
    signal?: { readonly aborted: boolean };
  } = {},
): Promise<RebuildStats> {
  const t0 = Date.now();
  const settings = opts.settings ?? (await loadSettings(db, shopId));
  const stats: RebuildStats = { buyers: 0, messages: 0, orders: 0, rows: 0, ms: 0 };
  // With a token, every write first checks (holding the settings row) that this rebuild is still the shop's current one.
  const guard = async (trx: Transaction<Database>): Promise<void> => {
    if (opts.signal?.aborted) throw new RebuildStopped('stopped');
    if (opts.token === undefined) return;
    let q = trx.selectFrom('kpi_settings').select('built_with').where('shop_id', '=', shopId);
    if (!isSqlite(db)) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (row?.built_with !== rebuildingKey(opts.token)) throw new RebuildStopped('superseded');
  };
  // Stamps first: a process's cached rows of these buyers are void from here on.
  await db.transaction().execute(async (trx) => {
    await guard(trx);
    for (const t of ['kpi_buyer_stamps', ...ROLLUP_TABLES, ...SUM_TABLES] as const) await trx.deleteFrom(t).where('shop_id', '=', shopId).execute();
  });
  const pageSize = opts.pageSize ?? 2000;
  const run = async (buyers: string[]): Promise<void> => {
    const raw = await loadBuyers(db, shopId, buyers);
    const facts = buildFacts(shopId, raw.messages, raw.orders, settings);
    await db.transaction().execute(async (trx) => {
      await guard(trx);
      await writeFacts(trx, facts);
      await applySums(trx, shopId, sumsOf(facts), null);
    });
    stats.buyers += buyers.length;
    stats.messages += raw.messages.length;
    stats.orders += raw.orders.length;
    stats.rows += facts.days.length + facts.agents.length + facts.orders.length + facts.scenarios.length + facts.repeats.length;
    opts.onProgress?.({ ...stats, ms: Date.now() - t0 });
  };
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('conversations')
      .select('buyer_id')
      .where('shop_id', '=', shopId)
      .where('buyer_id', '>', after)
      .orderBy('buyer_id')
      .limit(pageSize)
      .execute();
    if (page.length === 0) break;
    await run(page.map((p) => p.buyer_id));
    after = page[page.length - 1]!.buyer_id;
  }
  // Buyers with orders but no conversation (silent buyers, imported orders not linked to a buyer).
  const rest = await db
    .selectFrom('orders')
    .select(['buyer_id', 'buyer_nick'])
    .distinct()
    .where('shop_id', '=', shopId)
    .where((eb) =>
      eb.or([
        eb('buyer_id', 'is', null),
        eb.not(eb.exists(eb.selectFrom('conversations as c').select('c.id').where('c.shop_id', '=', shopId).whereRef('c.buyer_id', '=', 'orders.buyer_id'))),
      ]),
    )
    .execute();
  const keys = [...new Set(rest.map((r) => r.buyer_id ?? `nick:${r.buyer_nick}`))];
  for (let i = 0; i < keys.length; i += pageSize) await run(keys.slice(i, i + pageSize));
  await db.transaction().execute(async (trx) => {
    await guard(trx);
    // The settings as they are now (credit may have changed meanwhile: both credits are rolled up), marked as built.
    const current = await loadSettings(trx, shopId);
    await saveSettings(trx, shopId, opts.token === undefined ? { ...settings, creditOn: current.creditOn } : current, buildKey(settings));
  });
  stats.ms = Date.now() - t0;
  return stats;
}

/** A rebuild ended early: `stopped` (its signal) or `superseded` (the shop's settings changed again; a newer rebuild runs). */
export class RebuildStopped extends Error {
  constructor(readonly why: 'stopped' | 'superseded') {
    super(`rollup rebuild ${why}`);
  }
}

/**
 * `kpi_settings.built_with` while a rebuild runs: marks the rollups as not up to date (a process that dies leaves it,
 * so the dashboard offers to rebuild again) and names the rebuild that may write (`rebuildShop`'s `token`).
 */
export function rebuildingKey(token: string): string {
  return `${REBUILDING}${token}`;
}
export const REBUILDING = 'rebuilding:';
