import { isValidTimeZone, type BusinessHours } from '@kefu/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../storage/schema.js';
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

type Db = Kysely<Database> | Transaction<Database>;

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

/** The sums the facts contribute (the same as the GROUP BY over their rows in oldSums). */
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

async function oldSums(db: Db, shopId: string, buyers: readonly string[]): Promise<Sums> {
  const out = emptySums();
  for (let i = 0; i < buyers.length; i += 500) {
    const chunk = buyers.slice(i, i + 500);
    const d = await db
      .selectFrom('kpi_buyer_days')
      .select((eb) => [
        'day',
        eb.fn.countAll<number>().as('inq'),
        eb.fn.sum<number>('ordered').as('ord'),
        eb.fn.sum<number>('paid').as('pay'),
        eb.fn.sum<number>('replied_day').as('rep'),
        eb.fn.count<number>('fr_ms').as('fr_n'),
        eb.fn.coalesce(eb.fn.sum<number>('fr_ms'), sql<number>`0`).as('fr_sum'),
        eb.fn.count<number>('fh_ms').as('fh_n'),
        eb.fn.coalesce(eb.fn.sum<number>('fh_ms'), sql<number>`0`).as('fh_sum'),
        eb.fn.sum<number>('answered').as('ans'),
        eb.fn.sum<number>('turn_ms').as('turn_sum'),
        eb.fn.sum<number>('unanswered').as('unans'),
      ])
      .where('shop_id', '=', shopId)
      .where('buyer', 'in', chunk)
      .groupBy('day')
      .execute();
    for (const r of d) addTo(out.days, Number(r.day), DAY_SUMS.map((k) => Number(r[k])));
    const a = await db
      .selectFrom('kpi_buyer_day_agents')
      .select((eb) => [
        'day',
        'agent',
        eb.fn.sum<number>('in_day').as('inq'),
        eb.fn.sum<number>('ordered').as('ord'),
        eb.fn.sum<number>('paid').as('pay'),
        eb.fn.sum<number>('answered').as('ans'),
        eb.fn.sum<number>('turn_ms').as('turn_sum'),
        eb.fn.sum<number>('fh_n').as('fh_n'),
        eb.fn.sum<number>('fh_ms').as('fh_sum'),
      ])
      .where('shop_id', '=', shopId)
      .where('buyer', 'in', chunk)
      .groupBy(['day', 'agent'])
      .execute();
    for (const r of a) addTo(out.agents, `${r.day}\u0000${r.agent}`, AGENT_SUMS.map((k) => Number(r[k])));
    const sc = await db
      .selectFrom('kpi_buyer_day_scenarios')
      .select((eb) => ['day', 'scenario', eb.fn.countAll<number>().as('buyer_days'), eb.fn.sum<number>('messages').as('messages')])
      .where('shop_id', '=', shopId)
      .where('buyer', 'in', chunk)
      .groupBy(['day', 'scenario'])
      .execute();
    for (const r of sc) addTo(out.scenarios, `${r.day}\u0000${r.scenario}`, SCEN_SUMS.map((k) => Number(r[k])));
    const rd = await db
      .selectFrom('kpi_buyer_days')
      .select((eb) => ['prev_day', 'day', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('ordered').as('ord'), eb.fn.sum<number>('paid').as('pay'), eb.fn.sum<number>('replied_day').as('rep')])
      .where('shop_id', '=', shopId)
      .where('buyer', 'in', chunk)
      .where('prev_day', 'is not', null)
      .groupBy(['prev_day', 'day'])
      .execute();
    for (const r of rd) addTo(out.repeats, `${r.prev_day}\u0000${r.day}`, REPEAT_SUMS.map((k) => Number(r[k])));
    const ra = await db
      .selectFrom('kpi_buyer_day_agents')
      .select((eb) => ['prev_day', 'day', 'agent', eb.fn.sum<number>('in_day').as('inq'), eb.fn.sum<number>('ordered').as('ord'), eb.fn.sum<number>('paid').as('pay')])
      .where('shop_id', '=', shopId)
      .where('buyer', 'in', chunk)
      .where('prev_day', 'is not', null)
      .groupBy(['prev_day', 'day', 'agent'])
      .execute();
    for (const r of ra) addTo(out.agentRepeats, `${r.prev_day}\u0000${r.day}\u0000${r.agent}`, AGENT_REPEAT_SUMS.map((k) => Number(r[k])));
    const rm = await db
      .selectFrom('kpi_money_repeats')
      .select((eb) => ['credit', 'prev_day', 'day', 'kind', 'agent', eb.fn.countAll<number>().as('n')])
      .where('shop_id', '=', shopId)
      .where('buyer', 'in', chunk)
      .groupBy(['credit', 'prev_day', 'day', 'kind', 'agent'])
      .execute();
    for (const r of rm) addTo(out.moneyRepeats, `${r.credit}\u0000${r.prev_day}\u0000${r.day}\u0000${r.kind}\u0000${r.agent}`, [Number(r.n)]);
    // Money sums count distinct buyers per day, so they are recomputed from the old order rows by the same function.
    const ords = await db
      .selectFrom('kpi_orders')
      .select(['buyer', 'created_day', 'paid_day', 'cents', 'refunded', 'agent', 'silent'])
      .where('shop_id', '=', shopId)
      .where('buyer', 'in', chunk)
      .execute();
    const m = moneySums(ords);
    for (const [k, v] of m.days) addTo(out.moneyDays, k, v);
    for (const [k, v] of m.agents) addTo(out.moneyAgents, k, v);
  }
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
    const all = [...keyCols, ...cols];
    const set = sql.join(cols.map((c) => sql`${sql.ref(c)} = ${sql.table(table)}.${sql.ref(c)} + excluded.${sql.ref(c)}`));
    for (let i = 0; i < rows.length; i += 50) {
      const values = sql.join(rows.slice(i, i + 50).map((r) => sql`(${sql.join([shopId, ...r.key, ...r.vals])})`));
      await sql`INSERT INTO ${sql.table(table)} (${sql.join(['shop_id', ...all].map((c) => sql.ref(c)))}) VALUES ${values}
        ON CONFLICT (${sql.join(['shop_id', ...keyCols].map((c) => sql.ref(c)))}) DO UPDATE SET ${set}`.execute(db);
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

/** All messages and orders of the given buyers (buyer keys: buyers.id or `nick:<会员名>`). */
export async function loadBuyers(db: Db, shopId: string, buyers: readonly string[]): Promise<{ messages: RawMessage[]; orders: RawOrder[] }> {
  const messages: RawMessage[] = [];
  const orders: RawOrder[] = [];
  const ids = buyers.filter((b) => !b.startsWith('nick:'));
  const nicks = buyers.filter((b) => b.startsWith('nick:')).map((b) => b.slice(5));
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const convs = await db.selectFrom('conversations').select(['id', 'buyer_id']).where('shop_id', '=', shopId).where('buyer_id', 'in', chunk).execute();
    if (convs.length > 0) {
      const buyerOf = new Map(convs.map((c) => [c.id, c.buyer_id]));
      const rows = await db
        .selectFrom('messages')
        .select(['conversation_id', 'sender', 'agent_id', 'kind', 'created_at', 'scenario'])
        .where('conversation_id', 'in', [...buyerOf.keys()])
        .orderBy('conversation_id')
        .orderBy('seq')
        .execute();
      for (const r of rows) {
        messages.push({
          buyer: buyerOf.get(r.conversation_id)!,
          sender: r.sender,
          agent: r.agent_id,
          kind: r.kind,
          at: Number(r.created_at),
          scenario: r.scenario ?? null,
        });
      }
    }
    const ords = await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where('buyer_id', 'in', chunk).execute();
    for (const o of ords) orders.push(rawOrderOf(o));
  }
  for (let i = 0; i < nicks.length; i += 500) {
    const chunk = nicks.slice(i, i + 500);
    const ords = await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where('buyer_id', 'is', null).where('buyer_nick', 'in', chunk).execute();
    for (const o of ords) orders.push(rawOrderOf(o));
  }
  return { messages, orders };
}

async function insertChunked<T extends (typeof ROLLUP_TABLES)[number]>(db: Db, table: T, rows: readonly object[]): Promise<void> {
  // ≤ 13 columns × 60 rows keeps under every engine's bound-parameter limit.
  for (let i = 0; i < rows.length; i += 60) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 60) as never)
      .execute();
  }
}

/** Replaces the rollup rows of these buyers with `facts` (call inside a transaction). */
export async function replaceBuyers(db: Db, shopId: string, buyers: readonly string[], facts: RollupFacts): Promise<void> {
  await applySums(db, shopId, sumsOf(facts), await oldSums(db, shopId, buyers));
  for (let i = 0; i < buyers.length; i += 500) {
    const chunk = buyers.slice(i, i + 500);
    for (const t of ROLLUP_TABLES) await db.deleteFrom(t).where('shop_id', '=', shopId).where('buyer', 'in', chunk).execute();
  }
  await writeFacts(db, facts);
}

export async function writeFacts(db: Db, facts: RollupFacts): Promise<void> {
  await insertChunked(db, 'kpi_buyer_days', facts.days);
  await insertChunked(db, 'kpi_buyer_day_agents', facts.agents);
  await insertChunked(db, 'kpi_orders', facts.orders);
  await insertChunked(db, 'kpi_buyer_day_scenarios', facts.scenarios);
  await insertChunked(db, 'kpi_money_repeats', facts.repeats);
}

/** Recomputes the rollups of some buyers from their raw rows, in one transaction. Idempotent. */
export async function refreshBuyers(db: Kysely<Database>, shopId: string, buyers: readonly string[], s?: RollupSettings): Promise<void> {
  if (buyers.length === 0) return;
  const settings = s ?? (await loadSettings(db, shopId));
  const raw = await loadBuyers(db, shopId, buyers);
  const facts = buildFacts(shopId, raw.messages, raw.orders, settings);
  await db.transaction().execute((trx) => replaceBuyers(trx, shopId, buyers, facts));
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
  opts: { pageSize?: number; onProgress?: (s: RebuildStats) => void; settings?: RollupSettings } = {},
): Promise<RebuildStats> {
  const t0 = Date.now();
  const settings = opts.settings ?? (await loadSettings(db, shopId));
  const stats: RebuildStats = { buyers: 0, messages: 0, orders: 0, rows: 0, ms: 0 };
  for (const t of [...ROLLUP_TABLES, ...SUM_TABLES]) await db.deleteFrom(t).where('shop_id', '=', shopId).execute();
  const pageSize = opts.pageSize ?? 2000;
  const run = async (buyers: string[]): Promise<void> => {
    const raw = await loadBuyers(db, shopId, buyers);
    const facts = buildFacts(shopId, raw.messages, raw.orders, settings);
    await db.transaction().execute(async (trx) => {
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
  const current = await loadSettings(db, shopId);
  await saveSettings(db, shopId, { ...settings, creditOn: current.creditOn }, buildKey(settings));
  stats.ms = Date.now() - t0;
  return stats;
}
