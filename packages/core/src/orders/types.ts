/** Order states (订单状态). */
export const ORDER_STATUSES = [
  { id: 'unpaid', zh: '待付款' },
  { id: 'paid', zh: '待发货' },
  { id: 'shipped', zh: '已发货' },
  { id: 'delivered', zh: '已签收' },
  { id: 'completed', zh: '交易成功' },
  { id: 'closed', zh: '交易关闭' },
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number]['id'];

/** Refund states of an order (退款状态). */
export const REFUND_STATUSES = [
  { id: 'none', zh: '无退款' },
  { id: 'requested', zh: '退款申请中' },
  { id: 'refunding', zh: '退款处理中' },
  { id: 'refunded', zh: '退款成功' },
  { id: 'rejected', zh: '退款已拒绝' },
] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number]['id'];

export type CloseReason = 'timeout' | 'buyer_cancelled' | 'seller_cancelled' | 'refunded';

/** A line of an order; `spec` holds the picked options such as 颜色 and 尺码. */
export interface OrderItem {
  sku: string;
  title?: string;
  quantity: number;
  price: number;
  spec?: Record<string, string>;
}

/** A shipping address (收货信息). */
export interface Address {
  name: string;
  phone: string;
  province: string;
  city: string;
  district?: string;
  detail: string;
}

/** An order note (备注), internal to the shop. */
export interface OrderNote {
  at: string;
  by?: string;
  text: string;
}

/** An order as the domain sees it; times are ISO strings. */
export interface Order {
  id: string;
  buyerId: string;
  shopId?: string;
  status: OrderStatus;
  refund: RefundStatus;
  items: OrderItem[];
  /** Amount payable (应付). */
  amount: number;
  /** Amount actually paid (买家实际支付金额). */
  paidAmount?: number;
  refundAmount?: number;
  refundReason?: string;
  address?: Address;
  notes: OrderNote[];
  courier?: string;
  trackingNo?: string;
  closeReason?: CloseReason;
  createdAt: string;
  /** When the unpaid order closes automatically. */
  closesAt: string;
  paidAt?: string;
  shippedAt?: string;
  deliveredAt?: string;
  completedAt?: string;
  closedAt?: string;
}

/** `at` overrides `now` when the platform reports when it happened. */
interface At {
  at?: string;
}

/** Commands and platform facts applied to an order. */
export type OrderEvent =
  | ({
      type: 'create';
      id: string;
      buyerId: string;
      shopId?: string;
      items: OrderItem[];
      amount: number;
      address?: Address;
      closesAt?: string;
      /** Default 72 h (platform auto-close of unpaid orders). */
      closeAfterMinutes?: number;
    } & At)
  | ({ type: 'pay'; paidAmount?: number } & At)
  | ({ type: 'ship'; courier?: string; trackingNo?: string } & At)
  | ({ type: 'deliver' } & At)
  | ({ type: 'complete' } & At)
  | ({ type: 'close'; reason?: Exclude<CloseReason, 'refunded'> } & At)
  | ({ type: 'refund_request'; amount?: number; reason?: string } & At)
  | ({ type: 'refund_accept' } & At)
  | ({ type: 'refund_cancel' } & At)
  | ({ type: 'refund_done'; amount?: number } & At)
  | ({ type: 'refund_reject'; reason?: string } & At)
  | ({ type: 'note'; text: string; by?: string } & At)
  | ({ type: 'change_address'; address: Address; by?: string } & At)
  | ({ type: 'change_sku'; itemIndex: number; sku: string; spec?: Record<string, string>; title?: string; price?: number; by?: string } & At);

export type OrderEventType = OrderEvent['type'];

/** Names of the domain events an order change emits. */
export type OrderDomainEventType =
  | 'order.created'
  | 'order.paid'
  | 'order.shipped'
  | 'order.delivered'
  | 'order.completed'
  | 'order.closed'
  | 'order.refund_requested'
  | 'order.refund_accepted'
  | 'order.refund_cancelled'
  | 'order.refunded'
  | 'order.refund_rejected'
  | 'order.note_added'
  | 'order.address_changed'
  | 'order.sku_changed';

/** A named state change for listeners (realtime, rollups, urging jobs). */
export interface OrderDomainEvent {
  type: OrderDomainEventType;
  orderId: string;
  at: string;
  data?: Record<string, unknown>;
}
