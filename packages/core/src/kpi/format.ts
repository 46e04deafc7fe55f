import type { KpiReport } from './types.js';

/** Rounds half away from zero to `decimals`, immune to binary float error (57.598 → 57.6, 1.005 → 1.01). */
export function roundHalfUp(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** decimals;
  const scaled = Number((Math.abs(x) * f).toPrecision(15));
  const r = Math.round(scaled) / f;
  return x < 0 ? -r : r;
}

/** A ratio for JSON: 4 decimals, null stays null. */
export function roundRatio(x: number | null): number | null {
  return x === null ? null : roundHalfUp(x, 4);
}

/** Money for JSON: 2 decimals half up, null stays null. */
export function roundMoney(x: number | null): number | null {
  return x === null ? null : roundHalfUp(x, 2);
}

/** Seconds for JSON: 1 decimal, null stays null. */
export function roundSeconds(x: number | null): number | null {
  return x === null ? null : roundHalfUp(x, 1);
}

/** Display: a rate as a percentage with one decimal (`28.6%`), `—` when undefined. */
export function formatRate(x: number | null): string {
  return x === null ? '—' : `${roundHalfUp(x * 100, 1).toFixed(1)}%`;
}

/** Display: money with two decimals (`57.60`), `—` when undefined. */
export function formatMoney(x: number | null): string {
  return x === null ? '—' : roundHalfUp(x, 2).toFixed(2);
}

/** Display: seconds under 2 minutes (`25.0秒`), else minutes (`3.5分钟`); `—` when undefined. */
export function formatDuration(sec: number | null): string {
  if (sec === null) return '—';
  if (sec < 120) return `${roundHalfUp(sec, 1).toFixed(1)}秒`;
  return `${roundHalfUp(sec / 60, 1).toFixed(1)}分钟`;
}

/** The `kefu report --json` object of CONTRACT.md (contract keys first, extra keys after), rounded for output. */
export function kpiReportToJson(r: KpiReport): Record<string, unknown> {
  const figures = (f: {
    inquiryConversion: number | null;
    paymentConversion: number | null;
    inquiryToPayment: number | null;
    replyRate: number | null;
    firstResponseSec: number | null;
    firstHumanResponseSec: number | null;
    avgResponseSec: number | null;
    revenue: number;
    perCustomerValue: number | null;
    perOrderValue: number | null;
    refundRate: number | null;
    inquirers: number;
    orderers: number;
    payers: number;
    unansweredTurns: number;
    payingCustomers: number;
    paidOrders: number;
  }): Record<string, unknown> => ({
    inquirers: f.inquirers,
    orderers: f.orderers,
    payers: f.payers,
    inquiryConversion: roundRatio(f.inquiryConversion),
    paymentConversion: roundRatio(f.paymentConversion),
    inquiryToPayment: roundRatio(f.inquiryToPayment),
    replyRate: roundRatio(f.replyRate),
    firstResponseSec: roundSeconds(f.firstResponseSec),
    firstHumanResponseSec: roundSeconds(f.firstHumanResponseSec),
    avgResponseSec: roundSeconds(f.avgResponseSec),
    unansweredTurns: f.unansweredTurns,
    revenue: roundMoney(f.revenue),
    payingCustomers: f.payingCustomers,
    paidOrders: f.paidOrders,
    perCustomerValue: roundMoney(f.perCustomerValue),
    perOrderValue: roundMoney(f.perOrderValue),
    refundRate: roundRatio(f.refundRate),
  });
  return {
    period: r.period,
    ...figures(r),
    byAgent: r.byAgent.map((a) => ({
      agent: a.agent,
      inquirers: a.inquirers,
      orderers: a.orderers,
      payers: a.payers,
      inquiryConversion: roundRatio(a.inquiryConversion),
      paymentConversion: roundRatio(a.paymentConversion),
      inquiryToPayment: roundRatio(a.inquiryToPayment),
      revenue: roundMoney(a.revenue),
      payingCustomers: a.payingCustomers,
      paidOrders: a.paidOrders,
      perCustomerValue: roundMoney(a.perCustomerValue),
      perOrderValue: roundMoney(a.perOrderValue),
      refundRate: roundRatio(a.refundRate),
      answeredTurns: a.answeredTurns,
      avgResponseSec: roundSeconds(a.avgResponseSec),
      firstResponseSec: roundSeconds(a.firstResponseSec),
    })),
    silentBuyers: r.silentBuyers,
    repliedInquirers: r.repliedInquirers,
    answeredTurns: r.answeredTurns,
    refundedOrders: r.refundedOrders,
    goodsSold: r.goodsSold,
    goodsReturned: r.goodsReturned,
    returnRate: roundRatio(r.returnRate),
    complaints: r.complaints,
    complaintRate: roundRatio(r.complaintRate),
    reviews: r.reviews,
    badReviews: r.badReviews,
    badReviewRate: roundRatio(r.badReviewRate),
    urgeSuccess: r.urgeSuccess.map((u) => ({ ...u, rate: roundRatio(u.rate) })),
    shop: { ...r.shop, revenue: roundMoney(r.shop.revenue), refundRate: roundRatio(r.shop.refundRate) },
    byDay: r.byDay.map((d) => ({
      day: d.day,
      ...figures(d),
      silentBuyers: d.silentBuyers,
      answeredTurns: d.answeredTurns,
    })),
    settings: {
      attributionWindowHours: r.settings.attributionWindowHours,
      creditOn: r.settings.creditOn,
      sessionGapHours: r.settings.sessionGapHours,
      businessHours: r.settings.businessHours ?? null,
    },
    skippedRecords: r.skippedRecords,
  };
}
