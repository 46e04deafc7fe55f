import { DomainError } from '../errors.js';
import type { Address, Order, OrderDomainEvent, OrderDomainEventType, OrderEvent, OrderEventType, OrderStatus, RefundStatus } from './types.js';

/** Platform default: an unpaid order closes 72 h after it was created. */
export const DEFAULT_CLOSE_AFTER_MINUTES = 72 * 60;
export const MAX_NOTE_LENGTH = 500;

const OPEN_REFUND: readonly RefundStatus[] = ['requested', 'refunding'];
const refundOpen = (o: Order) => OPEN_REFUND.includes(o.refund);

/** Which events the state allows (payload checks come later). Address and SKU change only before shipping (seed 004). */
const GUARDS: Record<Exclude<OrderEventType, 'create'>, (o: Order) => boolean> = {
  pay: (o) => o.status === 'unpaid',
  ship: (o) => o.status === 'paid' && !refundOpen(o),
  deliver: (o) => o.status === 'shipped',
  complete: (o) => (o.status === 'shipped' || o.status === 'delivered') && !refundOpen(o),
  close: (o) => o.status === 'unpaid',
  refund_request: (o) => (o.status === 'paid' || o.status === 'shipped' || o.status === 'delivered') && (o.refund === 'none' || o.refund === 'rejected'),
  refund_accept: (o) => o.refund === 'requested',
  refund_cancel: refundOpen,
  refund_done: refundOpen,
  refund_reject: refundOpen,
  note: () => true,
  change_address: (o) => o.status === 'unpaid' || o.status === 'paid',
  change_sku: (o) => o.status === 'unpaid' || o.status === 'paid',
};

const EVENT_TYPES = Object.keys(GUARDS) as Array<Exclude<OrderEventType, 'create'>>;

/** True when the order's state allows the event type. */
export function canApply(order: Order | null, type: OrderEventType): boolean {
  if (type === 'create') return order === null;
  return order !== null && GUARDS[type](order);
}

/** The event types the order's current state allows (for the agent's buttons). */
export function allowedEvents(order: Order): Array<Exclude<OrderEventType, 'create'>> {
  return EVENT_TYPES.filter((t) => GUARDS[t](order));
}

/** True once nothing but notes can happen. */
export const isFinal = (status: OrderStatus): boolean => status === 'completed' || status === 'closed';

function invalid(field: string, message: string, value?: unknown): never {
  throw new DomainError('request.invalid', message, { field, value });
}

function iso(value: string | Date, field: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(ms)) invalid(field, `${field} 不是合法的时间`, String(value));
  return new Date(ms).toISOString();
}

function money(n: number | undefined, field: string): void {
  if (n !== undefined && !(Number.isFinite(n) && n >= 0)) invalid(field, `${field} 必须是非负金额`, n);
}

function checkAddress(a: Address): void {
  for (const k of ['name', 'phone', 'province', 'city', 'detail'] as const) {
    if (typeof a[k] !== 'string' || !a[k].trim()) invalid(`address.${k}`, '收货信息不完整', a[k]);
  }
}

/**
 * Applies an event to an order (null for `create`) and returns the new order and the domain events.
 * Throws DomainError `order.invalid_transition` when the state forbids it, `request.invalid` on a bad payload.
 * Never mutates its input.
 */
export function transition(order: Order | null, event: OrderEvent, now: Date): { order: Order; events: OrderDomainEvent[] } {
  if (!canApply(order, event.type)) {
    throw new DomainError('order.invalid_transition', `订单当前状态不允许此操作：${event.type}`, {
      event: event.type,
      status: order?.status ?? null,
      refund: order?.refund ?? null,
    });
  }
  const at = iso(event.at ?? now, 'at');
  const ev = (o: Order, type: OrderDomainEventType, data?: Record<string, unknown>): OrderDomainEvent => ({
    type,
    orderId: o.id,
    at,
    ...(data ? { data } : {}),
  });

  if (event.type === 'create') {
    if (!event.id) invalid('id', '缺少订单编号');
    if (!event.buyerId) invalid('buyerId', '缺少买家');
    if (!event.items.length) invalid('items', '订单至少要有一件商品');
    event.items.forEach((it, i) => {
      if (!it.sku) invalid(`items.${i}.sku`, '缺少商品编码');
      if (!Number.isInteger(it.quantity) || it.quantity < 1) invalid(`items.${i}.quantity`, '数量必须是正整数', it.quantity);
      money(it.price, `items.${i}.price`);
    });
    money(event.amount, 'amount');
    if (event.address) checkAddress(event.address);
    const closeAfter = event.closeAfterMinutes ?? DEFAULT_CLOSE_AFTER_MINUTES;
    if (!(closeAfter > 0)) invalid('closeAfterMinutes', '自动关闭时间必须大于 0', closeAfter);
    const closesAt = event.closesAt ? iso(event.closesAt, 'closesAt') : new Date(Date.parse(at) + closeAfter * 60_000).toISOString();
    const created: Order = {
      id: event.id,
      buyerId: event.buyerId,
      ...(event.shopId ? { shopId: event.shopId } : {}),
      status: 'unpaid',
      refund: 'none',
      items: event.items.map((it) => ({ ...it, ...(it.spec ? { spec: { ...it.spec } } : {}) })),
      amount: event.amount,
      ...(event.address ? { address: { ...event.address } } : {}),
      notes: [],
      createdAt: at,
      closesAt,
    };
    return { order: created, events: [ev(created, 'order.created', { amount: created.amount, closesAt })] };
  }

  const o = order as Order;
  switch (event.type) {
    case 'pay': {
      money(event.paidAmount, 'paidAmount');
      const next: Order = { ...o, status: 'paid', paidAt: at, paidAmount: event.paidAmount ?? o.amount };
      return { order: next, events: [ev(next, 'order.paid', { paidAmount: next.paidAmount })] };
    }
    case 'ship': {
      const next: Order = {
        ...o,
        status: 'shipped',
        shippedAt: at,
        ...(event.courier ? { courier: event.courier } : {}),
        ...(event.trackingNo ? { trackingNo: event.trackingNo } : {}),
      };
      return { order: next, events: [ev(next, 'order.shipped', { courier: next.courier ?? null, trackingNo: next.trackingNo ?? null })] };
    }
    case 'deliver': {
      const next: Order = { ...o, status: 'delivered', deliveredAt: at };
      return { order: next, events: [ev(next, 'order.delivered')] };
    }
    case 'complete': {
      const next: Order = { ...o, status: 'completed', completedAt: at };
      return { order: next, events: [ev(next, 'order.completed')] };
    }
    case 'close': {
      const reason = event.reason ?? 'timeout';
      if (reason === 'timeout' && Date.parse(at) < Date.parse(o.closesAt)) {
        throw new DomainError('order.invalid_transition', '订单未到自动关闭时间', { event: 'close', closesAt: o.closesAt, at });
      }
      const next: Order = { ...o, status: 'closed', closedAt: at, closeReason: reason };
      return { order: next, events: [ev(next, 'order.closed', { reason })] };
    }
    case 'refund_request': {
      const paid = o.paidAmount ?? o.amount;
      const amount = event.amount ?? paid;
      if (!(Number.isFinite(amount) && amount > 0 && amount <= paid)) invalid('amount', '退款金额必须大于 0 且不超过实付金额', amount);
      const next: Order = { ...o, refund: 'requested', refundAmount: amount, ...(event.reason ? { refundReason: event.reason } : {}) };
      return { order: next, events: [ev(next, 'order.refund_requested', { amount, reason: event.reason ?? null })] };
    }
    case 'refund_accept': {
      const next: Order = { ...o, refund: 'refunding' };
      return { order: next, events: [ev(next, 'order.refund_accepted')] };
    }
    case 'refund_cancel': {
      const { refundAmount: _a, refundReason: _r, ...rest } = o;
      const next: Order = { ...rest, refund: 'none' };
      return { order: next, events: [ev(next, 'order.refund_cancelled')] };
    }
    case 'refund_done': {
      const paid = o.paidAmount ?? o.amount;
      const amount = event.amount ?? o.refundAmount ?? paid;
      if (!(Number.isFinite(amount) && amount > 0 && amount <= paid)) invalid('amount', '退款金额必须大于 0 且不超过实付金额', amount);
      const refunded: Order = { ...o, refund: 'refunded', refundAmount: amount };
      const events = [ev(refunded, 'order.refunded', { amount, full: amount >= paid })];
      // A full refund ends the deal (交易关闭); a partial one leaves the order where it was.
      if (amount < paid) return { order: refunded, events };
      const closed: Order = { ...refunded, status: 'closed', closedAt: at, closeReason: 'refunded' };
      return { order: closed, events: [...events, ev(closed, 'order.closed', { reason: 'refunded' })] };
    }
    case 'refund_reject': {
      const next: Order = { ...o, refund: 'rejected' };
      return { order: next, events: [ev(next, 'order.refund_rejected', { reason: event.reason ?? null })] };
    }
    case 'note': {
      const text = event.text.trim();
      if (!text) invalid('text', '备注不能为空');
      if (text.length > MAX_NOTE_LENGTH) invalid('text', `备注不能超过 ${MAX_NOTE_LENGTH} 字`, text.length);
      const note = { at, text, ...(event.by ? { by: event.by } : {}) };
      const next: Order = { ...o, notes: [...o.notes, note] };
      return { order: next, events: [ev(next, 'order.note_added', { text, by: event.by ?? null })] };
    }
    case 'change_address': {
      checkAddress(event.address);
      const next: Order = { ...o, address: { ...event.address } };
      return { order: next, events: [ev(next, 'order.address_changed', { from: o.address ?? null, to: next.address, by: event.by ?? null })] };
    }
    case 'change_sku': {
      const item = o.items[event.itemIndex];
      if (!item) invalid('itemIndex', '没有这件商品', event.itemIndex);
      if (!event.sku) invalid('sku', '缺少商品编码');
      money(event.price, 'price');
      const changed = {
        ...item,
        sku: event.sku,
        ...(event.spec ? { spec: { ...event.spec } } : {}),
        ...(event.title ? { title: event.title } : {}),
        ...(event.price !== undefined ? { price: event.price } : {}),
      };
      const items = o.items.map((it, i) => (i === event.itemIndex ? changed : it));
      const next: Order = { ...o, items };
      return {
        order: next,
        events: [ev(next, 'order.sku_changed', { itemIndex: event.itemIndex, from: item, to: changed, by: event.by ?? null })],
      };
    }
  }
}

/** True when an unpaid order has reached its automatic close time. */
export function dueForAutoClose(order: Order, now: Date): boolean {
  return order.status === 'unpaid' && now.getTime() >= Date.parse(order.closesAt);
}

/** Alias of `transition` for callers that import several state machines from '@kefu/core'. */
export const transitionOrder = transition;
