import { computeKpis, makeZone, parseDay, type KpiReport } from '@kefu/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../events/bus.js';
import type { Storage } from '../../storage/create-db.js';
import type { Database } from '../../storage/schema.js';
import { type Engine, testStorage } from '../../test/harness.js';
import { generateBuyers, type GenChunk } from './generate.js';
import { kpiInputOf, rawOrderOf, type RawMessage, type RollupSettings } from './rollup-facts.js';
import { queryKpis, type RollupReport } from './rollup.query.js';
import { loadSettings, rebuildShop, saveSettings } from './rollup.store.js';
import { RollupWriter } from './rollup.writer.js';

const FIGURES = [
  'inquirers', 'orderers', 'payers', 'inquiryConversion', 'paymentConversion', 'inquiryToPayment', 'silentBuyers', 'repliedInquirers',
  'replyRate', 'firstResponseSec', 'firstHumanResponseSec', 'avgResponseSec', 'answeredTurns', 'unansweredTurns', 'revenue',
  'payingCustomers', 'paidOrders', 'perCustomerValue', 'perOrderValue', 'refundedOrders', 'refundRate',
] as const;

function comparable(r: KpiReport | RollupReport): unknown {
  const pick = (o: object): Record<string, unknown> => Object.fromEntries(FIGURES.map((k) => [k, (o as Record<string, unknown>)[k]]));
  return { ...pick(r), byDay: r.byDay.map((d) => ({ day: d.day, ...pick(d) })), byAgent: r.byAgent, shop: r.shop };
}

async function insertChunk(db: Kysely<Database>, c: GenChunk): Promise<void> {
  const put = async (table: 'buyers' | 'conversations' | 'messages' | 'orders', rows: readonly object[]): Promise<void> => {
    for (let i = 0; i < rows.length; i += 40) await db.insertInto(table).values(rows.slice(i, i + 40) as never).execute();
  };
  await put('buyers', c.buyers);
  await put('conversations', c.conversations);
  await put('messages', c.messages);
  await put('orders', c.orders);
}

async function rawInput(db: Kysely<Database>, shopId: string) {
  const convs = await db.selectFrom('conversations').select(['id', 'buyer_id']).where('shop_id', '=', shopId).execute();
  const buyerOf = new Map(convs.map((c) => [c.id, c.buyer_id]));
  const msgs = await db.selectFrom('messages').selectAll().where('shop_id', '=', shopId).orderBy('conversation_id').orderBy('seq').execute();
  const messages: RawMessage[] = msgs.map((m) => ({ buyer: buyerOf.get(m.conversation_id)!, sender: m.sender, agent: m.agent_id, kind: m.kind, at: Number(m.created_at) }));
  const orders = (await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).execute()).map(rawOrderOf);
  return kpiInputOf(messages, orders);
}

async function dump(db: Kysely<Database>, shopId: string): Promise<unknown> {
  const days = await db.selectFrom('kpi_buyer_days').selectAll().where('shop_id', '=', shopId).orderBy('day').orderBy('buyer').execute();
  const agents = await db.selectFrom('kpi_buyer_day_agents').selectAll().where('shop_id', '=', shopId).orderBy('day').orderBy('buyer').orderBy('agent').execute();
  const orders = await db.selectFrom('kpi_orders').selectAll().where('shop_id', '=', shopId).orderBy('order_id').execute();
  // Day sums kept by delta must equal the rebuilt ones (a sum row that went back to all zeros is the same as none).
  const nonZero = (rows: Array<Record<string, unknown>>) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))).filter((r) => Object.entries(r).some(([k, v]) => !['shop_id', 'day', 'agent', 'scenario'].includes(k) && Number(v) !== 0));
  const sums = {
    days: nonZero(await db.selectFrom('kpi_days').selectAll().where('shop_id', '=', shopId).orderBy('day').execute()),
    agents: nonZero(await db.selectFrom('kpi_agent_days').selectAll().where('shop_id', '=', shopId).orderBy('day').orderBy('agent').execute()),
    scenarios: nonZero(await db.selectFrom('kpi_scenario_days').selectAll().where('shop_id', '=', shopId).orderBy('day').orderBy('scenario').execute()),
  };
  return { days, agents, orders, sums };
}

/** Rollups == core computeKpis over the raw rows, incremental == rebuild; run on SQLite and PostgreSQL. */
export function rollupContract(engine: Engine): void {
  describe(`KPI rollups (${engine})`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    const shopId = 'shop_kpi';
    const zone = makeZone('Asia/Shanghai');
    const startDay = parseDay('2026-03-02')!;
    const gen = { shopId, start: zone.dayStartUtc(startDay), days: 20, agents: ['agt_mei', 'agt_ya', 'agt_lin'], seed: 7 };
    const N = 260;
    let data: GenChunk;

    beforeAll(async () => {
      ({ storage, cleanup } = await testStorage(engine));
      const db = storage.db;
      await db.insertInto('organizations').values({ id: 'org_kpi', name: '测试', created_at: 1 }).execute();
      await db
        .insertInto('shops')
        .values({ id: shopId, org_id: 'org_kpi', name: '山野', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: 'pk_kpi', settings: '{}', created_at: 1 })
        .execute();
      data = generateBuyers(gen, 0, N);
      // Orders of a buyer unknown to the chat (imported by nickname only): silent, never attributed.
      data.orders.push({ ...data.orders[0]!, id: 'o_nick', external_id: 'T_nick', buyer_id: null, buyer_nick: '路人甲', created_at: gen.start + 86_400_000 * 3, paid_at: gen.start + 86_400_000 * 3 + 60_000 });
    }, 60_000);
    afterAll(async () => cleanup?.());

    it('the generated data has every case the figures distinguish', () => {
      const senders = new Set(data.messages.map((m) => m.sender));
      expect([...senders].sort()).toEqual(['agent', 'auto', 'buyer']);
      expect(data.messages.some((m) => m.kind === 'note')).toBe(true);
      expect(data.messages.some((m) => m.sender === 'agent' && m.agent_id === null)).toBe(true);
      expect(data.orders.some((o) => o.paid_at === null)).toBe(true);
      expect(data.orders.some((o) => o.refund_status === 'refunded')).toBe(true);
    });

    it('live writer: rows arriving in time order, refreshed per batch of events, equal a rebuild and the engine', async () => {
      const db = storage.db;
      const events = new EventBus('test-origin');
      const writer = new RollupWriter(db, { delayMs: 10_000, maxBatch: 1_000_000 }).attach(events);
      // Arrive in 12 slices of time: messages and orders of each slice, then their events.
      const t0 = gen.start;
      const t1 = gen.start + (gen.days + 12) * 86_400_000;
      const slice = (t1 - t0) / 12;
      await db.insertInto('buyers').values(data.buyers as never).execute();
      for (let i = 0; i < data.conversations.length; i += 50) await db.insertInto('conversations').values(data.conversations.slice(i, i + 50) as never).execute();
      for (let k = 0; k < 12; k++) {
        const lo = t0 + k * slice;
        const hi = k === 11 ? Infinity : lo + slice;
        const inSlice = (t: number): boolean => t >= lo && t < hi;
        const ms = data.messages.filter((m) => inSlice(Number(m.created_at)));
        const os = data.orders.filter((o) => inSlice(Number(o.created_at)));
        await insertChunk(db, { buyers: [], conversations: [], messages: ms, orders: os.map((o) => ({ ...o, paid_at: null })) });
        const paidNow = data.orders.filter((o) => o.paid_at !== null && o.paid_at !== undefined && inSlice(Number(o.paid_at)));
        for (const o of paidNow) await db.updateTable('orders').set({ paid_at: o.paid_at! }).where('id', '=', o.id).execute();
        const buyerOf = new Map(data.conversations.map((c) => [c.id, c.buyer_id]));
        for (const m of ms) events.emit('message.created', shopId, { buyerId: buyerOf.get(m.conversation_id) });
        for (const o of os) events.emit('order.created', shopId, { order: { buyerId: o.buyer_id, buyerNick: o.buyer_nick } });
        for (const o of paidNow) events.emit('order.paid', shopId, { order: { buyerId: o.buyer_id, buyerNick: o.buyer_nick } });
        // A replayed event changes nothing.
        if (ms[0]) events.emit('message.created', shopId, { buyerId: buyerOf.get(ms[0].conversation_id) });
        await writer.flush();
      }
      await writer.close();
      expect(writer.refreshed).toBeGreaterThan(N);

      const live = await dump(db, shopId);
      const settings = await loadSettings(db, shopId);
      const input = await rawInput(db, shopId);
      const fromRollups = await queryKpis(db, shopId, '2026-03-02', '2026-03-31', settings);
      const raw = computeKpis(input, { from: '2026-03-02', to: '2026-03-31', tz: 'Asia/Shanghai' });
      expect(comparable(fromRollups)).toEqual(comparable(raw));
      expect(raw.inquirers).toBeGreaterThan(150);
      expect(raw.byAgent.map((a) => a.agent)).toEqual(expect.arrayContaining(['agt_mei', 'agt_ya', 'agt_lin', '(未署名)']));
      expect(raw.unansweredTurns).toBeGreaterThan(0);
      expect(raw.silentBuyers).toBeGreaterThan(0);
      expect(raw.payers).toBeGreaterThan(0);
      expect(raw.refundedOrders).toBeGreaterThan(0);

      await rebuildShop(db, shopId, { pageSize: 37 });
      const rebuilt = (await dump(db, shopId)) as { sums: { days: unknown[] } };
      expect(rebuilt.sums.days.length).toBeGreaterThan(15);
      expect(rebuilt).toEqual(live);
    });

    const ranges: Array<[string, string]> = [
      ['2026-03-02', '2026-03-31'],
      ['2026-03-05', '2026-03-12'],
      ['2026-03-10', '2026-03-10'],
      ['2026-02-20', '2026-03-03'],
      ['2026-03-18', '2026-04-10'],
    ];
    const variants: Array<[string, Partial<RollupSettings>]> = [
      ['defaults', {}],
      ['business hours 09–18 weekdays, 10–16 weekends', { businessHours: [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' }, { days: [0, 6], open: '10:00', close: '16:00' }] }],
      ['24 h window, 2 h gap, credit on order', { attributionWindowHours: 24, sessionGapHours: 2, creditOn: 'order' }],
      ['another zone', { tz: 'America/New_York' }],
    ];
    for (const [name, v] of variants) {
      it(`rebuilt rollups equal the engine over raw rows for every range (${name})`, async () => {
        const db = storage.db;
        const base = await loadSettings(db, shopId);
        const s: RollupSettings = { tz: 'Asia/Shanghai', businessHours: null, attributionWindowHours: 72, sessionGapHours: 24, creditOn: 'payment', ...v };
        await saveSettings(db, shopId, s, null);
        await rebuildShop(db, shopId);
        const input = await rawInput(db, shopId);
        let nonEmpty = 0;
        for (const [from, to] of ranges) {
          const got = await queryKpis(db, shopId, from, to, await loadSettings(db, shopId));
          const want = computeKpis(input, {
            from, to, tz: s.tz, attributionWindowHours: s.attributionWindowHours, sessionGapHours: s.sessionGapHours, creditOn: s.creditOn,
            ...(s.businessHours ? { businessHours: s.businessHours } : {}),
          });
          if (want.inquirers > 0) nonEmpty++;
          expect(comparable(got), `${from}..${to}`).toEqual(comparable(want));
        }
        expect(nonEmpty).toBeGreaterThanOrEqual(4);
        await saveSettings(db, shopId, base, null);
      });
    }

    it('a wrong rollup row is caught: a day sum off by one, or a lost repeat inquiry, changes the figures', async () => {
      const db = storage.db;
      await rebuildShop(db, shopId);
      const s = await loadSettings(db, shopId);
      const before = await queryKpis(db, shopId, '2026-03-02', '2026-03-31', s);
      const day = await db.selectFrom('kpi_days').select('day').where('shop_id', '=', shopId).limit(1).executeTakeFirstOrThrow();
      await db.updateTable('kpi_days').set((eb) => ({ ord: eb('ord', '+', 1) })).where('shop_id', '=', shopId).where('day', '=', day.day).execute();
      expect(comparable(await queryKpis(db, shopId, '2026-03-02', '2026-03-31', s))).not.toEqual(comparable(before));
      await rebuildShop(db, shopId);
      const row = await db.selectFrom('kpi_buyer_days').select(['buyer', 'day']).where('shop_id', '=', shopId).where('prev_day', 'is not', null).limit(1).executeTakeFirstOrThrow();
      await db.deleteFrom('kpi_buyer_days').where('shop_id', '=', shopId).where('buyer', '=', row.buyer).where('day', '=', row.day).execute();
      expect(comparable(await queryKpis(db, shopId, '2026-03-02', '2026-03-31', s))).not.toEqual(comparable(before));
      await rebuildShop(db, shopId);
      expect(comparable(await queryKpis(db, shopId, '2026-03-02', '2026-03-31', s))).toEqual(comparable(before));
    });
  });
}
