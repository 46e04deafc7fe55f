import { describe, expect, it } from 'vitest';
import { computeKpis, dataSpan, drillDown, kpiReportToJson, type KpiMessage, type KpiOrder, type KpiSettings } from './index.js';

const DAY: KpiSettings = { from: '2013-09-01', to: '2013-09-01' };
const SEPT: KpiSettings = { from: '2013-09-01', to: '2013-09-30' };

/** Shanghai wall time → ISO with offset. */
const at = (s: string): string => `${s.replace(' ', 'T')}+08:00`;
const buyerMsg = (buyer: string, time: string, text = '在吗'): KpiMessage => ({ buyer, from: 'buyer', text, at: at(time) });
const agentMsg = (buyer: string, time: string, agent = '小美'): KpiMessage => ({ buyer, from: 'agent', agent, text: '亲，在的呢', at: at(time) });
const autoMsg = (buyer: string, time: string): KpiMessage => ({ buyer, from: 'auto', text: '亲，欢迎光临~', at: at(time) });
const order = (id: string, buyer: string, created: string, paid: string | null, amount = 50, extra: Partial<KpiOrder> = {}): KpiOrder => ({
  id,
  buyer,
  amount,
  createdAt: at(created),
  paidAt: paid === null ? null : at(paid),
  ...extra,
});

describe('seed checks of KPIS.md', () => {
  it('seed 004: 10 inquirers, 5 ordered unpaid, 2 paid → 20% inquiry-to-payment, 70% and 28.6%', () => {
    const messages: KpiMessage[] = [];
    const orders: KpiOrder[] = [];
    for (let i = 0; i < 10; i++) {
      messages.push(buyerMsg(`b${i}`, '2013-09-01 10:00:00'), agentMsg(`b${i}`, '2013-09-01 10:00:20'));
      if (i < 5) orders.push(order(`o${i}`, `b${i}`, '2013-09-01 11:00:00', null));
      else if (i < 7) orders.push(order(`o${i}`, `b${i}`, '2013-09-01 11:00:00', '2013-09-01 11:05:00'));
    }
    const r = computeKpis({ messages, orders }, DAY);
    expect(r.inquirers).toBe(10);
    expect(r.orderers).toBe(7);
    expect(r.payers).toBe(2);
    expect(r.inquiryToPayment).toBeCloseTo(0.2, 12);
    expect(r.inquiryConversion).toBeCloseTo(0.7, 12);
    expect(r.paymentConversion).toBeCloseTo(2 / 7, 12);
    const json = kpiReportToJson(r);
    expect(json.paymentConversion).toBe(0.2857);
    expect(json.inquiryToPayment).toBe(0.2);
  });

  it('seed 004 September: 2879.90 from 50 customers and 55 orders → 客单价 57.60, 笔单价 52.36', () => {
    const messages: KpiMessage[] = [];
    const orders: KpiOrder[] = [];
    let n = 0;
    for (let i = 0; i < 50; i++) {
      const d = String(1 + (i % 28)).padStart(2, '0');
      messages.push(buyerMsg(`c${i}`, `2013-09-${d} 10:00:00`), agentMsg(`c${i}`, `2013-09-${d} 10:00:30`));
      const count = i < 5 ? 2 : 1;
      for (let k = 0; k < count; k++) {
        n++;
        const amount = n === 55 ? 71.9 : 52;
        orders.push(order(`o${n}`, `c${i}`, `2013-09-${d} 11:0${k}:00`, `2013-09-${d} 11:1${k}:00`, amount));
      }
    }
    const r = computeKpis({ messages, orders }, SEPT);
    expect(r.revenue).toBe(2879.9);
    expect(r.payingCustomers).toBe(50);
    expect(r.paidOrders).toBe(55);
    expect(r.perCustomerValue).toBeCloseTo(57.598, 9);
    const json = kpiReportToJson(r);
    expect(json.revenue).toBe(2879.9);
    expect(json.perCustomerValue).toBe(57.6);
    expect(json.perOrderValue).toBe(52.36);
  });
});

describe('responsiveness', () => {
  it('auto-replies count for first response but not for first human response, average response or reply rate', () => {
    const messages = [
      buyerMsg('a', '2013-09-01 10:00:00'),
      autoMsg('a', '2013-09-01 10:00:02'),
      agentMsg('a', '2013-09-01 10:00:30'),
      buyerMsg('b', '2013-09-01 11:00:00'),
      autoMsg('b', '2013-09-01 11:00:04'),
    ];
    const r = computeKpis({ messages, orders: [] }, DAY);
    expect(r.firstResponseSec).toBe(3); // (2 + 4) / 2
    expect(r.firstHumanResponseSec).toBe(30);
    expect(r.avgResponseSec).toBe(30);
    expect(r.answeredTurns).toBe(1);
    expect(r.unansweredTurns).toBe(1);
    expect(r.replyRate).toBe(0.5);
  });

  it('a run of buyer messages is one turn timed from its first message; an auto-reply does not end it', () => {
    const messages = [
      buyerMsg('a', '2013-09-01 10:00:00'),
      autoMsg('a', '2013-09-01 10:00:01'),
      buyerMsg('a', '2013-09-01 10:00:40'),
      agentMsg('a', '2013-09-01 10:01:00'),
      buyerMsg('a', '2013-09-01 10:05:00'),
      agentMsg('a', '2013-09-01 10:05:10'),
    ];
    const r = computeKpis({ messages, orders: [] }, DAY);
    expect(r.answeredTurns).toBe(2);
    expect(r.avgResponseSec).toBe(35); // (60 + 10) / 2
    expect(r.unansweredTurns).toBe(0);
  });

  it('a turn with no agent reply before the conversation ends is unanswered, not a time', () => {
    const messages = [
      buyerMsg('a', '2013-09-01 10:00:00'),
      // 25 h later: past the 24 h conversation gap.
      agentMsg('a', '2013-09-02 11:00:00'),
      buyerMsg('b', '2013-09-01 12:00:00'),
      agentMsg('b', '2013-09-01 20:00:00'),
    ];
    const r = computeKpis({ messages, orders: [] }, DAY);
    expect(r.unansweredTurns).toBe(1);
    expect(r.answeredTurns).toBe(1);
    expect(r.avgResponseSec).toBe(8 * 3600);
    expect(r.firstHumanResponseSec).toBe(8 * 3600);
    const shorter = computeKpis({ messages, orders: [] }, { ...DAY, sessionGapHours: 4 });
    expect(shorter.unansweredTurns).toBe(2);
    expect(shorter.avgResponseSec).toBeNull();
  });

  it('first response is measured from the first buyer message of each day', () => {
    const messages = [
      buyerMsg('a', '2013-09-01 10:00:00'),
      agentMsg('a', '2013-09-01 10:00:10'),
      buyerMsg('a', '2013-09-02 09:00:00'),
      buyerMsg('a', '2013-09-02 09:00:30'),
      agentMsg('a', '2013-09-02 09:00:50'),
    ];
    const r = computeKpis({ messages, orders: [] }, { from: '2013-09-01', to: '2013-09-02' });
    expect(r.inquirers).toBe(1);
    expect(r.firstHumanResponseSec).toBe(30); // (10 + 50) / 2
    expect(r.byDay.map((d) => d.firstHumanResponseSec)).toEqual([10, 50]);
  });

  it('time outside business hours does not count', () => {
    const messages = [buyerMsg('a', '2013-09-02 08:00:00'), agentMsg('a', '2013-09-02 09:01:00')]; // a Monday
    const hours = [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' }];
    const settings = { from: '2013-09-02', to: '2013-09-02' };
    expect(computeKpis({ messages, orders: [] }, settings).avgResponseSec).toBe(3660);
    expect(computeKpis({ messages, orders: [] }, { ...settings, businessHours: hours }).avgResponseSec).toBe(60);
    // Friday 17:59 → Monday 09:01 is 2 business minutes.
    const weekend = [buyerMsg('w', '2013-09-06 17:59:00'), agentMsg('w', '2013-09-09 09:01:00')];
    const r = computeKpis({ messages: weekend, orders: [] }, { from: '2013-09-06', to: '2013-09-06', businessHours: hours });
    expect(r.avgResponseSec).toBe(120);
    expect(r.unansweredTurns).toBe(0);
  });

  it('reply rate counts inquirers who received an agent message', () => {
    const messages = [buyerMsg('a', '2013-09-01 10:00:00'), agentMsg('a', '2013-09-01 10:01:00'), buyerMsg('b', '2013-09-01 10:00:00')];
    const r = computeKpis({ messages, orders: [] }, DAY);
    expect(r.repliedInquirers).toBe(1);
    expect(r.replyRate).toBe(0.5);
  });
});

describe('conversion and attribution', () => {
  it('an order more than the window after the first inquiry of the period does not count', () => {
    const messages = [buyerMsg('a', '2013-09-01 10:00:00'), buyerMsg('b', '2013-09-01 10:00:00'), buyerMsg('c', '2013-09-01 10:00:00')];
    const orders = [
      order('1', 'a', '2013-09-04 09:59:00', '2013-09-04 10:00:00'), // 71 h 59 min: inside
      order('2', 'b', '2013-09-04 10:01:00', '2013-09-04 10:02:00'), // 72 h 1 min: outside
      order('3', 'c', '2013-09-01 09:00:00', '2013-09-01 09:01:00'), // before the inquiry
    ];
    const r = computeKpis({ messages, orders }, DAY);
    expect(r.inquirers).toBe(3);
    expect(r.orderers).toBe(1);
    expect(r.payers).toBe(1);
    const narrow = computeKpis({ messages, orders }, { ...DAY, attributionWindowHours: 24 });
    expect(narrow.orderers).toBe(0);
  });

  it('a buyer followed past the period end still counts as orderer and payer of the period', () => {
    const messages = [buyerMsg('a', '2013-09-01 23:00:00')];
    const orders = [order('1', 'a', '2013-09-02 10:00:00', '2013-09-03 10:00:00')];
    const r = computeKpis({ messages, orders }, DAY);
    expect(r.orderers).toBe(1);
    expect(r.payers).toBe(1);
    expect(r.revenue).toBe(0); // paid after the period and not attributed to any agent
  });

  it('orders are attributed to the last agent within the window before creation; older messages do not attribute', () => {
    const messages = [
      buyerMsg('a', '2013-09-01 10:00:00'),
      agentMsg('a', '2013-09-01 10:00:10', '小美'),
      agentMsg('a', '2013-09-01 10:30:00', '阿强'),
      agentMsg('a', '2013-09-01 12:00:00', '小美'), // after the order: does not count
      buyerMsg('b', '2013-08-20 10:00:00'),
      agentMsg('b', '2013-08-20 10:00:10', '小美'), // 12 days before the order
    ];
    const orders = [
      order('1', 'a', '2013-09-01 11:00:00', '2013-09-01 11:01:00', 100),
      order('2', 'b', '2013-09-01 11:00:00', '2013-09-01 11:01:00', 80),
    ];
    const r = computeKpis({ messages, orders }, DAY);
    expect(r.revenue).toBe(100);
    expect(r.paidOrders).toBe(1);
    expect(r.shop.revenue).toBe(180);
    const qiang = r.byAgent.find((a) => a.agent === '阿强')!;
    const mei = r.byAgent.find((a) => a.agent === '小美')!;
    expect(qiang.revenue).toBe(100);
    expect(qiang.payers).toBe(1);
    expect(mei.revenue).toBe(0);
    expect(mei.inquirers).toBe(1);
    expect(mei.payers).toBe(0);
    expect(mei.avgResponseSec).toBe(10);
  });

  it('silent buyers paid in the period without any inquiry and stay out of the rates', () => {
    const messages = [buyerMsg('a', '2013-09-01 10:00:00'), agentMsg('a', '2013-09-01 10:00:10')];
    const orders = [
      order('1', 'a', '2013-09-01 11:00:00', '2013-09-01 11:01:00'),
      order('2', 's', '2013-09-01 12:00:00', '2013-09-01 12:01:00'),
      order('3', 's', '2013-09-01 13:00:00', '2013-09-01 13:01:00'),
      order('4', 'u', '2013-09-01 13:00:00', null),
    ];
    const r = computeKpis({ messages, orders }, DAY);
    expect(r.silentBuyers).toBe(1);
    expect(r.inquirers).toBe(1);
    expect(r.inquiryConversion).toBe(1);
    expect(drillDown({ messages, orders }, DAY, 'silentOrders').rows.map((o) => (o as { id: string }).id)).toEqual(['2', '3']);
  });

  it('a chat on another day belongs to that day, and the month counts each buyer once from the first inquiry', () => {
    const messages = [
      buyerMsg('a', '2013-09-01 10:00:00'),
      agentMsg('a', '2013-09-01 10:00:10'),
      buyerMsg('a', '2013-09-10 10:00:00'),
      agentMsg('a', '2013-09-10 10:00:10'),
      buyerMsg('b', '2013-08-31 10:00:00'),
    ];
    const orders = [order('1', 'a', '2013-09-10 11:00:00', '2013-09-10 11:01:00')];
    const r = computeKpis({ messages, orders }, SEPT);
    expect(r.inquirers).toBe(1);
    expect(r.orderers).toBe(0); // 9 days after the first inquiry of the month
    const d1 = r.byDay.find((d) => d.day === '2013-09-01')!;
    const d10 = r.byDay.find((d) => d.day === '2013-09-10')!;
    expect(d1.inquirers).toBe(1);
    expect(d1.orderers).toBe(0);
    expect(d10.inquirers).toBe(1);
    expect(d10.orderers).toBe(1);
    expect(d10.revenue).toBe(50);
    expect(r.byDay).toHaveLength(30);
    expect(computeKpis({ messages, orders }, { from: '2013-08-31', to: '2013-08-31' }).inquirers).toBe(1);
  });

  it('gives the same report whatever the input order', () => {
    const messages = [
      buyerMsg('a', '2013-09-01 10:00:00'),
      autoMsg('a', '2013-09-01 10:00:01'),
      agentMsg('a', '2013-09-01 10:00:30', '阿强'),
      buyerMsg('a', '2013-09-01 10:02:00'),
      agentMsg('a', '2013-09-01 10:02:20'),
      buyerMsg('b', '2013-09-01 15:00:00'),
      agentMsg('b', '2013-09-01 15:01:00'),
      buyerMsg('c', '2013-09-02 09:00:00'),
    ];
    const orders = [order('1', 'a', '2013-09-01 11:00:00', '2013-09-01 11:01:00', 30), order('2', 'b', '2013-09-02 11:00:00', null)];
    const settings = { from: '2013-09-01', to: '2013-09-02' };
    const sorted = computeKpis({ messages, orders }, settings);
    const reversed = computeKpis({ messages: [...messages].reverse(), orders: [...orders].reverse() }, settings);
    const shuffled = computeKpis({ messages: [messages[5]!, messages[2]!, messages[7]!, messages[0]!, messages[4]!, messages[1]!, messages[6]!, messages[3]!], orders }, settings);
    expect(reversed).toEqual(sorted);
    expect(shuffled).toEqual(sorted);
    expect(sorted.avgResponseSec).toBe((30 + 20 + 60) / 3);
  });

  it('a zero denominator gives null, never 0 or NaN', () => {
    const r = computeKpis({ messages: [], orders: [] }, DAY);
    expect(r.inquirers).toBe(0);
    for (const k of ['inquiryConversion', 'paymentConversion', 'inquiryToPayment', 'replyRate', 'firstResponseSec', 'avgResponseSec', 'perCustomerValue', 'perOrderValue', 'refundRate', 'badReviewRate'] as const) {
      expect(r[k], k).toBeNull();
    }
    expect(r.returnRate).toBeNull(); // no case data at all
    expect(r.complaintRate).toBeNull();
    const json = kpiReportToJson(r);
    expect(json.inquiryConversion).toBeNull();
    expect(JSON.stringify(json)).not.toContain('NaN');
  });

  it('days are calendar days in the shop zone: 23:30 UTC is the next day in Shanghai', () => {
    const messages: KpiMessage[] = [{ buyer: 'a', from: 'buyer', at: '2013-08-31T23:30:00Z' }];
    expect(computeKpis({ messages, orders: [] }, DAY).inquirers).toBe(1);
    expect(computeKpis({ messages, orders: [] }, { ...DAY, tz: 'UTC' }).inquirers).toBe(0);
    expect(computeKpis({ messages, orders: [] }, { from: '2013-08-31', to: '2013-08-31', tz: 'UTC' }).inquirers).toBe(1);
    expect(dataSpan({ messages, orders: [] })).toEqual({ from: '2013-09-01', to: '2013-09-01' });
  });

  it('creditOn decides whether payment or creation time puts a paid order into the period', () => {
    const messages = [buyerMsg('a', '2013-08-31 22:00:00'), agentMsg('a', '2013-08-31 22:00:10')];
    const orders = [order('1', 'a', '2013-08-31 23:00:00', '2013-09-01 00:10:00', 66)];
    expect(computeKpis({ messages, orders }, DAY).revenue).toBe(66);
    expect(computeKpis({ messages, orders }, { ...DAY, creditOn: 'order' }).revenue).toBe(0);
    expect(computeKpis({ messages, orders }, { from: '2013-08-31', to: '2013-08-31', creditOn: 'order' }).revenue).toBe(66);
  });
});

describe('after-sales and quality', () => {
  const messages = [buyerMsg('a', '2013-09-01 10:00:00'), agentMsg('a', '2013-09-01 10:00:10'), buyerMsg('b', '2013-09-01 10:00:00'), agentMsg('b', '2013-09-01 10:00:10')];
  const orders = [
    order('1', 'a', '2013-09-01 11:00:00', '2013-09-01 11:01:00', 50, { refundAmount: 50, quantity: 2 }),
    order('2', 'b', '2013-09-01 11:00:00', '2013-09-01 11:01:00', 50, { refundAmount: 0, quantity: 3 }),
    order('3', 'b', '2013-09-01 12:00:00', '2013-09-02 12:00:00', 20),
    order('4', 'a', '2013-09-01 12:00:00', null, 20),
    order('5', 'a', '2013-09-01 12:30:00', null, 20),
  ];

  it('refund, return, complaint and bad-review rates', () => {
    const r = computeKpis(
      {
        messages,
        orders,
        cases: [
          { kind: 'return', at: at('2013-09-01 20:00:00'), quantity: 1 },
          { kind: 'complaint', at: at('2013-09-01 21:00:00') },
          { kind: 'complaint', at: at('2013-09-03 21:00:00') },
        ],
        reviews: [
          { rating: 'good', at: at('2013-09-01 20:00:00') },
          { rating: 'neutral', at: at('2013-09-01 20:00:00') },
          { rating: 'bad', at: at('2013-09-01 20:00:00') },
          { rating: 'good', at: at('2013-09-01 20:00:00') },
        ],
      },
      DAY,
    );
    expect(r.paidOrders).toBe(2);
    expect(r.refundRate).toBe(0.5);
    expect(r.goodsSold).toBe(5);
    expect(r.returnRate).toBe(0.2);
    expect(r.complaintRate).toBe(0.5);
    expect(r.badReviewRate).toBe(0.5);
  });

  it('urge success per script: unpaid orders paid within 72 h after the reminder', () => {
    const r = computeKpis(
      {
        messages,
        orders,
        reminders: [
          { orderId: '3', script: '限时包邮', at: at('2013-09-01 20:00:00') }, // paid next day
          { orderId: '4', script: '限时包邮', at: at('2013-09-01 20:00:00') }, // never paid
          { orderId: '5', script: '库存紧张', at: at('2013-09-01 20:00:00') },
          { orderId: '1', script: '库存紧张', at: at('2013-09-01 20:00:00') }, // already paid: ignored
        ],
      },
      DAY,
    );
    expect(r.urgeSuccess).toEqual([
      { script: '库存紧张', reminded: 1, paid: 0, rate: 0 },
      { script: '限时包邮', reminded: 2, paid: 1, rate: 0.5 },
    ]);
  });
});

describe('drillDown', () => {
  const messages = [
    buyerMsg('a', '2013-09-01 10:00:00'),
    agentMsg('a', '2013-09-01 10:00:10', '小美'),
    buyerMsg('b', '2013-09-01 10:00:00'),
    agentMsg('b', '2013-09-01 10:00:20', '阿强'),
    buyerMsg('c', '2013-09-01 10:00:00'),
  ];
  const orders = [order('1', 'a', '2013-09-01 11:00:00', '2013-09-01 11:01:00', 88), order('2', 'b', '2013-09-01 11:00:00', null)];
  const input = { messages, orders };

  it('lists the payers of one agent', () => {
    const d = drillDown(input, DAY, 'payers', { agent: '小美' });
    expect(d.kind).toBe('buyers');
    expect(d.rows.map((r) => (r as { buyer: string }).buyer)).toEqual(['a']);
    expect(drillDown(input, DAY, 'payers', { agent: '阿强' }).rows).toEqual([]);
    expect(drillDown(input, DAY, 'orderers', { agent: '阿强' }).rows).toHaveLength(1);
  });

  it('lists unanswered turns and paid orders, each matching its figure', () => {
    const r = computeKpis(input, DAY);
    const turns = drillDown(input, DAY, 'unansweredTurns');
    expect(turns.kind).toBe('turns');
    expect(turns.rows).toHaveLength(r.unansweredTurns);
    expect(turns.rows[0]).toMatchObject({ buyer: 'c', answered: false, startAt: '2013-09-01T10:00:00+08:00' });
    const paid = drillDown(input, DAY, 'paidOrders');
    expect(paid.rows).toHaveLength(r.paidOrders);
    expect(paid.rows[0]).toMatchObject({ id: '1', agent: '小美', amount: 88 });
    expect(drillDown(input, DAY, 'inquirers').rows).toHaveLength(r.inquirers);
    expect(drillDown(input, DAY, 'inquirers', { day: '2013-09-01' }).rows).toHaveLength(3);
    expect(drillDown(input, DAY, 'unrepliedInquirers').rows.map((x) => (x as { buyer: string }).buyer)).toEqual(['c']);
  });
});
