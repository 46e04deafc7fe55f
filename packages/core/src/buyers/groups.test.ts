import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { BUYER_GROUPS, buyerStatsFromOrders, deriveGroup, groupLabel } from './groups.js';

describe('deriveGroup', () => {
  it('never paid → 咨询', () => {
    expect(deriveGroup({ paidOrders: 0, paidAmount: 0 })).toBe('inquirer');
    expect(groupLabel(deriveGroup({ paidOrders: 0, paidAmount: 0 }))).toBe('咨询');
  });
  it('first paid order → 买家', () => {
    expect(deriveGroup({ paidOrders: 1, paidAmount: 59 })).toBe('buyer');
    expect(deriveGroup({ paidOrders: 2, paidAmount: 999.99 })).toBe('buyer');
  });
  it('VIP at the order-count threshold (default 3)', () => {
    expect(deriveGroup({ paidOrders: 3, paidAmount: 150 })).toBe('vip');
  });
  it('VIP at the amount threshold (default 1000) even with one order', () => {
    expect(deriveGroup({ paidOrders: 1, paidAmount: 1000 })).toBe('vip');
  });
  it('uses the shop thresholds', () => {
    const t = { vipPaidOrders: 5, vipPaidAmount: 3000 };
    expect(deriveGroup({ paidOrders: 3, paidAmount: 1500 }, t)).toBe('buyer');
    expect(deriveGroup({ paidOrders: 5, paidAmount: 200 }, t)).toBe('vip');
    expect(deriveGroup({ paidOrders: 2, paidAmount: 3000 }, t)).toBe('vip');
  });
  it('a manual override stays whatever the orders say', () => {
    expect(deriveGroup({ paidOrders: 0, paidAmount: 0 }, undefined, 'vip')).toBe('vip');
    expect(deriveGroup({ paidOrders: 10, paidAmount: 9000 }, undefined, 'buyer')).toBe('buyer');
    expect(deriveGroup({ paidOrders: 10, paidAmount: 9000 }, undefined, null)).toBe('vip');
  });
  it('rejects bad thresholds and unknown overrides', () => {
    expect(() => deriveGroup({ paidOrders: 1, paidAmount: 1 }, { vipPaidOrders: 0, vipPaidAmount: 1000 })).toThrow(DomainError);
    expect(() => deriveGroup({ paidOrders: 1, paidAmount: 1 }, undefined, 'gold' as never)).toThrow(DomainError);
  });
  it('labels every group in Chinese', () => {
    expect(BUYER_GROUPS.map((g) => g.zh)).toEqual(['咨询', '买家', 'VIP']);
  });
});

describe('buyerStatsFromOrders', () => {
  it('counts paid orders net of refunds and skips unpaid and fully refunded ones', () => {
    const s = buyerStatsFromOrders([
      { paidAt: '2024-01-02T00:00:00Z', paidAmount: 300 },
      { paidAt: '2024-03-05T00:00:00Z', paidAmount: 200, refundAmount: 50 },
      { paidAt: null, paidAmount: 999 },
      { paidAt: '2024-04-01T00:00:00Z', paidAmount: 500, refundAmount: 500, closeReason: 'refunded' },
    ]);
    expect(s).toEqual({ paidOrders: 2, paidAmount: 450, lastPaidAt: '2024-03-05T00:00:00.000Z' });
  });
  it('no orders → inquirer stats', () => {
    expect(buyerStatsFromOrders([])).toEqual({ paidOrders: 0, paidAmount: 0, lastPaidAt: null });
  });
});
