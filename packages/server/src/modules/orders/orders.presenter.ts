import {
  ORDER_STATUSES,
  allowedEvents,
  maskAddress,
  maskName,
  maskPhone,
  type Address,
  type Order,
  type OrderItem,
  type OrderNote,
  type OrderStatus,
  type RefundStatus,
} from '@kefu/core';
import type { Selectable } from 'kysely';
import type { OrdersTable } from '../../storage/schema.js';

export type OrderRow = Selectable<OrdersTable>;

const iso = (ms: number | null | undefined): string | undefined => (ms == null ? undefined : new Date(Number(ms)).toISOString());
const ms = (s: string | undefined): number | null => (s ? Date.parse(s) : null);

function json<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The core order of a row; an order without a linked buyer uses its nick as buyer id. */
export function rowToOrder(row: OrderRow): Order {
  const address = json<Address | null>(row.address, null);
  const order: Order = {
    id: row.id,
    buyerId: row.buyer_id ?? `nick:${row.buyer_nick}`,
    shopId: row.shop_id,
    status: row.status as OrderStatus,
    refund: row.refund_status as RefundStatus,
    items: json<OrderItem[]>(row.items, []),
    amount: Number(row.amount),
    notes: json<OrderNote[]>(row.notes, []),
    createdAt: iso(row.created_at)!,
    closesAt: iso(row.closes_at ?? Number(row.created_at) + 72 * 3600_000)!,
  };
  if (row.paid_amount != null) order.paidAmount = Number(row.paid_amount);
  if (row.refund_amount != null) order.refundAmount = Number(row.refund_amount);
  if (address) order.address = address;
  if (row.courier) order.courier = row.courier;
  if (row.tracking_no) order.trackingNo = row.tracking_no;
  if (row.status === 'closed' && row.refund_status === 'refunded') order.closeReason = 'refunded';
  for (const [k, v] of [
    ['paidAt', row.paid_at],
    ['shippedAt', row.shipped_at],
    ['deliveredAt', row.delivered_at],
    ['completedAt', row.completed_at],
    ['closedAt', row.closed_at],
  ] as const) {
    const s = iso(v);
    if (s) order[k] = s;
  }
  return order;
}

/** The row columns of a core order (identity columns are the caller's). */
export function orderColumns(o: Order): Omit<OrderRow, 'id' | 'shop_id' | 'external_id' | 'buyer_id' | 'buyer_nick' | 'source' | 'updated_at'> {
  return {
    status: o.status,
    refund_status: o.refund,
    amount: o.amount,
    paid_amount: o.paidAmount ?? null,
    refund_amount: o.refundAmount ?? null,
    item_count: o.items.reduce((s, it) => s + it.quantity, 0),
    items: JSON.stringify(o.items),
    address: o.address ? JSON.stringify(o.address) : null,
    courier: o.courier ?? null,
    tracking_no: o.trackingNo ?? null,
    notes: JSON.stringify(o.notes),
    created_at: Date.parse(o.createdAt),
    closes_at: ms(o.closesAt),
    paid_at: ms(o.paidAt),
    shipped_at: ms(o.shippedAt),
    delivered_at: ms(o.deliveredAt),
    completed_at: ms(o.completedAt),
    closed_at: ms(o.closedAt),
  };
}

/** An order as the API returns it; `masked` hides the receiver's name, phone and street. */
export interface OrderDto {
  id: string;
  externalId: string;
  buyerId: string | null;
  buyerNick: string;
  status: OrderStatus;
  statusZh: string;
  refund: RefundStatus;
  amount: number;
  paidAmount: number | null;
  refundAmount: number | null;
  itemCount: number;
  items: OrderItem[];
  address: Address | null;
  addressText: string | null;
  courier: string | null;
  trackingNo: string | null;
  notes: OrderNote[];
  source: string;
  createdAt: number;
  closesAt: number | null;
  paidAt: number | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  completedAt: number | null;
  closedAt: number | null;
  updatedAt: number;
  /** Actions the current state allows (for the agent's buttons). */
  allowed: string[];
}

export function addressText(a: Address): string {
  return [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ');
}

export function presentOrder(row: OrderRow, opts: { masked: boolean }): OrderDto {
  const order = rowToOrder(row);
  const full = order.address ?? null;
  const address = full && opts.masked ? { ...full, name: maskName(full.name), phone: maskPhone(full.phone), district: '', detail: '****' } : full;
  const n = (v: number | null) => (v == null ? null : Number(v));
  return {
    id: row.id,
    externalId: row.external_id,
    buyerId: row.buyer_id,
    buyerNick: row.buyer_nick,
    status: order.status,
    statusZh: ORDER_STATUSES.find((s) => s.id === order.status)?.zh ?? order.status,
    refund: order.refund,
    amount: Number(row.amount),
    paidAmount: n(row.paid_amount),
    refundAmount: n(row.refund_amount),
    itemCount: Number(row.item_count),
    items: order.items,
    address,
    addressText: full ? (opts.masked ? maskAddress({ province: full.province, city: full.city }) : addressText(full)) : null,
    courier: row.courier,
    trackingNo: row.tracking_no,
    notes: order.notes,
    source: row.source,
    createdAt: Number(row.created_at),
    closesAt: n(row.closes_at),
    paidAt: n(row.paid_at),
    shippedAt: n(row.shipped_at),
    deliveredAt: n(row.delivered_at),
    completedAt: n(row.completed_at),
    closedAt: n(row.closed_at),
    updatedAt: Number(row.updated_at),
    allowed: allowedEvents(order),
  };
}
