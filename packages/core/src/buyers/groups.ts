import { DomainError } from '../errors.js';

/** Buyer groups of seed 002 (旺旺分组): 咨询 → 买家 → VIP. */
export const BUYER_GROUPS = [
  { id: 'inquirer', zh: '咨询' },
  { id: 'buyer', zh: '买家' },
  { id: 'vip', zh: 'VIP' },
] as const;
export type BuyerGroup = (typeof BUYER_GROUPS)[number]['id'];
export type BuyerGroupLabel = (typeof BUYER_GROUPS)[number]['zh'];

/** The Chinese label of a group id. */
export function groupLabel(group: BuyerGroup): BuyerGroupLabel {
  return BUYER_GROUPS.find((g) => g.id === group)?.zh ?? '咨询';
}

export const isBuyerGroup = (v: unknown): v is BuyerGroup => BUYER_GROUPS.some((g) => g.id === v);

/** A shop's VIP thresholds: either condition makes a VIP. */
export interface GroupThresholds {
  vipPaidOrders: number;
  vipPaidAmount: number;
}

export const DEFAULT_GROUP_THRESHOLDS: GroupThresholds = { vipPaidOrders: 3, vipPaidAmount: 1000 };

/** What a buyer has paid so far (refunded money excluded). */
export interface BuyerOrderStats {
  paidOrders: number;
  paidAmount: number;
}

/**
 * The group derived from paid orders: VIP at `vipPaidOrders` paid orders or `vipPaidAmount` paid,
 * 买家 from the first paid order, else 咨询. A manual override always wins and stays.
 */
export function deriveGroup(
  stats: BuyerOrderStats,
  thresholds: GroupThresholds = DEFAULT_GROUP_THRESHOLDS,
  override?: BuyerGroup | null,
): BuyerGroup {
  if (override != null) {
    if (!isBuyerGroup(override)) throw new DomainError('request.invalid', `未知的客户分组：${String(override)}`, { field: 'override', value: override });
    return override;
  }
  for (const [k, v] of Object.entries(thresholds)) {
    if (!(Number.isFinite(v) && v > 0)) throw new DomainError('request.invalid', `${k} 必须大于 0`, { field: k, value: v });
  }
  const orders = Math.max(0, stats.paidOrders);
  const amount = Math.max(0, stats.paidAmount);
  if (orders >= thresholds.vipPaidOrders || (orders > 0 && amount >= thresholds.vipPaidAmount)) return 'vip';
  return orders > 0 ? 'buyer' : 'inquirer';
}

/** An order as far as grouping cares. */
export interface GroupingOrder {
  paidAt?: string | null;
  paidAmount?: number | null;
  refundAmount?: number | null;
  /** A fully refunded order (closed after refund) does not count as bought. */
  closeReason?: string | null;
}

/** Paid orders, net paid amount and the last payment time of one buyer's orders. */
export function buyerStatsFromOrders(orders: readonly GroupingOrder[]): BuyerOrderStats & { lastPaidAt: string | null } {
  let paidOrders = 0;
  let paidAmount = 0;
  let last: number | null = null;
  for (const o of orders) {
    if (!o.paidAt || o.closeReason === 'refunded') continue;
    const t = Date.parse(o.paidAt);
    if (!Number.isFinite(t)) continue;
    paidOrders += 1;
    paidAmount += Math.max(0, (o.paidAmount ?? 0) - (o.refundAmount ?? 0));
    if (last === null || t > last) last = t;
  }
  return { paidOrders, paidAmount: Math.round(paidAmount * 100) / 100, lastPaidAt: last === null ? null : new Date(last).toISOString() };
}
