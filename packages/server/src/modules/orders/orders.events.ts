import type { OrderDomainEvent } from '@kefu/core';
import type { OrderDto } from './orders.presenter.js';

/** Payload of every `order.*` event on the bus (order.created, order.paid, order.shipped, order.closed …). */
export interface OrderBusEvent {
  event: OrderDomainEvent;
  order: OrderDto;
  source: string;
}

/** Emitted when an import job advances or finishes. */
export const ORDER_IMPORT_EVENT = 'order.import_progress';
