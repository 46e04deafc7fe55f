import { HOUR_MS, formatDay, makeBusinessClock, makeZone, parseDay, parseTime, type BusinessClock, type Zone } from './time.js';
import type {
  KpiAgent,
  KpiDay,
  KpiFigures,
  KpiInput,
  KpiReport,
  KpiSettings,
  KpiUrgeScript,
  ResolvedKpiSettings,
} from './types.js';

/** Name used for `agent` messages that carry no agent name. */
export const UNKNOWN_AGENT = '(未署名)';

const BUYER = 0;
const AGENT = 1;
const AUTO = 2;

interface Msg {
  /** Epoch ms. */
  t: number;
  /** Business-clock ms. */
  c: number;
  /** Local day (buyer messages only). */
  d: number;
  k: number;
  a: string;
  seq: number;
}

/** An order with parsed times; `agent` is the attributed agent (or null). */
export interface EngineOrder {
  id: string;
  buyer: string;
  cents: number;
  created: number;
  paid: number | null;
  refunded: boolean;
  qty: number;
  agent: string | null;
}

/** Facts of one buyer in one cohort (the period, or one day of it). */
export interface CohortFacts {
  buyer: string;
  /** Day number of the cohort, or null for the whole period. */
  day: number | null;
  firstInquiry: number;
  orders: EngineOrder[];
  ordered: boolean;
  paid: boolean;
  replied: boolean;
  agents: Set<string>;
  agentOrdered: Set<string>;
  agentPaid: Set<string>;
  firstResponseMs: number | null;
  firstHumanMs: number | null;
  firstHumanAgent: string | null;
}

/** One buyer turn that started in the period. */
export interface TurnFacts {
  buyer: string;
  day: number;
  start: number;
  last: number;
  count: number;
  responseAt: number | null;
  responseMs: number | null;
  agent: string | null;
}

/** A paid order credited to the period (`credited`) and/or paid in it without inquiry (`silent`). */
export interface OrderFacts {
  order: EngineOrder;
  creditDay: number | null;
  paidDay: number | null;
  credited: boolean;
  silent: boolean;
}

/** A first payment reminder of one script for one order, sent in the period while the order was unpaid. */
export interface ReminderFacts {
  order: EngineOrder;
  script: string;
  at: number;
  success: boolean;
}

/** Receives the per-record facts behind the figures (used by drill-down). */
export interface KpiSink {
  cohort(f: CohortFacts): void;
  turn(f: TurnFacts): void;
  order(f: OrderFacts): void;
  reminder(f: ReminderFacts): void;
}

/** Applies defaults and validates; throws RangeError for a bad date, zone, window or schedule. */
export function resolveKpiSettings(s: KpiSettings): ResolvedKpiSettings {
  const tz = s.tz ?? 'Asia/Shanghai';
  const from = parseDay(s.from);
  const to = parseDay(s.to);
  if (from === null) throw new RangeError(`起始日期不对：${s.from}（应为 YYYY-MM-DD）`);
  if (to === null) throw new RangeError(`结束日期不对：${s.to}（应为 YYYY-MM-DD）`);
  if (from > to) throw new RangeError(`起始日期 ${s.from} 晚于结束日期 ${s.to}`);
  const w = s.attributionWindowHours ?? 72;
  if (!Number.isFinite(w) || w < 0) throw new RangeError(`归因窗口应为非负小时数：${w}`);
  const g = s.sessionGapHours ?? 24;
  if (!Number.isFinite(g) || g <= 0) throw new RangeError(`会话间隔应为正的小时数：${g}`);
  makeZone(tz);
  return {
    from: s.from,
    to: s.to,
    tz,
    attributionWindowHours: w,
    businessHours: s.businessHours,
    creditOn: s.creditOn ?? 'payment',
    sessionGapHours: g,
  };
}

class Agg {
  inquirers = 0;
  orderers = 0;
  payers = 0;
  silent = 0;
  replied = 0;
  frSum = 0;
  frN = 0;
  fhSum = 0;
  fhN = 0;
  turnSum = 0;
  answered = 0;
  unanswered = 0;
  cents = 0;
  paidOrders = 0;
  payingCustomers = 0;
  refunded = 0;
  lastPayer: string | null = null;
  lastSilent: string | null = null;

  figures(): KpiFigures {
    return {
      inquirers: this.inquirers,
      orderers: this.orderers,
      payers: this.payers,
      inquiryConversion: ratio(this.orderers, this.inquirers),
      paymentConversion: ratio(this.payers, this.orderers),
      inquiryToPayment: ratio(this.payers, this.inquirers),
      silentBuyers: this.silent,
      repliedInquirers: this.replied,
      replyRate: ratio(this.replied, this.inquirers),
      firstResponseSec: mean(this.frSum, this.frN),
      firstHumanResponseSec: mean(this.fhSum, this.fhN),
      avgResponseSec: mean(this.turnSum, this.answered),
      answeredTurns: this.answered,
      unansweredTurns: this.unanswered,
      revenue: this.cents / 100,
      payingCustomers: this.payingCustomers,
      paidOrders: this.paidOrders,
      perCustomerValue: this.payingCustomers === 0 ? null : this.cents / 100 / this.payingCustomers,
      perOrderValue: this.paidOrders === 0 ? null : this.cents / 100 / this.paidOrders,
      refundedOrders: this.refunded,
      refundRate: ratio(this.refunded, this.paidOrders),
    };
  }
}

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

function mean(sumMs: number, n: number): number | null {
  return n === 0 ? null : sumMs / n / 1000;
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function byTime(a: Msg, b: Msg): number {
  return a.t - b.t || a.seq - b.seq;
}

function toCents(amount: number): number {
  return Number.isFinite(amount) ? Math.round(Number((amount * 100).toPrecision(15))) : 0;
}

interface DayInq {
  day: number;
  at: number;
  atC: number;
  frMs: number | null;
  fhMs: number | null;
  fhAgent: string | null;
}

/** Prepared input: records grouped by buyer and sorted by time. */
interface Prepared {
  zone: Zone;
  clock: BusinessClock;
  fromDay: number;
  toDay: number;
  periodEnd: number;
  windowMs: number;
  gapMs: number;
  msgsByBuyer: Map<string, Msg[]>;
  ordersByBuyer: Map<string, EngineOrder[]>;
  skipped: number;
}

function prepare(input: KpiInput, s: ResolvedKpiSettings): Prepared {
  const zone = makeZone(s.tz);
  const clock = makeBusinessClock(s.businessHours, zone);
  const fromDay = parseDay(s.from)!;
  const toDay = parseDay(s.to)!;
  let skipped = 0;
  const msgsByBuyer = new Map<string, Msg[]>();
  const messages = input.messages;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const k = m.from === 'buyer' ? BUYER : m.from === 'agent' ? AGENT : m.from === 'auto' ? AUTO : -1;
    if (k < 0) continue; // system messages play no part in any figure
    const t = parseTime(m.at, zone);
    if (Number.isNaN(t)) {
      skipped++;
      continue;
    }
    let list = msgsByBuyer.get(m.buyer);
    if (!list) msgsByBuyer.set(m.buyer, (list = []));
    list.push({ t, c: clock.at(t), d: k === BUYER ? zone.dayOf(t) : 0, k, a: k === AGENT ? m.agent || UNKNOWN_AGENT : '', seq: i });
  }
  for (const list of msgsByBuyer.values()) list.sort(byTime);
  const ordersByBuyer = new Map<string, EngineOrder[]>();
  for (const o of input.orders) {
    const created = parseTime(o.createdAt, zone);
    const paidRaw = o.paidAt;
    const paid = paidRaw === undefined || paidRaw === null || paidRaw === '' ? null : parseTime(paidRaw, zone);
    if (Number.isNaN(created) || (paid !== null && Number.isNaN(paid))) {
      skipped++;
      continue;
    }
    let list = ordersByBuyer.get(o.buyer);
    if (!list) ordersByBuyer.set(o.buyer, (list = []));
    list.push({
      id: o.id,
      buyer: o.buyer,
      cents: toCents(o.amount),
      created,
      paid,
      refunded: o.refunded === true || (o.refundAmount ?? 0) > 0,
      qty: o.quantity ?? 1,
      agent: null,
    });
  }
  for (const list of ordersByBuyer.values()) list.sort((a, b) => a.created - b.created);
  return {
    zone,
    clock,
    fromDay,
    toDay,
    periodEnd: zone.dayStartUtc(toDay + 1),
    windowMs: s.attributionWindowHours * HOUR_MS,
    gapMs: s.sessionGapHours * HOUR_MS,
    msgsByBuyer,
    ordersByBuyer,
    skipped,
  };
}

/** Aggregates of one pass; one method per stage so nothing is re-created per buyer. */
class Pass {
  readonly total = new Agg();
  readonly shop = new Agg();
  readonly days: Agg[];
  readonly agents = new Map<string, Agg>();
  private readonly fromDay: number;
  private readonly toDay: number;

  constructor(
    private readonly p: Prepared,
    private readonly creditOnPayment: boolean,
    private readonly sink: KpiSink | undefined,
  ) {
    this.fromDay = p.fromDay;
    this.toDay = p.toDay;
    this.days = Array.from({ length: p.toDay - p.fromDay + 1 }, () => new Agg());
  }

  agent(name: string): Agg {
    let a = this.agents.get(name);
    if (!a) this.agents.set(name, (a = new Agg()));
    return a;
  }

  inPeriod(day: number): boolean {
    return day >= this.fromDay && day <= this.toDay;
  }

  closeTurn(t: TurnFacts): void {
    if (!this.inPeriod(t.day)) return;
    const d = this.days[t.day - this.fromDay]!;
    if (t.responseMs === null) {
      this.total.unanswered++;
      d.unanswered++;
    } else {
      this.total.answered++;
      this.total.turnSum += t.responseMs;
      d.answered++;
      d.turnSum += t.responseMs;
      const a = this.agent(t.agent!);
      a.answered++;
      a.turnSum += t.responseMs;
    }
    this.sink?.turn(t);
  }

  buyer(buyer: string, msgs: readonly Msg[], orders: EngineOrder[]): void {
    const { gapMs, windowMs } = this.p;
    const buyerTimes: number[] = [];
    const agentTimes: number[] = [];
    const agentNames: string[] = [];
    const inqDays: DayInq[] = [];

    // Turns and first responses, in one walk over the conversation (times on the business clock).
    let turn: TurnFacts | null = null;
    let turnStartC = 0;
    let lastBuyerC: number | null = null;
    let lastBuyerDay = NaN;
    let pending: DayInq[] = [];
    for (const m of msgs) {
      const ended = lastBuyerC !== null && m.c - lastBuyerC > gapMs;
      if (ended) {
        if (turn) this.closeTurn(turn);
        turn = null;
        pending = [];
      }
      if (m.k === BUYER) {
        buyerTimes.push(m.t);
        const day = m.d;
        if (turn) {
          turn.last = m.t;
          turn.count++;
        } else {
          turn = { buyer, day, start: m.t, last: m.t, count: 1, responseAt: null, responseMs: null, agent: null };
          turnStartC = m.c;
        }
        if (day !== lastBuyerDay && this.inPeriod(day)) {
          const inq: DayInq = { day, at: m.t, atC: m.c, frMs: null, fhMs: null, fhAgent: null };
          inqDays.push(inq);
          pending.push(inq);
        }
        lastBuyerDay = day;
        lastBuyerC = m.c;
        continue;
      }
      if (m.k === AGENT) {
        agentTimes.push(m.t);
        agentNames.push(m.a);
      }
      if (ended || lastBuyerC === null) continue;
      if (pending.length > 0) {
        for (const inq of pending) {
          inq.frMs ??= m.c - inq.atC;
          if (m.k === AGENT && inq.fhMs === null) {
            inq.fhMs = m.c - inq.atC;
            inq.fhAgent = m.a;
          }
        }
        if (m.k === AGENT) pending = [];
      }
      if (m.k === AGENT && turn) {
        turn.responseAt = m.t;
        turn.responseMs = m.c - turnStartC;
        turn.agent = m.a;
        this.closeTurn(turn);
        turn = null;
      }
    }
    if (turn) this.closeTurn(turn);

    // Attribution: the last agent message within the window before the order was created.
    for (const o of orders) {
      const i = upperBound(agentTimes, o.created) - 1;
      o.agent = i >= 0 && agentTimes[i]! >= o.created - windowMs ? agentNames[i]! : null;
    }

    // First response per inquirer-day.
    for (const inq of inqDays) {
      const d = this.days[inq.day - this.fromDay]!;
      if (inq.frMs !== null) {
        this.total.frSum += inq.frMs;
        this.total.frN++;
        d.frSum += inq.frMs;
        d.frN++;
      }
      if (inq.fhMs !== null) {
        this.total.fhSum += inq.fhMs;
        this.total.fhN++;
        d.fhSum += inq.fhMs;
        d.fhN++;
        const a = this.agent(inq.fhAgent!);
        a.fhSum += inq.fhMs;
        a.fhN++;
      }
    }

    // Cohorts: the period (first inquiry in the period) and each day of it.
    if (inqDays.length > 0) {
      const ctx: BuyerCtx = { buyer, orders, agentTimes, agentNames, windowMs };
      const f = cohortOf(ctx, inqDays[0]!.at, this.p.periodEnd + windowMs, null, null, true);
      countCohort(this.total, f);
      for (const name of f.agents) {
        const a = this.agent(name);
        a.inquirers++;
        if (f.agentOrdered.has(name)) a.orderers++;
        if (f.agentPaid.has(name)) a.payers++;
      }
      this.sink?.cohort(f);
      for (const inq of inqDays) {
        const df = cohortOf(ctx, inq.at, this.p.zone.dayStartUtc(inq.day + 1) + windowMs, inq.day, inq, this.sink !== undefined);
        countCohort(this.days[inq.day - this.fromDay]!, df);
        this.sink?.cohort(df);
      }
    }

    // Money (credited paid orders) and silent buyers.
    const zone = this.p.zone;
    for (const o of orders) {
      if (o.paid === null) continue;
      const paidDay = zone.dayOf(o.paid);
      const creditDay = this.creditOnPayment ? paidDay : zone.dayOf(o.created);
      const credited = this.inPeriod(creditDay);
      let silent = false;
      if (this.inPeriod(paidDay)) {
        const j = upperBound(buyerTimes, o.created) - 1;
        silent = j < 0 || buyerTimes[j]! < o.created - windowMs;
      }
      if (credited) {
        addPaid(this.shop, o, buyer);
        if (o.agent !== null) {
          addPaid(this.total, o, buyer);
          addPaid(this.days[creditDay - this.fromDay]!, o, buyer);
          addPaid(this.agent(o.agent), o, buyer);
        }
      }
      if (silent) {
        addSilent(this.total, buyer);
        addSilent(this.days[paidDay - this.fromDay]!, buyer);
      }
      if (credited || silent) this.sink?.order({ order: o, creditDay: credited ? creditDay : null, paidDay, credited, silent });
    }
  }
}

interface BuyerCtx {
  buyer: string;
  orders: EngineOrder[];
  agentTimes: number[];
  agentNames: string[];
  windowMs: number;
}

/** One buyer in one cohort: orders within the window after `first`, agent messages in [first, horizonEnd). */
function cohortOf(c: BuyerCtx, first: number, horizonEnd: number, day: number | null, inq: DayInq | null, withAgents: boolean): CohortFacts {
  const { orders, agentTimes, agentNames } = c;
  const inWindow: EngineOrder[] = [];
  let lo = 0;
  let hi = orders.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (orders[mid]!.created < first) lo = mid + 1;
    else hi = mid;
  }
  let paid = false;
  for (let i = lo; i < orders.length && orders[i]!.created <= first + c.windowMs; i++) {
    inWindow.push(orders[i]!);
    if (orders[i]!.paid !== null) paid = true;
  }
  const a0 = lowerBound(agentTimes, first);
  const f: CohortFacts = {
    buyer: c.buyer,
    day,
    firstInquiry: first,
    orders: inWindow,
    ordered: inWindow.length > 0,
    paid,
    replied: a0 < agentTimes.length && agentTimes[a0]! < horizonEnd,
    agents: new Set(),
    agentOrdered: new Set(),
    agentPaid: new Set(),
    firstResponseMs: inq?.frMs ?? null,
    firstHumanMs: inq?.fhMs ?? null,
    firstHumanAgent: inq?.fhAgent ?? null,
  };
  if (withAgents) {
    for (let i = a0; i < agentTimes.length && agentTimes[i]! < horizonEnd; i++) f.agents.add(agentNames[i]!);
    for (const o of inWindow) {
      if (o.agent === null) continue;
      f.agents.add(o.agent);
      f.agentOrdered.add(o.agent);
      if (o.paid !== null) f.agentPaid.add(o.agent);
    }
  }
  return f;
}

function countCohort(agg: Agg, f: CohortFacts): void {
  agg.inquirers++;
  if (f.ordered) agg.orderers++;
  if (f.paid) agg.payers++;
  if (f.replied) agg.replied++;
}

function addPaid(agg: Agg, o: EngineOrder, buyer: string): void {
  agg.cents += o.cents;
  agg.paidOrders++;
  if (o.refunded) agg.refunded++;
  // A buyer's orders are visited together, so a marker counts distinct customers.
  if (agg.lastPayer !== buyer) {
    agg.lastPayer = buyer;
    agg.payingCustomers++;
  }
}

function addSilent(agg: Agg, buyer: string): void {
  if (agg.lastSilent !== buyer) {
    agg.lastSilent = buyer;
    agg.silent++;
  }
}

/** The full pass: aggregates every figure and feeds the per-record facts to `sink` when given. O(n log n). */
export function runKpis(input: KpiInput, settings: KpiSettings, sink?: KpiSink): KpiReport {
  const s = resolveKpiSettings(settings);
  const p = prepare(input, s);
  const { zone, fromDay } = p;
  const pass = new Pass(p, s.creditOn === 'payment', sink);
  const { total, shop, days, agents } = pass;
  const inPeriod = (day: number): boolean => pass.inPeriod(day);
  const empty: Msg[] = [];
  for (const [buyer, msgs] of p.msgsByBuyer) pass.buyer(buyer, msgs, p.ordersByBuyer.get(buyer) ?? []);
  for (const [buyer, orders] of p.ordersByBuyer) if (!p.msgsByBuyer.has(buyer)) pass.buyer(buyer, empty, orders);

  // After-sales and quality.
  const goodsSold = [...p.ordersByBuyer.values()].reduce(
    (sum, list) => sum + list.reduce((s2, o) => s2 + (o.paid !== null && inPeriod(zone.dayOf(o.paid)) ? o.qty : 0), 0),
    0,
  );
  let goodsReturned = 0;
  let complaints = 0;
  let skipped = p.skipped;
  for (const c of input.cases ?? []) {
    const t = parseTime(c.at, zone);
    if (Number.isNaN(t)) {
      skipped++;
      continue;
    }
    if (!inPeriod(zone.dayOf(t))) continue;
    if (c.kind === 'return') goodsReturned += c.quantity ?? 1;
    else if (c.kind === 'complaint') complaints++;
  }
  let reviews = 0;
  let badReviews = 0;
  for (const r of input.reviews ?? []) {
    const t = parseTime(r.at, zone);
    if (Number.isNaN(t)) {
      skipped++;
      continue;
    }
    if (!inPeriod(zone.dayOf(t))) continue;
    reviews++;
    if (r.rating !== 'good') badReviews++;
  }
  const urgeSuccess = urge(input, p, inPeriod, sink, () => skipped++);

  const agentRows: KpiAgent[] = [...agents.entries()]
    .map(([agent, a]) => {
      const f = a.figures();
      return {
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
      };
    })
    .sort((x, y) => y.revenue - x.revenue || y.inquirers - x.inquirers || (x.agent < y.agent ? -1 : x.agent > y.agent ? 1 : 0));
  const byDay: KpiDay[] = days.map((d, i) => ({ day: formatDay(fromDay + i), ...d.figures() }));
  const shopFigures = shop.figures();
  return {
    period: { from: s.from, to: s.to, tz: s.tz },
    settings: s,
    ...total.figures(),
    goodsSold,
    goodsReturned,
    returnRate: input.cases ? ratio(goodsReturned, goodsSold) : null,
    complaints,
    complaintRate: input.cases ? ratio(complaints, total.inquirers) : null,
    reviews,
    badReviews,
    badReviewRate: ratio(badReviews, reviews),
    urgeSuccess,
    byAgent: agentRows,
    byDay,
    shop: {
      revenue: shopFigures.revenue,
      paidOrders: shopFigures.paidOrders,
      payingCustomers: shopFigures.payingCustomers,
      refundedOrders: shopFigures.refundedOrders,
      refundRate: shopFigures.refundRate,
    },
    skippedRecords: skipped,
  };
}

function urge(
  input: KpiInput,
  p: Prepared,
  inPeriod: (day: number) => boolean,
  sink: KpiSink | undefined,
  onSkip: () => void,
): KpiUrgeScript[] {
  if (!input.reminders || input.reminders.length === 0) return [];
  const byId = new Map<string, EngineOrder>();
  for (const list of p.ordersByBuyer.values()) for (const o of list) byId.set(o.id, o);
  const timed: Array<{ at: number; script: string; order: EngineOrder }> = [];
  for (const r of input.reminders) {
    const at = parseTime(r.at, p.zone);
    if (Number.isNaN(at)) {
      onSkip();
      continue;
    }
    const order = byId.get(r.orderId);
    if (!order || !inPeriod(p.zone.dayOf(at))) continue;
    if (order.paid !== null && order.paid <= at) continue; // already paid: not a reminder of an unpaid order
    timed.push({ at, script: r.script, order });
  }
  timed.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  const scripts = new Map<string, KpiUrgeScript>();
  for (const r of timed) {
    const key = `${r.script}\u0000${r.order.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let row = scripts.get(r.script);
    if (!row) scripts.set(r.script, (row = { script: r.script, reminded: 0, paid: 0, rate: null }));
    const success = r.order.paid !== null && r.order.paid - r.at <= p.windowMs;
    row.reminded++;
    if (success) row.paid++;
    sink?.reminder({ order: r.order, script: r.script, at: r.at, success });
  }
  const rows = [...scripts.values()].sort((a, b) => (a.script < b.script ? -1 : a.script > b.script ? 1 : 0));
  for (const row of rows) row.rate = ratio(row.paid, row.reminded);
  return rows;
}

/** Computes every figure of KPIS.md over one shop's records for the period in `settings`. Input may be in any order. */
export function computeKpis(input: KpiInput, settings: KpiSettings): KpiReport {
  return runKpis(input, settings);
}

/** Day span (`from`/`to` in `tz`) covered by the buyer messages and orders, or null when there are none. */
export function dataSpan(input: KpiInput, tz = 'Asia/Shanghai'): { from: string; to: string } | null {
  const zone = makeZone(tz);
  let lo = Infinity;
  let hi = -Infinity;
  const see = (v: string | number | null | undefined): void => {
    if (v === undefined || v === null || v === '') return;
    const t = parseTime(v, zone);
    if (Number.isNaN(t)) return;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  };
  for (const m of input.messages) if (m.from === 'buyer') see(m.at);
  for (const o of input.orders) {
    see(o.createdAt);
    see(o.paidAt);
  }
  if (lo === Infinity) return null;
  return { from: formatDay(zone.dayOf(lo)), to: formatDay(zone.dayOf(hi)) };
}
