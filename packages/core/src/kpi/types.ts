import type { BusinessHours } from './time.js';

/** Who sent a chat message. */
export type SenderKind = 'buyer' | 'agent' | 'auto' | 'system';

/** A time: ISO 8601 (with offset, or wall clock in the shop zone) or epoch ms. */
export type KpiTime = string | number;

/** One chat message between a buyer and the shop (one shop per engine call). */
export interface KpiMessage {
  buyer: string;
  from: SenderKind;
  /** The agent's name, on `agent` messages. */
  agent?: string;
  text?: string;
  at: KpiTime;
  shop?: string;
}

/** One order, as in the Taobao export (买家实际支付金额 as `amount`). */
export interface KpiOrder {
  id: string;
  buyer: string;
  /** Amount actually paid (买家实际支付金额), yuan. */
  amount: number;
  createdAt: KpiTime;
  /** Empty/null when unpaid. */
  paidAt?: KpiTime | null;
  status?: string;
  /** Goods count (宝贝总数量); default 1. */
  quantity?: number;
  /** 退款金额; an order with a positive refund counts as refunded. */
  refundAmount?: number | null;
  refunded?: boolean;
  shop?: string;
}

/** An after-sales case or complaint. `kind: 'return'` counts goods returned (`quantity`, default 1); `'complaint'` counts complaints. */
export interface KpiCase {
  kind: 'complaint' | 'return' | 'refund' | 'exchange' | (string & {});
  at: KpiTime;
  buyer?: string;
  orderId?: string;
  quantity?: number;
}

/** A buyer review; `neutral` and `bad` are 中差评. */
export interface KpiReview {
  rating: 'good' | 'neutral' | 'bad';
  at: KpiTime;
  buyer?: string;
  orderId?: string;
}

/** A payment reminder (催付) sent for an unpaid order with a named script. */
export interface KpiReminder {
  orderId: string;
  script: string;
  at: KpiTime;
}

export interface KpiInput {
  messages: readonly KpiMessage[];
  orders: readonly KpiOrder[];
  /** Absent = unknown: complaint and return rates are then null. */
  cases?: readonly KpiCase[];
  reviews?: readonly KpiReview[];
  reminders?: readonly KpiReminder[];
}

export interface KpiSettings {
  /** First day of the period, `YYYY-MM-DD` in `tz`, inclusive. */
  from: string;
  /** Last day of the period, inclusive. */
  to: string;
  /** Shop time zone; default `Asia/Shanghai`. */
  tz?: string;
  /** Attribution window; default 72. */
  attributionWindowHours?: number;
  /** Weekly opening hours in `tz`; default open all day. */
  businessHours?: BusinessHours;
  /** Which time puts a paid order into a period for the money figures; default `payment`. */
  creditOn?: 'payment' | 'order';
  /** A conversation ends after this much business time without an answer; default 24. */
  sessionGapHours?: number;
}

/** Settings with every default applied. */
export interface ResolvedKpiSettings {
  from: string;
  to: string;
  tz: string;
  attributionWindowHours: number;
  businessHours: BusinessHours | undefined;
  creditOn: 'payment' | 'order';
  sessionGapHours: number;
}

/** Figures shared by the whole period and each day. Ratios are unrounded fractions, null on a zero denominator. */
export interface KpiFigures {
  inquirers: number;
  orderers: number;
  payers: number;
  inquiryConversion: number | null;
  paymentConversion: number | null;
  inquiryToPayment: number | null;
  silentBuyers: number;
  repliedInquirers: number;
  replyRate: number | null;
  firstResponseSec: number | null;
  firstHumanResponseSec: number | null;
  avgResponseSec: number | null;
  answeredTurns: number;
  unansweredTurns: number;
  revenue: number;
  payingCustomers: number;
  paidOrders: number;
  perCustomerValue: number | null;
  perOrderValue: number | null;
  refundedOrders: number;
  refundRate: number | null;
}

export interface KpiDay extends KpiFigures {
  day: string;
}

/** Per-agent figures: inquirers the agent messaged; orders attributed to the agent (last agent message before the order). */
export interface KpiAgent {
  agent: string;
  inquirers: number;
  orderers: number;
  payers: number;
  inquiryConversion: number | null;
  paymentConversion: number | null;
  inquiryToPayment: number | null;
  revenue: number;
  payingCustomers: number;
  paidOrders: number;
  perCustomerValue: number | null;
  perOrderValue: number | null;
  refundedOrders: number;
  refundRate: number | null;
  answeredTurns: number;
  avgResponseSec: number | null;
  firstResponseSec: number | null;
}

export interface KpiUrgeScript {
  script: string;
  reminded: number;
  paid: number;
  rate: number | null;
}

export interface KpiReport extends KpiFigures {
  period: { from: string; to: string; tz: string };
  settings: ResolvedKpiSettings;
  goodsSold: number;
  goodsReturned: number;
  returnRate: number | null;
  complaints: number;
  complaintRate: number | null;
  reviews: number;
  badReviews: number;
  badReviewRate: number | null;
  urgeSuccess: KpiUrgeScript[];
  byAgent: KpiAgent[];
  byDay: KpiDay[];
  /** All paid orders credited to the period, with or without service. */
  shop: { revenue: number; paidOrders: number; payingCustomers: number; refundedOrders: number; refundRate: number | null };
  /** Records whose time could not be read (skipped). */
  skippedRecords: number;
}

/** What a dashboard figure can be opened to. */
export type KpiDrillFigure =
  | 'inquirers'
  | 'orderers'
  | 'payers'
  | 'repliedInquirers'
  | 'unrepliedInquirers'
  | 'silentBuyers'
  | 'payingCustomers'
  | 'firstResponse'
  | 'turns'
  | 'answeredTurns'
  | 'unansweredTurns'
  | 'paidOrders'
  | 'refundedOrders'
  | 'silentOrders'
  | 'remindedOrders';

/** Narrows a drill-down to one agent, one day of the period (`YYYY-MM-DD`) and/or one reminder script. */
export interface KpiDrillKey {
  agent?: string;
  day?: string;
  script?: string;
}

export interface KpiBuyerRow {
  buyer: string;
  /** First inquiry of the cohort (period or day), ISO in the shop zone; null for silent buyers. */
  firstInquiryAt: string | null;
  day: string | null;
  orderIds: string[];
  paidOrderIds: string[];
  /** Agents who messaged the buyer in the follow-up horizon. */
  agents: string[];
  firstResponseSec?: number | null;
  firstHumanResponseSec?: number | null;
  firstHumanAgent?: string | null;
}

export interface KpiTurnRow {
  buyer: string;
  day: string;
  startAt: string;
  lastBuyerAt: string;
  buyerMessages: number;
  answered: boolean;
  responseAt: string | null;
  responseSec: number | null;
  agent: string | null;
}

export interface KpiOrderRow {
  id: string;
  buyer: string;
  amount: number;
  createdAt: string;
  paidAt: string | null;
  day: string;
  agent: string | null;
  refunded: boolean;
  silent: boolean;
  script?: string;
  remindedAt?: string;
  paidAfterReminder?: boolean;
}

export type KpiDrillDown =
  | { kind: 'buyers'; rows: KpiBuyerRow[] }
  | { kind: 'turns'; rows: KpiTurnRow[] }
  | { kind: 'orders'; rows: KpiOrderRow[] };
