import { formatDay, makeZone, parseDay, type KpiAgent, type KpiDay, type KpiFigures } from '@kefu/core';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { RollupSettings } from './rollup-facts.js';

/** The engine's figures for a period, read from the rollups (same shape and values as core `computeKpis`). */
export interface RollupReport extends KpiFigures {
  period: { from: string; to: string; tz: string };
  byDay: KpiDay[];
  byAgent: KpiAgent[];
  shop: { revenue: number; paidOrders: number; payingCustomers: number; refundedOrders: number; refundRate: number | null };
}

const HOUR_MS = 3_600_000;

interface Sums {
  inq: number;
  ord: number;
  pay: number;
  rep: number;
  frN: number;
  frSum: number;
  fhN: number;
  fhSum: number;
  ans: number;
  turnSum: number;
  unans: number;
  silent: number;
  cents: number;
  paidOrders: number;
  customers: number;
  refunded: number;
}

const zero = (): Sums => ({ inq: 0, ord: 0, pay: 0, rep: 0, frN: 0, frSum: 0, fhN: 0, fhSum: 0, ans: 0, turnSum: 0, unans: 0, silent: 0, cents: 0, paidOrders: 0, customers: 0, refunded: 0 });
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
const mean = (sum: number, k: number): number | null => (k === 0 ? null : sum / k / 1000);

function figures(s: Sums): KpiFigures {
  return {
    inquirers: s.inq,
    orderers: s.ord,
    payers: s.pay,
    inquiryConversion: ratio(s.ord, s.inq),
    paymentConversion: ratio(s.pay, s.ord),
    inquiryToPayment: ratio(s.pay, s.inq),
    silentBuyers: s.silent,
    repliedInquirers: s.rep,
    replyRate: ratio(s.rep, s.inq),
    firstResponseSec: mean(s.frSum, s.frN),
    firstHumanResponseSec: mean(s.fhSum, s.fhN),
    avgResponseSec: mean(s.turnSum, s.ans),
    answeredTurns: s.ans,
    unansweredTurns: s.unans,
    revenue: s.cents / 100,
    payingCustomers: s.customers,
    paidOrders: s.paidOrders,
    perCustomerValue: s.customers === 0 ? null : s.cents / 100 / s.customers,
    perOrderValue: s.paidOrders === 0 ? null : s.cents / 100 / s.paidOrders,
    refundedOrders: s.refunded,
    refundRate: ratio(s.refunded, s.paidOrders),
  };
}

/** Day numbers and instants of a period; throws RangeError on bad dates. */
export function periodOf(from: string, to: string, s: RollupSettings): { a: number; b: number; horizon: number } {
  const a = parseDay(from);
  const b = parseDay(to);
  if (a === null || b === null) throw new RangeError('日期应为 YYYY-MM-DD');
  if (a > b) throw new RangeError(`起始日期 ${from} 晚于结束日期 ${to}`);
  if (b - a > 366) throw new RangeError('日期范围最长 366 天');
  const zone = makeZone(s.tz);
  return { a, b, horizon: zone.dayStartUtc(b + 1) + s.attributionWindowHours * HOUR_MS };
}

/**
 * KPIs of a shop for [from, to] from the rollups only: the per-day sums (one row a day), corrected for the
 * period cohort by the sums of the rows that are not a buyer's first inquiry day in the period (repeat
 * inquiries, summed per (prev_day, day)) and by the first-day rows answered only after their day's horizon
 * (late replies, a partial index); money from per-day money sums, distinct buyers corrected the same way by
 * the buyers' repeat credited days.
 */
export async function queryKpis(db: Kysely<Database>, shopId: string, from: string, to: string, s: RollupSettings): Promise<RollupReport> {
  const { a, b, horizon } = periodOf(from, to, s);
  const first = sql`(prev_day IS NULL OR prev_day < ${a})`;
  const days = await sql<Record<string, unknown>>`SELECT * FROM kpi_days WHERE shop_id = ${shopId} AND day BETWEEN ${a} AND ${b}`.execute(db);
  // Repeat rows of the period (day in [a, b], prev_day >= a) are the pairs with prev_day in [a, b] and day <= b (day > prev_day).
  const rep = await sql<Record<string, unknown>>`SELECT SUM(n) AS n, SUM(ord) AS o, SUM(pay) AS p, SUM(rep) AS r
    FROM kpi_repeat_days WHERE shop_id = ${shopId} AND prev_day BETWEEN ${a} AND ${b} AND day <= ${b}`.execute(db);
  const late = await sql<Record<string, unknown>>`SELECT COUNT(*) AS n FROM kpi_buyer_days
    WHERE shop_id = ${shopId} AND day BETWEEN ${a} AND ${b} AND replied_day = 0 AND first_agent_at < ${horizon} AND ${first}`.execute(db);
  const agentDays = await sql<Record<string, unknown>>`SELECT agent, SUM(inq) AS inq, SUM(ord) AS ord, SUM(pay) AS pay, SUM(ans) AS ans,
      SUM(turn_sum) AS turn_sum, SUM(fh_n) AS fh_n, SUM(fh_sum) AS fh_sum
    FROM kpi_agent_days WHERE shop_id = ${shopId} AND day BETWEEN ${a} AND ${b} GROUP BY agent`.execute(db);
  const agentRep = await sql<Record<string, unknown>>`SELECT agent, SUM(inq) AS i, SUM(ord) AS o, SUM(pay) AS p
    FROM kpi_agent_repeat_days WHERE shop_id = ${shopId} AND prev_day BETWEEN ${a} AND ${b} AND day <= ${b} GROUP BY agent`.execute(db);
  const agentLate = await sql<Record<string, unknown>>`SELECT agent, COUNT(*) AS n FROM kpi_buyer_day_agents
    WHERE shop_id = ${shopId} AND day BETWEEN ${a} AND ${b} AND in_day = 0 AND first_msg_at < ${horizon} AND ${first} GROUP BY agent`.execute(db);
  const credit = s.creditOn === 'order' ? 'order' : 'payment';
  const moneyDays = await sql<Record<string, unknown>>`SELECT * FROM kpi_money_days
    WHERE shop_id = ${shopId} AND credit = ${credit} AND day BETWEEN ${a} AND ${b}`.execute(db);
  const moneyAgents = await sql<Record<string, unknown>>`SELECT agent, SUM(cents) AS c, SUM(n) AS n, SUM(ref) AS r, SUM(cust) AS k
    FROM kpi_money_agent_days WHERE shop_id = ${shopId} AND credit = ${credit} AND day BETWEEN ${a} AND ${b} GROUP BY agent`.execute(db);
  // Distinct buyers of the period = per-day distinct counts minus the credited days whose previous one is in the period.
  const moneyRepeats = await sql<Record<string, unknown>>`SELECT kind, agent, SUM(n) AS n FROM kpi_money_repeat_days
    WHERE shop_id = ${shopId} AND credit = ${credit} AND prev_day BETWEEN ${a} AND ${b} AND day <= ${b} GROUP BY kind, agent`.execute(db);

  const perDay = Array.from({ length: b - a + 1 }, zero);
  const total = zero();
  for (const r of days.rows) {
    const d = perDay[n(r.day) - a]!;
    d.inq = n(r.inq);
    d.ord = n(r.ord);
    d.pay = n(r.pay);
    d.rep = n(r.rep);
    d.frN = n(r.fr_n);
    d.frSum = n(r.fr_sum);
    d.fhN = n(r.fh_n);
    d.fhSum = n(r.fh_sum);
    d.ans = n(r.ans);
    d.turnSum = n(r.turn_sum);
    d.unans = n(r.unans);
    total.inq += d.inq;
    total.ord += d.ord;
    total.pay += d.pay;
    total.rep += d.rep;
    total.frN += d.frN;
    total.frSum += d.frSum;
    total.fhN += d.fhN;
    total.fhSum += d.fhSum;
    total.ans += d.ans;
    total.turnSum += d.turnSum;
    total.unans += d.unans;
  }
  const r0 = rep.rows[0] ?? {};
  total.inq -= n(r0.n);
  total.ord -= n(r0.o);
  total.pay -= n(r0.p);
  total.rep += n(late.rows[0]?.n) - n(r0.r);

  let shopCents = 0;
  let shopPaid = 0;
  let shopRefunded = 0;
  let shopCustomers = 0;
  for (const r of moneyDays.rows) {
    const d = perDay[n(r.day) - a]!;
    d.cents = n(r.svc_cents);
    d.paidOrders = n(r.svc_n);
    d.refunded = n(r.svc_ref);
    d.customers = n(r.svc_cust);
    d.silent = n(r.silent);
    total.cents += d.cents;
    total.paidOrders += d.paidOrders;
    total.refunded += d.refunded;
    total.customers += d.customers;
    total.silent += d.silent;
    shopCents += n(r.all_cents);
    shopPaid += n(r.all_n);
    shopRefunded += n(r.all_ref);
    shopCustomers += n(r.all_cust);
  }
  const agentRepeats = new Map<string, number>();
  for (const r of moneyRepeats.rows) {
    const k = n(r.n);
    if (r.kind === 'svc') total.customers -= k;
    else if (r.kind === 'all') shopCustomers -= k;
    else if (r.kind === 'silent') total.silent -= k;
    else agentRepeats.set(String(r.agent), k);
  }

  const agents = new Map<string, Sums>();
  const agentOf = (name: string): Sums => {
    let x = agents.get(name);
    if (!x) agents.set(name, (x = zero()));
    return x;
  };
  for (const r of agentDays.rows) {
    const x = agentOf(String(r.agent));
    x.inq = n(r.inq);
    x.ord = n(r.ord);
    x.pay = n(r.pay);
    x.ans = n(r.ans);
    x.turnSum = n(r.turn_sum);
    x.fhN = n(r.fh_n);
    x.fhSum = n(r.fh_sum);
  }
  for (const r of agentRep.rows) {
    const x = agentOf(String(r.agent));
    x.inq -= n(r.i);
    x.ord -= n(r.o);
    x.pay -= n(r.p);
  }
  for (const r of agentLate.rows) agentOf(String(r.agent)).inq += n(r.n);
  for (const r of moneyAgents.rows) {
    const x = agentOf(String(r.agent));
    x.cents = n(r.c);
    x.paidOrders = n(r.n);
    x.refunded = n(r.r);
    x.customers = n(r.k) - (agentRepeats.get(String(r.agent)) ?? 0);
  }
  const byAgent: KpiAgent[] = [];
  for (const [agent, x] of agents) {
    // The engine lists an agent only once something counted for them.
    if (x.inq === 0 && x.ans === 0 && x.fhN === 0 && x.paidOrders === 0) continue;
    const f = figures(x);
    byAgent.push({
      agent,
      inquirers: f.inquirers,
      orderers: f.orderers,
      payers: f.payers,
      inquiryConversion: f.inquiryConversion,
      paymentConversion: f.paymentConversion,
      inquiryToPayment: f.inquiryToPayment,
      revenue: f.revenue,
      payingCustomers: f.payingCustomers,
      paidOrders: f.paidOrders,
      perCustomerValue: f.perCustomerValue,
      perOrderValue: f.perOrderValue,
      refundedOrders: f.refundedOrders,
      refundRate: f.refundRate,
      answeredTurns: f.answeredTurns,
      avgResponseSec: f.avgResponseSec,
      firstResponseSec: f.firstHumanResponseSec,
    });
  }
  byAgent.sort((x, y) => y.revenue - x.revenue || y.inquirers - x.inquirers || (x.agent < y.agent ? -1 : x.agent > y.agent ? 1 : 0));
  return {
    period: { from, to, tz: s.tz },
    ...figures(total),
    byDay: perDay.map((d, i) => ({ day: formatDay(a + i), ...figures(d) })),
    byAgent,
    shop: { revenue: shopCents / 100, paidOrders: shopPaid, payingCustomers: shopCustomers, refundedOrders: shopRefunded, refundRate: ratio(shopRefunded, shopPaid) },
  };
}

/** What buyers asked about in the period: per scenario, inquirer-days and buyer messages. */
export async function queryScenarios(db: Kysely<Database>, shopId: string, from: string, to: string, s: RollupSettings): Promise<Array<{ scenario: string; buyerDays: number; messages: number }>> {
  const { a, b } = periodOf(from, to, s);
  const r = await sql<Record<string, unknown>>`SELECT scenario, SUM(buyer_days) AS bd, SUM(messages) AS m
    FROM kpi_scenario_days WHERE shop_id = ${shopId} AND day BETWEEN ${a} AND ${b} GROUP BY scenario`.execute(db);
  return r.rows
    .map((x) => ({ scenario: String(x.scenario), buyerDays: n(x.bd), messages: n(x.m) }))
    .sort((x, y) => y.buyerDays - x.buyerDays || (x.scenario < y.scenario ? -1 : 1));
}
