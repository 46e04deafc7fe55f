import { runKpis, type CohortFacts, type EngineOrder, type OrderFacts, type ReminderFacts, type TurnFacts } from './engine.js';
import { formatDay, makeZone, parseDay, type Zone } from './time.js';
import type {
  KpiBuyerRow,
  KpiDrillDown,
  KpiDrillFigure,
  KpiDrillKey,
  KpiInput,
  KpiOrderRow,
  KpiSettings,
  KpiTurnRow,
} from './types.js';

/**
 * The records behind one figure (the dashboard click-through), e.g. `drillDown(input, settings, 'payers', { agent: '小美' })`.
 * `key.day` narrows to one day's cohort/turns/orders, `key.agent` to one agent, `key.script` to one reminder script.
 * Rows come sorted by time, then buyer.
 */
export function drillDown(input: KpiInput, settings: KpiSettings, figure: KpiDrillFigure, key: KpiDrillKey = {}): KpiDrillDown {
  const zone = makeZone(settings.tz ?? 'Asia/Shanghai');
  let day: number | null = null;
  if (key.day !== undefined) {
    day = parseDay(key.day);
    if (day === null) throw new RangeError(`日期不对：${key.day}`);
  }
  const cohorts: CohortFacts[] = [];
  const turns: TurnFacts[] = [];
  const orders: OrderFacts[] = [];
  const reminders: ReminderFacts[] = [];
  runKpis(input, settings, {
    cohort: (f) => cohorts.push(f),
    turn: (f) => turns.push(f),
    order: (f) => orders.push(f),
    reminder: (f) => reminders.push(f),
  });
  const agent = key.agent;
  // Whole-period figures use the period cohort, a day key the day's cohort.
  const inScope = (f: CohortFacts): boolean => f.day === day;
  const buyerRows = (pred: (f: CohortFacts) => boolean): KpiDrillDown => ({
    kind: 'buyers',
    rows: sortBuyers(cohorts.filter((f) => inScope(f) && pred(f)).map((f) => buyerRow(f, zone))),
  });
  const turnRows = (pred: (t: TurnFacts) => boolean): KpiDrillDown => ({
    kind: 'turns',
    rows: turns
      .filter((t) => (day === null || t.day === day) && pred(t))
      .map((t) => turnRow(t, zone))
      .sort((a, b) => cmp(a.startAt, b.startAt) || cmp(a.buyer, b.buyer)),
  });
  const orderScope = (o: OrderFacts, d: number | null): boolean => day === null || d === day;
  const orderRows = (pred: (o: OrderFacts) => boolean, dayOf: (o: OrderFacts) => number | null): KpiDrillDown => ({
    kind: 'orders',
    rows: orders
      .filter((o) => orderScope(o, dayOf(o)) && pred(o))
      .map((o) => orderRow(o.order, o.silent, dayOf(o) ?? zone.dayOf(o.order.paid ?? o.order.created), zone))
      .sort((a, b) => cmp(a.paidAt ?? '', b.paidAt ?? '') || cmp(a.id, b.id)),
  });
  const credited = (o: OrderFacts): boolean => o.credited && o.order.agent !== null && (agent === undefined || o.order.agent === agent);

  switch (figure) {
    case 'inquirers':
      return buyerRows((f) => agent === undefined || f.agents.has(agent));
    case 'orderers':
      return buyerRows((f) => (agent === undefined ? f.ordered : f.agentOrdered.has(agent)));
    case 'payers':
      return buyerRows((f) => (agent === undefined ? f.paid : f.agentPaid.has(agent)));
    case 'repliedInquirers':
      return buyerRows((f) => f.replied && (agent === undefined || f.agents.has(agent)));
    case 'unrepliedInquirers':
      return buyerRows((f) => !f.replied);
    case 'firstResponse':
      return {
        kind: 'buyers',
        rows: sortBuyers(
          cohorts
            .filter(
              (f) =>
                f.day !== null &&
                (day === null || f.day === day) &&
                (agent === undefined ? f.firstResponseMs !== null : f.firstHumanAgent === agent),
            )
            .map((f) => buyerRow(f, zone)),
        ),
      };
    case 'turns':
      return turnRows((t) => agent === undefined || t.agent === agent);
    case 'answeredTurns':
      return turnRows((t) => t.responseMs !== null && (agent === undefined || t.agent === agent));
    case 'unansweredTurns':
      return turnRows((t) => t.responseMs === null);
    case 'paidOrders':
      return orderRows(credited, (o) => o.creditDay);
    case 'refundedOrders':
      return orderRows((o) => credited(o) && o.order.refunded, (o) => o.creditDay);
    case 'silentOrders':
      return orderRows((o) => o.silent, (o) => o.paidDay);
    case 'payingCustomers':
    case 'silentBuyers': {
      const pick = figure === 'silentBuyers' ? (o: OrderFacts) => o.silent : credited;
      const dayOf = figure === 'silentBuyers' ? (o: OrderFacts) => o.paidDay : (o: OrderFacts) => o.creditDay;
      const byBuyer = new Map<string, KpiBuyerRow>();
      for (const o of orders) {
        if (!pick(o) || !orderScope(o, dayOf(o))) continue;
        let row = byBuyer.get(o.order.buyer);
        if (!row) {
          row = { buyer: o.order.buyer, firstInquiryAt: null, day: null, orderIds: [], paidOrderIds: [], agents: [] };
          byBuyer.set(o.order.buyer, row);
        }
        row.orderIds.push(o.order.id);
        row.paidOrderIds.push(o.order.id);
        if (o.order.agent !== null && !row.agents.includes(o.order.agent)) row.agents.push(o.order.agent);
      }
      return { kind: 'buyers', rows: [...byBuyer.values()].sort((a, b) => cmp(a.buyer, b.buyer)) };
    }
    case 'remindedOrders':
      return {
        kind: 'orders',
        rows: reminders
          .filter((r) => (key.script === undefined || r.script === key.script) && (day === null || zone.dayOf(r.at) === day))
          .map((r) => ({
            ...orderRow(r.order, false, zone.dayOf(r.at), zone),
            script: r.script,
            remindedAt: zone.toIso(r.at),
            paidAfterReminder: r.success,
          }))
          .sort((a, b) => cmp(a.remindedAt, b.remindedAt) || cmp(a.id, b.id)),
      };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortBuyers(rows: KpiBuyerRow[]): KpiBuyerRow[] {
  return rows.sort((a, b) => cmp(a.firstInquiryAt ?? '', b.firstInquiryAt ?? '') || cmp(a.buyer, b.buyer));
}

function buyerRow(f: CohortFacts, zone: Zone): KpiBuyerRow {
  const row: KpiBuyerRow = {
    buyer: f.buyer,
    firstInquiryAt: zone.toIso(f.firstInquiry),
    day: f.day === null ? null : formatDay(f.day),
    orderIds: f.orders.map((o) => o.id),
    paidOrderIds: f.orders.filter((o) => o.paid !== null).map((o) => o.id),
    agents: [...f.agents].sort(),
  };
  if (f.day !== null) {
    row.firstResponseSec = f.firstResponseMs === null ? null : f.firstResponseMs / 1000;
    row.firstHumanResponseSec = f.firstHumanMs === null ? null : f.firstHumanMs / 1000;
    row.firstHumanAgent = f.firstHumanAgent;
  }
  return row;
}

function turnRow(t: TurnFacts, zone: Zone): KpiTurnRow {
  return {
    buyer: t.buyer,
    day: formatDay(t.day),
    startAt: zone.toIso(t.start),
    lastBuyerAt: zone.toIso(t.last),
    buyerMessages: t.count,
    answered: t.responseMs !== null,
    responseAt: t.responseAt === null ? null : zone.toIso(t.responseAt),
    responseSec: t.responseMs === null ? null : t.responseMs / 1000,
    agent: t.agent,
  };
}

function orderRow(o: EngineOrder, silent: boolean, day: number, zone: Zone): KpiOrderRow {
  return {
    id: o.id,
    buyer: o.buyer,
    amount: o.cents / 100,
    createdAt: zone.toIso(o.created),
    paidAt: o.paid === null ? null : zone.toIso(o.paid),
    day: formatDay(day),
    agent: o.agent,
    refunded: o.refunded,
    silent,
  };
}
