import {
  formatDay,
  makeZone,
  runKpis,
  UNKNOWN_AGENT,
  type BusinessHours,
  type KpiInput,
  type KpiMessage,
  type KpiOrder,
  type KpiSettings,
} from '@kefu/core';
import type {
  KpiBuyerDayAgentsTable,
  KpiBuyerDayScenariosTable,
  KpiBuyerDaysTable,
  KpiMoneyRepeatsTable,
  KpiOrdersTable,
} from '../../storage/schema.js';

/** Settings the rollups are built with (a change of any but `creditOn` needs a rebuild). */
export interface RollupSettings {
  tz: string;
  businessHours: BusinessHours | null;
  attributionWindowHours: number;
  sessionGapHours: number;
  creditOn: 'payment' | 'order';
}

export const DEFAULT_ROLLUP_SETTINGS: Omit<RollupSettings, 'tz'> = {
  businessHours: null,
  attributionWindowHours: 72,
  sessionGapHours: 24,
  creditOn: 'payment',
};

/** One stored message as the KPIs see it. `buyer` is the buyer key (buyers.id). */
export interface RawMessage {
  buyer: string;
  sender: string;
  agent: string | null;
  kind: string;
  at: number;
  scenario?: string | null;
}

/** One stored order as the KPIs see it; `buyer` is buyers.id, or `nick:<买家会员名>` for an order not linked to a buyer. */
export interface RawOrder {
  id: string;
  buyer: string;
  amount: number;
  createdAt: number;
  paidAt: number | null;
  quantity: number;
  refunded: boolean;
}

/** The buyer key of an order row. */
export function orderBuyerKey(row: { buyer_id: string | null; buyer_nick: string }): string {
  return row.buyer_id ?? `nick:${row.buyer_nick}`;
}

/** An orders row → RawOrder (paid amount is 买家实际支付金额; a refund counts when done or with an amount). */
export function rawOrderOf(row: {
  id: string;
  buyer_id: string | null;
  buyer_nick: string;
  amount: number;
  paid_amount: number | null;
  refund_amount: number | null;
  refund_status: string;
  item_count: number;
  created_at: number;
  paid_at: number | null;
}): RawOrder {
  return {
    id: row.id,
    buyer: orderBuyerKey(row),
    amount: Number(row.paid_amount ?? row.amount),
    createdAt: Number(row.created_at),
    paidAt: row.paid_at === null ? null : Number(row.paid_at),
    quantity: Number(row.item_count),
    refunded: row.refund_status === 'refunded' || Number(row.refund_amount ?? 0) > 0,
  };
}

/** Whether a stored message takes part in the KPIs (internal notes and system lines do not). */
export function countsForKpi(m: { sender: string; kind: string }): boolean {
  return (m.sender === 'buyer' || m.sender === 'agent' || m.sender === 'auto') && m.kind !== 'note';
}

/** The engine input for stored rows: the one mapping shared by the rollups, the drill-down and the raw recomputation. */
export function kpiInputOf(messages: readonly RawMessage[], orders: readonly RawOrder[]): KpiInput {
  const kms: KpiMessage[] = [];
  for (const m of messages) {
    if (!countsForKpi(m)) continue;
    const km: KpiMessage = { buyer: m.buyer, from: m.sender as KpiMessage['from'], at: m.at };
    if (m.sender === 'agent' && m.agent) km.agent = m.agent;
    kms.push(km);
  }
  const kos: KpiOrder[] = orders.map((o) => ({
    id: o.id,
    buyer: o.buyer,
    amount: o.amount,
    createdAt: o.createdAt,
    paidAt: o.paidAt,
    quantity: o.quantity,
    refunded: o.refunded,
  }));
  return { messages: kms, orders: kos };
}

/** Engine settings for a period under the rollup settings. */
export function engineSettings(s: RollupSettings, from: string, to: string): KpiSettings {
  return {
    from,
    to,
    tz: s.tz,
    attributionWindowHours: s.attributionWindowHours,
    sessionGapHours: s.sessionGapHours,
    creditOn: s.creditOn,
    ...(s.businessHours ? { businessHours: s.businessHours } : {}),
  };
}

export interface RollupFacts {
  days: KpiBuyerDaysTable[];
  agents: KpiBuyerDayAgentsTable[];
  orders: KpiOrdersTable[];
  scenarios: KpiBuyerDayScenariosTable[];
  repeats: KpiMoneyRepeatsTable[];
}

/** The credit modes money is rolled up for (the day an order counts on is chosen at query time). */
export const CREDIT_MODES = ['payment', 'order'] as const;
/** Column order of kpi_money_days and kpi_money_agent_days values in MoneySums. */
export const MONEY_DAY_SUMS = ['svc_cents', 'svc_n', 'svc_ref', 'svc_cust', 'all_cents', 'all_n', 'all_ref', 'all_cust', 'silent'] as const;
export const MONEY_AGENT_SUMS = ['cents', 'n', 'ref', 'cust'] as const;

type OrderFact = Pick<KpiOrdersTable, 'buyer' | 'created_day' | 'paid_day' | 'cents' | 'refunded' | 'agent' | 'silent'>;

/** Money sums of some buyers' paid-order rows, keyed `credit\0day` and `credit\0day\0agent` (distinct buyers counted per day). */
export function moneySums(orders: readonly OrderFact[]): { days: Map<string, number[]>; agents: Map<string, number[]> } {
  const days = new Map<string, number[]>();
  const agents = new Map<string, number[]>();
  const seen = new Set<string>();
  const add = (m: Map<string, number[]>, k: string, width: number, i: number, v: number): void => {
    let cur = m.get(k);
    if (!cur) m.set(k, (cur = new Array<number>(width).fill(0)));
    cur[i]! += v;
  };
  const once = (k: string): boolean => (seen.has(k) ? false : (seen.add(k), true));
  for (const credit of CREDIT_MODES) {
    for (const o of orders) {
      const cents = Number(o.cents);
      const ref = Number(o.refunded);
      const dk = `${credit}\u0000${credit === 'order' ? o.created_day : o.paid_day}`;
      add(days, dk, 9, 4, cents);
      add(days, dk, 9, 5, 1);
      add(days, dk, 9, 6, ref);
      if (once(`all\u0000${dk}\u0000${o.buyer}`)) add(days, dk, 9, 7, 1);
      // Silent buyers count on the payment day whatever the credit mode.
      const sk = `${credit}\u0000${o.paid_day}`;
      if (Number(o.silent) === 1 && once(`silent\u0000${sk}\u0000${o.buyer}`)) add(days, sk, 9, 8, 1);
      if (o.agent === null) continue;
      add(days, dk, 9, 0, cents);
      add(days, dk, 9, 1, 1);
      add(days, dk, 9, 2, ref);
      if (once(`svc\u0000${dk}\u0000${o.buyer}`)) add(days, dk, 9, 3, 1);
      const ak = `${dk}\u0000${o.agent}`;
      add(agents, ak, 4, 0, cents);
      add(agents, ak, 4, 1, 1);
      add(agents, ak, 4, 2, ref);
      if (once(`agent\u0000${ak}\u0000${o.buyer}`)) add(agents, ak, 4, 3, 1);
    }
  }
  return { days, agents };
}

/**
 * For each buyer, credit mode and category (service orders, all orders, silent, per agent): every credited day
 * after the buyer's first, with the previous one. A period's distinct buyers = the day sums minus these rows
 * with `prev_day` in the period.
 */
export function moneyRepeats(shopId: string, orders: readonly OrderFact[]): KpiMoneyRepeatsTable[] {
  const daysOf = new Map<string, { credit: string; kind: string; agent: string; buyer: string; days: Set<number> }>();
  const put = (credit: string, kind: string, agent: string, buyer: string, day: number): void => {
    const k = `${credit}\u0000${kind}\u0000${agent}\u0000${buyer}`;
    let e = daysOf.get(k);
    if (!e) daysOf.set(k, (e = { credit, kind, agent, buyer, days: new Set() }));
    e.days.add(day);
  };
  for (const credit of CREDIT_MODES) {
    for (const o of orders) {
      const day = credit === 'order' ? o.created_day : o.paid_day;
      put(credit, 'all', '', o.buyer, day);
      if (Number(o.silent) === 1) put(credit, 'silent', '', o.buyer, o.paid_day);
      if (o.agent === null) continue;
      put(credit, 'svc', '', o.buyer, day);
      put(credit, 'agent', o.agent, o.buyer, day);
    }
  }
  const out: KpiMoneyRepeatsTable[] = [];
  for (const e of daysOf.values()) {
    const sorted = [...e.days].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) {
      out.push({ shop_id: shopId, credit: e.credit, day: sorted[i]!, kind: e.kind, agent: e.agent, buyer: e.buyer, prev_day: sorted[i - 1]! });
    }
  }
  return out;
}

/**
 * The rollup rows of a set of buyers, from ALL their messages and orders, by one engine pass with a sink over
 * the whole span of their data: one-day cohorts give the (day, buyer) facts, turns and first responses are
 * summed per day and agent, paid orders keep their attribution. Pure; rows of every buyer in the input.
 */
export function buildFacts(shopId: string, messages: readonly RawMessage[], orders: readonly RawOrder[], s: RollupSettings): RollupFacts {
  const out: RollupFacts = { days: [], agents: [], orders: [], scenarios: [], repeats: [] };
  const zone = makeZone(s.tz);
  let lo = Infinity;
  let hi = -Infinity;
  const see = (t: number): void => {
    const d = zone.dayOf(t);
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  };
  for (const m of messages) if (m.sender === 'buyer' && m.kind !== 'note') see(m.at);
  for (const o of orders) {
    see(o.createdAt);
    if (o.paidAt !== null) see(o.paidAt);
  }
  if (lo === Infinity) return out;

  const dayRows = new Map<string, KpiBuyerDaysTable>();
  const agentRows = new Map<string, KpiBuyerDayAgentsTable>();
  const key = (buyer: string, day: number): string => `${buyer}\u0000${day}`;
  const agentRow = (buyer: string, day: number, agent: string): KpiBuyerDayAgentsTable => {
    const k = `${buyer}\u0000${day}\u0000${agent}`;
    let r = agentRows.get(k);
    if (!r) {
      r = { shop_id: shopId, day, buyer, agent, prev_day: null, first_msg_at: null, in_day: 0, ordered: 0, paid: 0, answered: 0, turn_ms: 0, fh_n: 0, fh_ms: 0 };
      agentRows.set(k, r);
    }
    return r;
  };
  const cohortAgents: Array<{ buyer: string; day: number; ordered: Set<string>; paid: Set<string> }> = [];
  const turns: Array<{ buyer: string; day: number; ms: number | null; agent: string | null }> = [];

  runKpis(kpiInputOf(messages, orders), engineSettings({ ...s, creditOn: 'payment' }, formatDay(lo), formatDay(hi)), {
    cohort(f) {
      if (f.day === null) return;
      dayRows.set(key(f.buyer, f.day), {
        shop_id: shopId,
        day: f.day,
        buyer: f.buyer,
        prev_day: null,
        first_at: f.firstInquiry,
        first_agent_at: null,
        ordered: f.ordered ? 1 : 0,
        paid: f.paid ? 1 : 0,
        replied_day: f.replied ? 1 : 0,
        fr_ms: f.firstResponseMs,
        fh_ms: f.firstHumanMs,
        fh_agent: f.firstHumanAgent,
        answered: 0,
        turn_ms: 0,
        unanswered: 0,
      });
      cohortAgents.push({ buyer: f.buyer, day: f.day, ordered: f.agentOrdered, paid: f.agentPaid });
    },
    turn(f) {
      turns.push({ buyer: f.buyer, day: f.day, ms: f.responseMs, agent: f.agent });
    },
    order(f) {
      const o = f.order;
      out.orders.push({
        shop_id: shopId,
        order_id: o.id,
        buyer: o.buyer,
        created_day: zone.dayOf(o.created),
        paid_day: f.paidDay ?? zone.dayOf(o.paid!),
        cents: o.cents,
        refunded: o.refunded ? 1 : 0,
        agent: o.agent,
        silent: f.silent ? 1 : 0,
      });
    },
    reminder() {},
  });

  for (const t of turns) {
    const r = dayRows.get(key(t.buyer, t.day));
    if (!r) continue; // a turn always starts on an inquiry day
    if (t.ms === null) r.unanswered++;
    else {
      r.answered++;
      r.turn_ms += t.ms;
      const a = agentRow(t.buyer, t.day, t.agent!);
      a.answered++;
      a.turn_ms += t.ms;
    }
  }
  for (const c of cohortAgents) {
    for (const name of c.ordered) agentRow(c.buyer, c.day, name).ordered = 1;
    for (const name of c.paid) agentRow(c.buyer, c.day, name).paid = 1;
  }

  // Agent messages per buyer, sorted, for "first agent message at or after the day's first inquiry".
  const agentMsgs = new Map<string, Array<{ t: number; a: string }>>();
  for (const m of messages) {
    if (m.sender !== 'agent' || m.kind === 'note') continue;
    let list = agentMsgs.get(m.buyer);
    if (!list) agentMsgs.set(m.buyer, (list = []));
    list.push({ t: m.at, a: m.agent || UNKNOWN_AGENT });
  }
  for (const list of agentMsgs.values()) list.sort((x, y) => x.t - y.t);

  const byBuyer = new Map<string, KpiBuyerDaysTable[]>();
  for (const r of dayRows.values()) {
    let list = byBuyer.get(r.buyer);
    if (!list) byBuyer.set(r.buyer, (list = []));
    list.push(r);
  }
  for (const [buyer, rows] of byBuyer) {
    rows.sort((x, y) => x.day - y.day);
    const msgs = agentMsgs.get(buyer) ?? [];
    let prev: number | null = null;
    for (const r of rows) {
      r.prev_day = prev;
      prev = r.day;
      if (r.fh_ms !== null && r.fh_agent !== null) {
        const a = agentRow(buyer, r.day, r.fh_agent);
        a.fh_n++;
        a.fh_ms += r.fh_ms;
      }
      let i = 0;
      while (i < msgs.length && msgs[i]!.t < r.first_at) i++;
      if (i < msgs.length) r.first_agent_at = msgs[i]!.t;
      const seen = new Set<string>();
      for (; i < msgs.length; i++) {
        const m = msgs[i]!;
        if (seen.has(m.a)) continue;
        seen.add(m.a);
        agentRow(buyer, r.day, m.a).first_msg_at = m.t;
      }
    }
  }
  const windowMs = s.attributionWindowHours * 3_600_000;
  for (const a of agentRows.values()) {
    a.prev_day = dayRows.get(key(a.buyer, a.day))?.prev_day ?? null;
    a.in_day = a.ordered === 1 || (a.first_msg_at !== null && a.first_msg_at < zone.dayStartUtc(a.day + 1) + windowMs) ? 1 : 0;
  }

  const scen = new Map<string, KpiBuyerDayScenariosTable>();
  for (const m of messages) {
    if (m.sender !== 'buyer' || !m.scenario) continue;
    const day = zone.dayOf(m.at);
    const k = `${m.buyer}\u0000${day}\u0000${m.scenario}`;
    const r = scen.get(k);
    if (r) r.messages++;
    else scen.set(k, { shop_id: shopId, day, buyer: m.buyer, scenario: m.scenario, messages: 1 });
  }

  out.days = [...dayRows.values()];
  out.agents = [...agentRows.values()];
  out.scenarios = [...scen.values()];
  out.repeats = moneyRepeats(shopId, out.orders);
  return out;
}
