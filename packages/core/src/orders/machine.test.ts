import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { allowedEvents, canApply, dueForAutoClose, isFinal, transition } from './machine.js';
import type { Order, OrderEvent, OrderEventType } from './types.js';

const T0 = new Date('2024-05-01T02:00:00Z');
const later = (h: number) => new Date(T0.getTime() + h * 3_600_000);

const create: OrderEvent = {
  type: 'create',
  id: 'o1',
  buyerId: 'b1',
  items: [{ sku: 'shoe-black-42', title: '徒步鞋', quantity: 1, price: 399, spec: { 颜色: '黑色', 尺码: '42' } }],
  amount: 399,
  address: { name: '张三', phone: '13812340000', province: '浙江省', city: '杭州市', detail: '西湖区文三路100号' },
};

function run(...events: OrderEvent[]): Order {
  let o = transition(null, create, T0).order;
  events.forEach((e, i) => {
    o = transition(o, e, later(i + 1)).order;
  });
  return o;
}

/** One valid payload per event type. */
const PAYLOAD: Record<Exclude<OrderEventType, 'create'>, OrderEvent> = {
  pay: { type: 'pay' },
  ship: { type: 'ship', courier: '顺丰', trackingNo: 'SF123' },
  deliver: { type: 'deliver' },
  complete: { type: 'complete' },
  close: { type: 'close', reason: 'buyer_cancelled' },
  refund_request: { type: 'refund_request', reason: '不想要了' },
  refund_accept: { type: 'refund_accept' },
  refund_cancel: { type: 'refund_cancel' },
  refund_done: { type: 'refund_done' },
  refund_reject: { type: 'refund_reject' },
  note: { type: 'note', text: '买家要求发顺丰' },
  change_address: {
    type: 'change_address',
    address: { name: '李四', phone: '13900001111', province: '江苏省', city: '苏州市', detail: '姑苏区人民路1号' },
  },
  change_sku: { type: 'change_sku', itemIndex: 0, sku: 'shoe-black-43', spec: { 颜色: '黑色', 尺码: '43' } },
};

/** The expected table, written out independently of the guards. */
const STATES: Array<{ name: string; order: () => Order; allowed: Array<Exclude<OrderEventType, 'create'>> }> = [
  { name: 'unpaid', order: () => run(), allowed: ['pay', 'close', 'note', 'change_address', 'change_sku'] },
  { name: 'paid', order: () => run(PAYLOAD.pay), allowed: ['ship', 'refund_request', 'note', 'change_address', 'change_sku'] },
  {
    name: 'paid + refund requested',
    order: () => run(PAYLOAD.pay, PAYLOAD.refund_request),
    allowed: ['refund_accept', 'refund_cancel', 'refund_done', 'refund_reject', 'note', 'change_address', 'change_sku'],
  },
  {
    name: 'paid + refunding',
    order: () => run(PAYLOAD.pay, PAYLOAD.refund_request, PAYLOAD.refund_accept),
    allowed: ['refund_cancel', 'refund_done', 'refund_reject', 'note', 'change_address', 'change_sku'],
  },
  {
    name: 'paid + refund rejected',
    order: () => run(PAYLOAD.pay, PAYLOAD.refund_request, PAYLOAD.refund_reject),
    allowed: ['ship', 'refund_request', 'note', 'change_address', 'change_sku'],
  },
  { name: 'shipped', order: () => run(PAYLOAD.pay, PAYLOAD.ship), allowed: ['deliver', 'complete', 'refund_request', 'note'] },
  {
    name: 'shipped + refund requested',
    order: () => run(PAYLOAD.pay, PAYLOAD.ship, PAYLOAD.refund_request),
    allowed: ['deliver', 'refund_accept', 'refund_cancel', 'refund_done', 'refund_reject', 'note'],
  },
  { name: 'delivered', order: () => run(PAYLOAD.pay, PAYLOAD.ship, PAYLOAD.deliver), allowed: ['complete', 'refund_request', 'note'] },
  {
    name: 'delivered + partly refunded',
    order: () => run(PAYLOAD.pay, PAYLOAD.ship, PAYLOAD.deliver, { type: 'refund_request', amount: 50 }, PAYLOAD.refund_done),
    allowed: ['complete', 'note'],
  },
  { name: 'completed', order: () => run(PAYLOAD.pay, PAYLOAD.ship, PAYLOAD.deliver, PAYLOAD.complete), allowed: ['note'] },
  { name: 'closed (cancelled)', order: () => run(PAYLOAD.close), allowed: ['note'] },
  { name: 'closed (refunded)', order: () => run(PAYLOAD.pay, PAYLOAD.refund_request, PAYLOAD.refund_done), allowed: ['note'] },
];

describe('order state machine: every event in every state', () => {
  for (const s of STATES) {
    describe(s.name, () => {
      it('allowedEvents matches the table', () => {
        expect(allowedEvents(s.order()).sort()).toEqual([...s.allowed].sort());
      });
      for (const type of Object.keys(PAYLOAD) as Array<Exclude<OrderEventType, 'create'>>) {
        const ok = s.allowed.includes(type);
        it(`${type} ${ok ? 'applies' : 'is rejected with order.invalid_transition'}`, () => {
          const before = s.order();
          const snapshot = structuredClone(before);
          expect(canApply(before, type)).toBe(ok);
          if (ok) {
            const r = transition(before, PAYLOAD[type], later(50));
            expect(r.events.length).toBeGreaterThan(0);
            expect(r.events.every((e) => e.orderId === 'o1')).toBe(true);
          } else {
            let err: unknown;
            try {
              transition(before, PAYLOAD[type], later(50));
            } catch (e) {
              err = e;
            }
            expect(err).toBeInstanceOf(DomainError);
            expect((err as DomainError).code).toBe('order.invalid_transition');
          }
          expect(before).toEqual(snapshot);
        });
      }
    });
  }
});

describe('order transitions: results', () => {
  it('create → unpaid, closes 72 h later, emits order.created', () => {
    const r = transition(null, create, T0);
    expect(r.order).toMatchObject({ status: 'unpaid', refund: 'none', createdAt: T0.toISOString(), closesAt: later(72).toISOString(), notes: [] });
    expect(r.events.map((e) => e.type)).toEqual(['order.created']);
  });
  it('create twice is invalid', () => {
    expect(() => transition(run(), create, T0)).toThrow(expect.objectContaining({ code: 'order.invalid_transition' }));
  });
  it('create rejects an empty order', () => {
    expect(() => transition(null, { ...create, items: [] } as OrderEvent, T0)).toThrow(expect.objectContaining({ code: 'request.invalid' }));
  });
  it('pay records paid time and amount; the platform time wins over now', () => {
    const o = transition(run(), { type: 'pay', paidAmount: 379, at: '2024-05-01T03:00:00+08:00' }, later(5)).order;
    expect(o).toMatchObject({ status: 'paid', paidAmount: 379, paidAt: '2024-04-30T19:00:00.000Z' });
  });
  it('ship keeps courier and tracking number', () => {
    expect(run(PAYLOAD.pay, PAYLOAD.ship)).toMatchObject({ status: 'shipped', courier: '顺丰', trackingNo: 'SF123' });
  });
  it('deliver then complete', () => {
    expect(run(PAYLOAD.pay, PAYLOAD.ship, PAYLOAD.deliver).status).toBe('delivered');
    const done = run(PAYLOAD.pay, PAYLOAD.ship, PAYLOAD.deliver, PAYLOAD.complete);
    expect(done.status).toBe('completed');
    expect(isFinal(done.status)).toBe(true);
  });
  it('complete straight from shipped (buyer confirms before the delivery scan)', () => {
    expect(run(PAYLOAD.pay, PAYLOAD.ship, PAYLOAD.complete).status).toBe('completed');
  });
  it('a timeout close only at or after closesAt', () => {
    const o = run();
    expect(() => transition(o, { type: 'close', reason: 'timeout' }, later(71))).toThrow(expect.objectContaining({ code: 'order.invalid_transition' }));
    const r = transition(o, { type: 'close' }, later(72));
    expect(r.order).toMatchObject({ status: 'closed', closeReason: 'timeout' });
    expect(r.events[0]?.type).toBe('order.closed');
    expect(dueForAutoClose(o, later(71.9))).toBe(false);
    expect(dueForAutoClose(o, later(72))).toBe(true);
  });
  it('a full refund closes the order and emits refunded then closed', () => {
    const o = run(PAYLOAD.pay, PAYLOAD.refund_request);
    const r = transition(o, PAYLOAD.refund_done, later(9));
    expect(r.order).toMatchObject({ status: 'closed', refund: 'refunded', refundAmount: 399, closeReason: 'refunded' });
    expect(r.events.map((e) => e.type)).toEqual(['order.refunded', 'order.closed']);
  });
  it('a partial refund leaves the status', () => {
    const o = run(PAYLOAD.pay, PAYLOAD.ship, { type: 'refund_request', amount: 50, reason: '少了赠品' }, PAYLOAD.refund_done);
    expect(o).toMatchObject({ status: 'shipped', refund: 'refunded', refundAmount: 50 });
  });
  it('a refund cannot exceed what was paid', () => {
    expect(() => run(PAYLOAD.pay, { type: 'refund_request', amount: 400 })).toThrow(expect.objectContaining({ code: 'request.invalid' }));
  });
  it('a cancelled refund request clears the amount and reason', () => {
    const o = run(PAYLOAD.pay, PAYLOAD.refund_request, PAYLOAD.refund_cancel);
    expect(o.refund).toBe('none');
    expect(o.refundAmount).toBeUndefined();
    expect(o.refundReason).toBeUndefined();
  });
  it('no shipping while a refund is open', () => {
    expect(canApply(run(PAYLOAD.pay, PAYLOAD.refund_request), 'ship')).toBe(false);
  });
  it('a note is trimmed, kept in order, and allowed on a closed order', () => {
    const o = run(PAYLOAD.close, { type: 'note', text: '  买家说下次再买 ', by: '小美' });
    expect(o.notes).toEqual([{ at: later(2).toISOString(), text: '买家说下次再买', by: '小美' }]);
    expect(() => transition(o, { type: 'note', text: '   ' }, later(3))).toThrow(expect.objectContaining({ code: 'request.invalid' }));
  });
  it('seed 004: a wrong size picked is changed, not refunded — before shipping', () => {
    const paid = run(PAYLOAD.pay);
    const r = transition(paid, PAYLOAD.change_sku, later(3));
    expect(r.order.items[0]).toMatchObject({ sku: 'shoe-black-43', spec: { 颜色: '黑色', 尺码: '43' }, price: 399, title: '徒步鞋' });
    expect(r.order.refund).toBe('none');
    expect(r.events[0]).toMatchObject({ type: 'order.sku_changed', data: { from: { sku: 'shoe-black-42' } } });
    expect(paid.items[0]?.sku).toBe('shoe-black-42');
  });
  it('change_sku rejects a missing item', () => {
    expect(() => transition(run(PAYLOAD.pay), { ...PAYLOAD.change_sku, itemIndex: 3 } as OrderEvent, later(3))).toThrow(
      expect.objectContaining({ code: 'request.invalid' }),
    );
  });
  it('change_address keeps the old one in the event and rejects an incomplete one', () => {
    const r = transition(run(PAYLOAD.pay), PAYLOAD.change_address, later(3));
    expect(r.order.address?.city).toBe('苏州市');
    expect(r.events[0]?.data).toMatchObject({ from: { city: '杭州市' }, to: { city: '苏州市' } });
    const bad = { type: 'change_address', address: { name: '李四', phone: '', province: '江苏省', city: '苏州市', detail: 'x' } } as OrderEvent;
    expect(() => transition(run(), bad, later(3))).toThrow(expect.objectContaining({ code: 'request.invalid' }));
  });
});
