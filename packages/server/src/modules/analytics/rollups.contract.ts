import { computeKpis, formatDay, makeZone, parseDay, type KpiReport } from '@kefu/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../events/bus.js';
import type { Storage } from '../../storage/create-db.js';
import type { Database } from '../../storage/schema.js';
import { type Engine, testStorage } from '../../test/harness.js';
import { generateBuyers, type GenChunk } from './generate.js';
import { kpiInputOf, rawOrderOf, type RawMessage, type RollupSettings } from './rollup-facts.js';
import { queryKpis, type RollupReport } from './rollup.query.js';
import { buildKey, loadSettings, rebuildingKey, rebuildShop, refreshBuyers, saveSettings } from './rollup.store.js';
import { RollupOffload } from './rollup.offload.js';
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
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))).filter((r) => Object.entries(r).some(([k, v]) => !['shop_id', 'day', 'agent', 'scenario', 'credit', 'prev_day', 'kind'].includes(k) && Number(v) !== 0));
  const sums = {
    days: nonZero(await db.selectFrom('kpi_days').selectAll().where('shop_id', '=', shopId).orderBy('day').execute()),
    agents: nonZero(await db.selectFrom('kpi_agent_days').selectAll().where('shop_id', '=', shopId).orderBy('day').orderBy('agent').execute()),
    scenarios: nonZero(await db.selectFrom('kpi_scenario_days').selectAll().where('shop_id', '=', shopId).orderBy('day').orderBy('scenario').execute()),
  };
  const money = {
    days: nonZero(await db.selectFrom('kpi_money_days').selectAll().where('shop_id', '=', shopId).orderBy('credit').orderBy('day').execute()),
    agents: nonZero(await db.selectFrom('kpi_money_agent_days').selectAll().where('shop_id', '=', shopId).orderBy('credit').orderBy('day').orderBy('agent').execute()),
    pairs: nonZero(await db.selectFrom('kpi_repeat_days').selectAll().where('shop_id', '=', shopId).orderBy('prev_day').orderBy('day').execute()),
    agentPairs: nonZero(await db.selectFrom('kpi_agent_repeat_days').selectAll().where('shop_id', '=', shopId).orderBy('prev_day').orderBy('day').orderBy('agent').execute()),
    moneyPairs: nonZero(
      await db.selectFrom('kpi_money_repeat_days').selectAll().where('shop_id', '=', shopId).orderBy('credit').orderBy('prev_day').orderBy('day').orderBy('kind').orderBy('agent').execute(),
    ),
    repeats: await db.selectFrom('kpi_money_repeats').selectAll().where('shop_id', '=', shopId).orderBy('credit').orderBy('day').orderBy('kind').orderBy('agent').orderBy('buyer').execute(),
  };
  return { days, agents, orders, sums, money };
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

    it.runIf(engine === 'sqlite')('facts built in the rollup worker (own read-only connection) write the same rows; a dead worker falls back in process', async () => {
      const db = storage.db;
      // Every buyer marked dirty, as their messages and nickname-only orders would.
      const markAll = (events: EventBus) => {
        for (const c of data.conversations) events.emit('message.created', shopId, { buyerId: c.buyer_id });
        for (const o of data.orders) if (o.buyer_id === null) events.emit('order.created', shopId, { order: { buyerId: null, buyerNick: o.buyer_nick } });
      };
      // A new attribution window makes every buyer's rows change.
      const saveWindow = (s: RollupSettings, hours: number) => saveSettings(db, shopId, { ...s, attributionWindowHours: hours }, buildKey({ ...s, attributionWindowHours: hours }));
      await rebuildShop(db, shopId);
      const want = await dump(db, shopId);
      // Runs after the live writer's test, on the rows it left (a run of this test alone has none to compare).
      expect((want as { days: unknown[] }).days.length).toBeGreaterThan(200);
      const offload = new RollupOffload(storage.sqliteFile!);
      try {
        const events = new EventBus('test-worker');
        const writer = new RollupWriter(db, { delayMs: 10_000, maxBatch: 1_000_000, offload }).attach(events);
        // Every buyer's rows are rewritten from facts the worker built (a change of window forces new rows).
        const s = await loadSettings(db, shopId);
        await saveWindow(s, 30);
        markAll(events);
        await writer.flush();
        expect(writer.offloaded).toBe(writer.refreshed);
        expect(writer.offloaded).toBeGreaterThan(200);
        const live = await dump(db, shopId);
        await rebuildShop(db, shopId);
        expect(live).toEqual(await dump(db, shopId));
        // The worker gone: the next refreshes are computed in process, the same.
        await offload.close();
        const before = writer.offloaded;
        await saveSettings(db, shopId, s, buildKey(s));
        markAll(events);
        await writer.close();
        expect(writer.offloaded).toBe(before);
        expect(await dump(db, shopId)).toEqual(want);
      } finally {
        await offload.close();
      }
      // A flush reading 64 buyers at a time (the next read prefetched meanwhile) and writing 16 per transaction: the same rows.
      const offload2 = new RollupOffload(storage.sqliteFile!);
      try {
        const events = new EventBus('test-worker-2');
        const sliced = new RollupWriter(db, { delayMs: 10_000, maxBatch: 1_000_000, offload: offload2, flushRead: 64, flushSlice: 16 }).attach(events);
        const s = await loadSettings(db, shopId);
        await saveWindow(s, 36);
        markAll(events);
        await sliced.close();
        expect(sliced.offloaded).toBe(sliced.refreshed);
        expect(sliced.refreshed).toBeGreaterThan(200);
        expect(sliced.chunks).toBeGreaterThanOrEqual(Math.ceil(sliced.refreshed / 64));
        const live = (await dump(db, shopId)) as { days: unknown[] };
        expect(live.days.length).toBeGreaterThan(200);
        await rebuildShop(db, shopId);
        expect(live).toEqual(await dump(db, shopId));
        await saveSettings(db, shopId, s, buildKey(s));
        await rebuildShop(db, shopId);
      } finally {
        await offload2.close();
      }
    });

    it('live shop order across two processes, then late and out-of-order records: cached refreshes equal a rebuild and the engine', async () => {
      const db = storage.db;
      const shop = 'shop_live';
      await db
        .insertInto('shops')
        .values({ id: shop, org_id: 'org_kpi', name: '直播间', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: 'pk_live', settings: '{}', created_at: 1 })
        .execute();
      const d = generateBuyers({ ...gen, shopId: shop, seed: 19, days: 12 }, 10_000, 70);
      d.orders.push({ ...d.orders[0]!, id: 'o_live_nick', external_id: 'T_live_nick', buyer_id: null, buyer_nick: '路人丙', created_at: gen.start + 86_400_000 * 2, paid_at: gen.start + 86_400_000 * 2 + 60_000 });
      await db.insertInto('buyers').values(d.buyers as never).execute();
      await db.insertInto('conversations').values(d.conversations as never).execute();
      const buyerOf = new Map(d.conversations.map((c) => [c.id, c.buyer_id]));
      // Two processes on one database: A holds the buyers' sockets, B the agents' and the order sync, so most buyers
      // are refreshed by both and each process's cached rows go stale whenever the other one writes them.
      const busA = new EventBus('proc-a');
      const busB = new EventBus('proc-b');
      const a = new RollupWriter(db, { delayMs: 60_000, maxBatch: 1_000_000 }).attach(busA);
      const b = new RollupWriter(db, { delayMs: 60_000, maxBatch: 1_000_000 }).attach(busB);
      type Step = { at: number; run: () => Promise<void> };
      const steps: Step[] = [];
      for (const m of d.messages) {
        steps.push({
          at: Number(m.created_at),
          run: async () => {
            await db.insertInto('messages').values(m as never).execute();
            (m.sender === 'buyer' ? busA : busB).emit('message.created', shop, { buyerId: buyerOf.get(m.conversation_id) });
          },
        });
      }
      for (const o of d.orders) {
        const ref = { buyerId: o.buyer_id, buyerNick: o.buyer_nick };
        steps.push({
          at: Number(o.created_at),
          run: async () => {
            await db.insertInto('orders').values({ ...o, paid_at: null, status: 'pending', refund_status: 'none', refund_amount: null } as never).execute();
            busB.emit('order.created', shop, { order: ref });
          },
        });
        if (o.paid_at !== null && o.paid_at !== undefined) {
          steps.push({
            at: Number(o.paid_at),
            run: async () => {
              await db.updateTable('orders').set({ paid_at: o.paid_at!, status: o.status }).where('id', '=', o.id).execute();
              busB.emit('order.paid', shop, { order: ref });
            },
          });
        }
        if (o.refund_status === 'refunded') {
          steps.push({
            at: Number(o.paid_at) + 86_400_000,
            run: async () => {
              await db.updateTable('orders').set({ refund_status: 'refunded', refund_amount: o.refund_amount ?? null }).where('id', '=', o.id).execute();
              busB.emit('order.refunded', shop, { order: ref });
            },
          });
        }
      }
      steps.sort((x, y) => x.at - y.at);
      // Each process flushes on its own clock (A every 30 steps, B every 45), at the same time when both are due.
      for (let i = 0; i < steps.length; i++) {
        await steps[i]!.run();
        await Promise.all([i % 30 === 29 ? a.flush() : null, i % 45 === 44 ? b.flush() : null]);
      }
      await Promise.all([a.flush(), b.flush()]);

      const H = 3_600_000;
      const day = (k: number, hour: number): number => gen.start + k * 86_400_000 + hour * H;
      const convs = d.conversations;
      const msg = (conv: (typeof convs)[number], seq: number, sender: string, agent: string | null, at: number, scenario: string | null = null) => ({
        ...d.messages[0]!, id: `late_${conv.id}_${seq}`, conversation_id: conv.id, seq, client_id: `late${seq}`, sender, agent_id: agent, kind: 'text', created_at: at, scenario,
      });
      // Late and out-of-order records: a buyer's older history imported now, an agent reply dated two days back, an
      // order placed days ago and paid now, the nickname-only order linked to a buyer, a deleted order, a scenario
      // stored after the refresh, a replayed event.
      await db.insertInto('messages').values([msg(convs[0]!, 901, 'buyer', null, gen.start - 3 * 86_400_000, 'size'), msg(convs[0]!, 902, 'agent', 'agt_ya', gen.start - 3 * 86_400_000 + 60_000)]).execute();
      busB.emit('message.created', shop, { buyerId: convs[0]!.buyer_id });
      await db.insertInto('messages').values(msg(convs[1]!, 903, 'agent', 'agt_lin', day(10, 10))).execute();
      busB.emit('message.created', shop, { buyerId: convs[1]!.buyer_id });
      const late = { ...d.orders[0]!, id: 'o_live_late', external_id: 'T_live_late', buyer_id: convs[2]!.buyer_id, buyer_nick: `买家x`, created_at: day(8, 12), paid_at: day(13, 9), status: 'paid', refund_status: 'none', refund_amount: null };
      await db.insertInto('orders').values(late as never).execute();
      busB.emit('order.paid', shop, { order: { buyerId: late.buyer_id, buyerNick: late.buyer_nick } });
      await db.updateTable('orders').set({ buyer_id: convs[3]!.buyer_id }).where('id', '=', 'o_live_nick').execute();
      busB.emit('order.updated', shop, { order: { buyerId: convs[3]!.buyer_id, buyerNick: '路人丙' } });
      const gone = d.orders.find((o) => o.buyer_id !== null && o.paid_at !== null && o.id !== 'o_live_nick')!;
      await db.deleteFrom('orders').where('id', '=', gone.id).execute();
      busB.emit('order.deleted', shop, { order: { buyerId: gone.buyer_id, buyerNick: gone.buyer_nick } });
      const unclassified = d.messages.find((m) => m.sender === 'buyer' && m.conversation_id === convs[4]!.id)!;
      await db.updateTable('messages').set({ scenario: 'logistics' }).where('id', '=', unclassified.id).execute();
      busA.emit('message.created', shop, { buyerId: convs[4]!.buyer_id });
      for (const c of convs.slice(0, 10)) busA.emit('message.created', shop, { buyerId: c.buyer_id });
      await Promise.all([b.flush(), a.flush()]);

      // The caches were used, and found rows another process had written.
      for (const w of [a, b]) {
        expect(w.cache!.hits).toBeGreaterThan(0);
        expect(w.cache!.stale).toBeGreaterThan(0);
      }
      const live = await dump(db, shop);
      const input = await rawInput(db, shop);
      expect(input.orders.some((o) => o.id === 'o_live_nick' && o.buyer === convs[3]!.buyer_id)).toBe(true);
      const s = await loadSettings(db, shop);
      for (const [from, to] of [['2026-02-20', '2026-03-20'], ['2026-03-04', '2026-03-09'], ['2026-02-27', '2026-02-27'], ['2026-03-12', '2026-03-15']] as const) {
        expect(comparable(await queryKpis(db, shop, from, to, s)), `${from}..${to}`).toEqual(comparable(computeKpis(input, { from, to, tz: 'Asia/Shanghai' })));
      }
      await rebuildShop(db, shop, { pageSize: 23 });
      expect(await dump(db, shop)).toEqual(live);

      // A rebuild (here under another window, so every buyer's rows change) voids every cached row: the stamps are gone.
      await saveSettings(db, shop, { ...s, attributionWindowHours: 24 }, null);
      await rebuildShop(db, shop);
      const hits = a.cache!.hits;
      await db.insertInto('messages').values([msg(convs[5]!, 904, 'buyer', null, day(13, 20)), msg(convs[6]!, 905, 'buyer', null, day(13, 21))]).execute();
      for (const c of convs.slice(0, 8)) busA.emit('message.created', shop, { buyerId: c.buyer_id });
      await a.flush();
      expect(a.cache!.hits).toBe(hits);
      const again = await dump(db, shop);
      await rebuildShop(db, shop);
      expect(await dump(db, shop)).toEqual(again);
      await a.close();
      await b.close();
    }, 120_000);

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

    it('money: repeat payers, credit on order vs payment, refunds and silent buyers equal the engine; live == rebuild', async () => {
      const db = storage.db;
      const shop = 'shop_money';
      await db
        .insertInto('shops')
        .values({ id: shop, org_id: 'org_kpi', name: '钱袋', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: 'pk_money', settings: '{}', created_at: 1 })
        .execute();
      const H = 3_600_000;
      const at = (day: number, hour: number): number => zone.dayStartUtc(startDay + day) + hour * H;
      const tpl = generateBuyers({ ...gen, shopId: shop }, 0, 1);
      const conv0 = tpl.conversations[0]!;
      const buyer0 = tpl.buyers[0]!;
      const msg0 = tpl.messages[0]!;
      const order0 = tpl.orders[0] ?? data.orders[0]!;
      const ids = ['m1', 'm2', 'm3', 'm4'];
      await db.insertInto('buyers').values(ids.map((b) => ({ ...buyer0, id: b, shop_id: shop, external_id: `x_${b}`, nickname: `会员${b}` }))).execute();
      await db.insertInto('conversations').values(ids.map((b) => ({ ...conv0, id: `c_${b}`, shop_id: shop, buyer_id: b }))).execute();
      let seq = 0;
      const say = (b: string, sender: string, agent: string | null, t: number) =>
        ({ ...msg0, id: `mm${++seq}`, shop_id: shop, conversation_id: `c_${b}`, seq, client_id: `k${seq}`, sender, agent_id: agent, kind: 'text', created_at: t, scenario: null });
      const order = (id: string, b: string | null, created: number, paid: number | null, cents: number, refunded = false) => ({
        ...order0, id, shop_id: shop, external_id: `T_${id}`, buyer_id: b, buyer_nick: b ? `会员${b}` : '散客乙', status: paid ? 'paid' : 'pending',
        refund_status: refunded ? 'refunded' : 'none', amount: cents / 100, paid_amount: paid ? cents / 100 : null, refund_amount: refunded ? cents / 100 : null,
        created_at: created, paid_at: paid, updated_at: paid ?? created,
      });
      await db
        .insertInto('messages')
        .values([
          say('m1', 'buyer', null, at(1, 10)), say('m1', 'agent', 'agt_mei', at(1, 10.1)),
          say('m1', 'buyer', null, at(4, 9)), say('m1', 'agent', 'agt_ya', at(4, 9.1)),
          say('m3', 'buyer', null, at(9, 23)), say('m3', 'agent', 'agt_lin', at(9, 23.1)),
          say('m4', 'buyer', null, at(2, 15)), say('m4', 'agent', 'agt_mei', at(2, 15.1)),
        ])
        .execute();
      await db
        .insertInto('orders')
        .values([
          // m1 pays on days 1, 2 (credited to agt_mei) and 5 (agt_ya, refunded), and day 12 after every window (no agent).
          order('q1', 'm1', at(1, 11), at(1, 12), 12_345),
          order('q2', 'm1', at(1, 20), at(2, 8), 5_000),
          order('q3', 'm1', at(4, 10), at(5, 9), 8_800, true),
          order('q4', 'm1', at(12, 10), at(12, 11), 1_990),
          // m2 never chats: silent on days 2 and 6, refunded once.
          order('q5', 'm2', at(2, 9), at(2, 9.5), 3_000),
          order('q6', 'm2', at(6, 9), at(6, 10), 4_000, true),
          // m3 orders before midnight and pays after: the credit day depends on the setting.
          order('q7', 'm3', at(9, 23.5), at(10, 0.5), 66_600),
          // m4 orders twice on one day (one distinct payer that day) and leaves one unpaid.
          order('q8', 'm4', at(2, 16), at(2, 17), 1_000),
          order('q9', 'm4', at(2, 18), at(2, 19), 2_000),
          order('q10', 'm4', at(3, 18), null, 9_000),
          order('q11', null, at(3, 8), at(3, 9), 700),
        ])
        .execute();
      const input = async () => {
        const convs = await db.selectFrom('conversations').select(['id', 'buyer_id']).where('shop_id', '=', shop).execute();
        const buyerOf = new Map(convs.map((c) => [c.id, c.buyer_id]));
        const msgs = await db.selectFrom('messages').selectAll().where('shop_id', '=', shop).orderBy('conversation_id').orderBy('seq').execute();
        const messages: RawMessage[] = msgs.map((m) => ({ buyer: buyerOf.get(m.conversation_id)!, sender: m.sender, agent: m.agent_id, kind: m.kind, at: Number(m.created_at) }));
        return kpiInputOf(messages, (await db.selectFrom('orders').selectAll().where('shop_id', '=', shop).execute()).map(rawOrderOf));
      };
      const periods: Array<[number, number]> = [[1, 1], [1, 2], [2, 6], [1, 12], [5, 10], [10, 10], [3, 14], [0, 30]];
      const check = async (creditOn: 'payment' | 'order') => {
        const s: RollupSettings = { tz: 'Asia/Shanghai', businessHours: null, attributionWindowHours: 72, sessionGapHours: 24, creditOn };
        await saveSettings(db, shop, s, null);
        const raw = await input();
        for (const [x, y] of periods) {
          const from = formatDay(startDay + x);
          const to = formatDay(startDay + y);
          const want = computeKpis(raw, { from, to, tz: s.tz, creditOn });
          expect(comparable(await queryKpis(db, shop, from, to, s)), `${creditOn} ${from}..${to}`).toEqual(comparable(want));
        }
        const whole = computeKpis(raw, { from: formatDay(startDay), to: formatDay(startDay + 30), tz: s.tz, creditOn });
        return whole;
      };
      await rebuildShop(db, shop);
      const whole = await check('payment');
      // The cases are really there: a repeat service payer, a silent buyer on two days, refunds, several agents.
      expect(whole.payingCustomers).toBeLessThan(whole.byDay.reduce((k, d) => k + d.payingCustomers, 0));
      expect(whole.silentBuyers).toBeGreaterThan(0);
      expect(whole.silentBuyers).toBeLessThan(whole.byDay.reduce((k, d) => k + d.silentBuyers, 0));
      expect(whole.refundedOrders).toBeGreaterThan(0);
      expect(whole.byAgent.filter((a) => a.paidOrders > 0).length).toBeGreaterThanOrEqual(2);
      const kinds = new Set((await db.selectFrom('kpi_money_repeats').select('kind').where('shop_id', '=', shop).execute()).map((r) => r.kind));
      expect([...kinds].sort()).toEqual(['agent', 'all', 'silent', 'svc']);
      await check('order');
      const onOrder = computeKpis(await input(), { from: formatDay(startDay + 9), to: formatDay(startDay + 9), tz: 'Asia/Shanghai', creditOn: 'order' });
      expect(onOrder.revenue).toBeGreaterThan(computeKpis(await input(), { from: formatDay(startDay + 9), to: formatDay(startDay + 9), tz: 'Asia/Shanghai' }).revenue);

      // Live: m1's day-1 order is refunded later and m2 pays again; refreshing those buyers equals a rebuild.
      await db.updateTable('orders').set({ refund_status: 'refunded', refund_amount: 123.45 }).where('id', '=', 'q1').execute();
      await db.insertInto('orders').values(order('q12', 'm2', at(7, 9), at(7, 9.2), 2_500)).execute();
      await db.deleteFrom('orders').where('id', '=', 'q9').execute();
      await refreshBuyers(db, shop, ['m1', 'm2', 'm4']);
      const live = await dump(db, shop);
      await check('payment');
      await rebuildShop(db, shop);
      expect(await dump(db, shop)).toEqual(live);

      // A lost money repeat row changes the figures.
      const s = await loadSettings(db, shop);
      const from = formatDay(startDay);
      const to = formatDay(startDay + 30);
      const before = comparable(await queryKpis(db, shop, from, to, s));
      await db.deleteFrom('kpi_money_repeat_days').where('shop_id', '=', shop).where('kind', '=', 'svc').where('credit', '=', s.creditOn).execute();
      expect(comparable(await queryKpis(db, shop, from, to, s))).not.toEqual(before);
    });

    it('a rebuild superseded between two pages (another change, another process) stops before its next write; the newer one alone counts', async () => {
      const db = storage.db;
      const s = await loadSettings(db, shopId);
      await saveSettings(db, shopId, { ...s, attributionWindowHours: 24 }, rebuildingKey('old'));
      let pages = 0;
      const old = rebuildShop(db, shopId, {
        token: 'old',
        pageSize: 40,
        onProgress: () => {
          // After its second page, a newer change takes the shop over (what updateSettings does in another process).
          if (++pages === 2) void saveSettings(db, shopId, { ...s, attributionWindowHours: 12 }, rebuildingKey('new'));
        },
      });
      await expect(old).rejects.toMatchObject({ why: 'superseded' });
      expect(pages).toBeLessThan(4);
      expect((await loadSettings(db, shopId)).builtWith).toBe(rebuildingKey('new'));
      await rebuildShop(db, shopId, { token: 'new', pageSize: 40 });
      const now = await loadSettings(db, shopId);
      expect(now.attributionWindowHours).toBe(12);
      expect(now.builtWith).toBe(buildKey(now));
      const want = computeKpis(await rawInput(db, shopId), { from: '2026-03-02', to: '2026-03-31', tz: 'Asia/Shanghai', attributionWindowHours: 12, creditOn: now.creditOn });
      expect(comparable(await queryKpis(db, shopId, '2026-03-02', '2026-03-31', now))).toEqual(comparable(want));
      // A stopped one (shutdown) leaves the shop due, writing nothing more.
      await saveSettings(db, shopId, s, rebuildingKey('halt'));
      await expect(rebuildShop(db, shopId, { token: 'halt', signal: { aborted: true } })).rejects.toMatchObject({ why: 'stopped' });
      expect((await loadSettings(db, shopId)).builtWith).toBe(rebuildingKey('halt'));
      await rebuildShop(db, shopId, { token: 'halt' });
      expect((await loadSettings(db, shopId)).builtWith).toBe(buildKey(s));
    });

    it('a wrong rollup row is caught: a day sum off by one, or a lost repeat inquiry, changes the figures', async () => {
      const db = storage.db;
      await rebuildShop(db, shopId);
      const s = await loadSettings(db, shopId);
      const before = await queryKpis(db, shopId, '2026-03-02', '2026-03-31', s);
      const day = await db.selectFrom('kpi_days').select('day').where('shop_id', '=', shopId).limit(1).executeTakeFirstOrThrow();
      await db.updateTable('kpi_days').set((eb) => ({ ord: eb('ord', '+', 1) })).where('shop_id', '=', shopId).where('day', '=', day.day).execute();
      expect(comparable(await queryKpis(db, shopId, '2026-03-02', '2026-03-31', s))).not.toEqual(comparable(before));
      await rebuildShop(db, shopId);
      const row = await db.selectFrom('kpi_repeat_days').select(['prev_day', 'day']).where('shop_id', '=', shopId).where('prev_day', '>=', startDay).where('n', '>', 0).limit(1).executeTakeFirstOrThrow();
      await db.deleteFrom('kpi_repeat_days').where('shop_id', '=', shopId).where('prev_day', '=', row.prev_day).where('day', '=', row.day).execute();
      expect(comparable(await queryKpis(db, shopId, '2026-03-02', '2026-03-31', s))).not.toEqual(comparable(before));
      await rebuildShop(db, shopId);
      expect(comparable(await queryKpis(db, shopId, '2026-03-02', '2026-03-31', s))).toEqual(comparable(before));
    });
  });
}
