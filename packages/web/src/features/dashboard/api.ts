import type { KpiFigures } from '@kefu/core';
import { request } from '../../api/client.js';

/** KPI API shapes (mirrors packages/server/src/modules/analytics). Ratios are fractions, times seconds, money yuan. */
export type { KpiFigures };
export interface KpiAgentRow {
  agent: string;
  agentName: string;
  inquirers: number;
  orderers: number;
  payers: number;
  inquiryConversion: number | null;
  inquiryToPayment: number | null;
  revenue: number;
  paidOrders: number;
  perCustomerValue: number | null;
  answeredTurns: number;
  avgResponseSec: number | null;
  firstResponseSec: number | null;
  refundRate: number | null;
}
export interface KpiSettings {
  timeZone: string;
  businessHours: Array<{ days: number[]; open: string; close: string }> | null;
  attributionWindowHours: number;
  sessionGapHours: number;
  creditOn: 'payment' | 'order';
  upToDate: boolean;
  /** The background rebuild after a settings change (null when up to date); `running` false: due, not running. */
  rebuild: { running: boolean; buyers: number; total: number; startedAt: number | null; error: string | null } | null;
}
export interface Dashboard {
  period: { from: string; to: string; tz: string };
  settings: KpiSettings;
  kpis: KpiFigures & { byDay: Array<KpiFigures & { day: string }>; byAgent: KpiAgentRow[]; shop: { revenue: number; paidOrders: number } };
  scenarios: Array<{ scenario: string; buyerDays: number; messages: number }>;
  quickReplies: Array<{ replyId: string; title: string; uses: number; buyers: number; converted: number; rate: number | null }> | null;
  /** 催付成功率 per script for the period: orders reminded, paid within the window, still open. */
  urging: Array<{ script: string; title: string; reminded: number; paid: number; pending: number; rate: number | null }> | null;
  queryMs: number;
}
export interface Live {
  day: string;
  kpis: KpiFigures;
  waiting: number;
  longestWaitSec: number | null;
  open: number;
}
export type DrillFigure =
  | 'inquirers' | 'orderers' | 'payers' | 'repliedInquirers' | 'unrepliedInquirers' | 'silentBuyers' | 'payingCustomers' | 'firstResponse'
  | 'turns' | 'answeredTurns' | 'unansweredTurns' | 'paidOrders' | 'refundedOrders' | 'silentOrders' | 'remindedOrders';
export interface DrillQuery {
  from: string;
  to: string;
  figure: DrillFigure;
  agent?: string;
  day?: string;
  /** Payment-reminder script (remindedOrders). */
  script?: string;
}
export interface Drill {
  figure: DrillFigure;
  kind: 'buyers' | 'turns' | 'orders';
  total: number;
  truncated: boolean;
  rows: Array<Record<string, unknown>>;
}

const base = (shopId: string) => `/api/shops/${encodeURIComponent(shopId)}/kpis`;

export const kpiApi = {
  dashboard: (shopId: string, from: string, to: string, signal?: AbortSignal) =>
    request<Dashboard>('GET', base(shopId), { query: { from, to }, ...(signal ? { signal } : {}) }),
  live: (shopId: string) => request<Live>('GET', `${base(shopId)}/live`),
  drill: (shopId: string, q: DrillQuery) => request<Drill>('GET', `${base(shopId)}/drill`, { query: { ...q } }),
  settings: (shopId: string) => request<KpiSettings>('GET', `${base(shopId)}/settings`),
  saveSettings: (shopId: string, body: Partial<Omit<KpiSettings, 'upToDate' | 'rebuild'>>) =>
    request<KpiSettings & { rebuilding: boolean }>('PUT', `${base(shopId)}/settings`, { body }),
  rebuild: (shopId: string) => request<KpiSettings>('POST', `${base(shopId)}/rebuild`),
  exportUrl: (shopId: string, q: { from: string; to: string; figure?: DrillFigure; agent?: string; day?: string; script?: string }) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) qs.set(k, v);
    return `${base(shopId)}/export.csv?${qs.toString()}`;
  },
};

/** Display rules of KPIS.md: rates with one decimal, money with two, seconds under 2 minutes else minutes; — for none. */
export const fmt = {
  rate: (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(Math.round(x * 1000 + 1e-9) / 10).toFixed(1)}%`),
  money: (x: number | null | undefined) => (x === null || x === undefined ? '—' : (Math.round(x * 100 + 1e-9) / 100).toFixed(2)),
  int: (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toLocaleString('zh-CN')),
  duration: (sec: number | null | undefined, unitSec: string, unitMin: string) =>
    sec === null || sec === undefined ? '—' : sec < 120 ? `${sec.toFixed(1)}${unitSec}` : `${(sec / 60).toFixed(1)}${unitMin}`,
};
