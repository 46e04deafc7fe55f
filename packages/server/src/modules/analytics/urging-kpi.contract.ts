import { computeKpis, makeZone, parseDay } from '@kefu/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../storage/create-db.js';
import * as m0011 from '../../storage/migrations/0011_urge_reminders.js';
import type { Database } from '../../storage/schema.js';
import { type Engine, testStorage } from '../../test/harness.js';
import { AnalyticsService } from './analytics.service.js';
import { generateBuyers, rng } from './generate.js';
import { engineSettings, kpiInputOf, rawOrderOf } from './rollup-facts.js';
import { loadSettings } from './rollup.store.js';

const HOUR = 3_600_000;
const SCRIPTS = ['urge_1', 'urge_2', 'urge_3', 'shop_custom'];

/** The dashboard's 催付成功率 for a period (urge_reminders + orders) == core computeKpis's urgeSuccess; SQLite and PostgreSQL. */
export function urgingKpiContract(engine: Engine): void {
  describe(`dashboard payment reminders by script (${engine})`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    const shopId = 'shop_urge';
    const zone = makeZone('Asia/Shanghai');
    const start = zone.dayStartUtc(parseDay('2026-05-04')!);
    const gen = { shopId, start, days: 16, agents: ['agt_mei'], seed: 11 };
    const reminders: Array<{ order_id: string; step: number; shop_id: string; script_id: string; sent_at: number }> = [];
    let db: Kysely<Database>;

    beforeAll(async () => {
      ({ storage, cleanup } = await testStorage(engine));
      db = storage.db;
      await db.insertInto('organizations').values({ id: 'org_u', name: '测试', created_at: 1 }).execute();
      await db
        .insertInto('shops')
        .values({ id: shopId, org_id: 'org_u', name: '山野', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: 'pk_u', settings: '{}', created_at: 1 })
        .execute();
      const data = generateBuyers(gen, 0, 400);
      // Paid long after the reminder (not a success): rare in the generated data, so two of them by hand.
      const late = [3, 9].map((d) => ({ ...data.orders[0]!, id: `o_late_${d}`, external_id: `T_late_${d}`, created_at: start + d * 86_400_000, paid_at: start + d * 86_400_000 + 80 * HOUR }));
      data.orders.push(...late);
      for (const [table, rows] of [['buyers', data.buyers], ['conversations', data.conversations], ['orders', data.orders]] as const) {
        for (let i = 0; i < rows.length; i += 40) await db.insertInto(table).values(rows.slice(i, i + 40) as never).execute();
      }
      // Reminders written for this test: 1–3 per order on about half the orders, some after payment, some more than
      // the window before it, repeated scripts on one order, all around the period's edges.
      const r = rng(5);
      for (const o of late) reminders.push({ order_id: o.id, step: 1, shop_id: shopId, script_id: 'urge_1', sent_at: Number(o.created_at) + HOUR });
      for (const o of data.orders) {
        if (o.id!.startsWith('o_late_')) continue;
        if (r() < 0.5) continue;
        const n = 1 + Math.floor(r() * 3);
        for (let step = 1; step <= n; step++) {
          const at = Number(o.created_at) + Math.floor((r() < 0.8 ? r() * 30 : r() * 120) * HOUR);
          reminders.push({ order_id: o.id!, step, shop_id: shopId, script_id: SCRIPTS[Math.floor(r() * SCRIPTS.length)]!, sent_at: at });
        }
      }
      for (let i = 0; i < reminders.length; i += 100) await db.insertInto('urge_reminders').values(reminders.slice(i, i + 100)).execute();
    }, 60_000);
    afterAll(async () => cleanup?.());

    const engineUrging = async (from: string, to: string) => {
      const orders = (await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).execute()).map(rawOrderOf);
      const input = { ...kpiInputOf([], orders), reminders: reminders.map((x) => ({ orderId: x.order_id, script: x.script_id, at: x.sent_at })) };
      return computeKpis(input, engineSettings(await loadSettings(db, shopId), from, to)).urgeSuccess;
    };

    it('the test data has every case: paid within and after the window, reminders after payment, repeats of a script', async () => {
      const paid = new Map((await db.selectFrom('orders').select(['id', 'paid_at']).execute()).map((o) => [o.id, o.paid_at === null ? null : Number(o.paid_at)]));
      const cases = { within: 0, late: 0, afterPaid: 0, unpaid: 0, repeat: 0 };
      const seen = new Set<string>();
      for (const x of reminders) {
        const p = paid.get(x.order_id);
        if (p === null) cases.unpaid++;
        else if (p! <= x.sent_at) cases.afterPaid++;
        else if (p! - x.sent_at <= 72 * HOUR) cases.within++;
        else cases.late++;
        const k = `${x.order_id}/${x.script_id}`;
        if (seen.has(k)) cases.repeat++;
        seen.add(k);
      }
      for (const [k, v] of Object.entries(cases)) expect(v, k).toBeGreaterThan(0);
    });

    it.each([
      ['2026-05-04', '2026-05-19'],
      ['2026-05-08', '2026-05-10'],
      ['2026-05-12', '2026-05-12'],
      ['2026-04-01', '2026-04-30'],
    ])('%s..%s: reminded, paid and rate per script equal the engine', async (from, to) => {
      const d = await new AnalyticsService(db).dashboard(shopId, from, to);
      const want = await engineUrging(from, to);
      expect(d.urging!.map((u) => ({ script: u.script, reminded: u.reminded, paid: u.paid, rate: u.rate }))).toEqual(want);
      if (from !== '2026-04-01') expect(want.length).toBeGreaterThan(1);
    });

    it('each script drills down to its reminded orders, success marked; the CSV has them too', async () => {
      const svc = new AnalyticsService(db);
      const [from, to] = ['2026-05-04', '2026-05-19'];
      const d = await svc.dashboard(shopId, from, to);
      for (const u of d.urging!) {
        const drill = await svc.drill(shopId, from, to, 'remindedOrders', { script: u.script });
        expect(drill.total, u.script).toBe(u.reminded);
        expect(drill.rows.filter((r) => r.paidAfterReminder).length, u.script).toBe(u.paid);
        expect(new Set(drill.rows.map((r) => r.script))).toEqual(new Set([u.script]));
        expect(drill.rows.every((r) => r.scriptTitle === u.title && typeof r.remindedAt === 'string')).toBe(true);
      }
      const all = await svc.drill(shopId, from, to, 'remindedOrders', {});
      expect(all.total).toBe(d.urging!.reduce((n, u) => n + u.reminded, 0));
      const csv = await svc.drillCsv(shopId, from, to, 'remindedOrders', { script: 'urge_1' });
      const lines = csv.trim().split('\r\n');
      expect(csv.startsWith('\uFEFF')).toBe(true);
      expect(lines[0]).toBe('订单,买家,金额,下单时间,催付话术,催付时间,付款时间,催后付款');
      expect(lines).toHaveLength(1 + d.urging!.find((u) => u.script === 'urge_1')!.reminded);
      expect(lines[1]).toContain('活动款易断码');
    });

    it('names the built-in scripts and counts the open ones: unpaid and inside the window', async () => {
      const oid = 'o_open_check';
      const t = start + 2 * 86_400_000;
      await db
        .insertInto('orders')
        .values({
          id: oid, shop_id: shopId, external_id: 'T_open', buyer_id: null, buyer_nick: '待付买家', status: 'unpaid', refund_status: 'none', amount: 99, paid_amount: null,
          refund_amount: null, item_count: 1, items: '[]', address: null, courier: null, tracking_no: null, notes: '[]', source: 'test', created_at: t, closes_at: null,
          paid_at: null, shipped_at: null, delivered_at: null, completed_at: null, closed_at: null, updated_at: t,
        })
        .execute();
      await db.insertInto('urge_reminders').values({ order_id: oid, step: 1, shop_id: shopId, script_id: 'urge_9x', sent_at: t + HOUR }).execute();
      const svc = new AnalyticsService(db);
      const range = { start: t - HOUR, end: t + 2 * HOUR };
      const open = await svc.urging(shopId, range.start, range.end, 72, t + 10 * HOUR);
      expect(open!.find((u) => u.script === 'urge_9x')).toMatchObject({ title: 'urge_9x', reminded: 1, paid: 0, pending: 1, rate: 0 });
      const over = await svc.urging(shopId, range.start, range.end, 72, t + 80 * HOUR);
      expect(over!.find((u) => u.script === 'urge_9x')).toMatchObject({ pending: 0 });
      const d = await svc.dashboard(shopId, '2026-05-04', '2026-05-19');
      expect(d.urging!.find((u) => u.script === 'urge_1')!.title).toBe('活动款易断码');
      // Another shop's reminders never show.
      expect((await svc.urging('shop_other', range.start, range.end, 72))!).toEqual([]);
      await db.deleteFrom('urge_reminders').where('order_id', '=', oid).execute();
      await db.deleteFrom('orders').where('id', '=', oid).execute();
    });

    it('the migration fills urge_reminders from the reminder plans already sent', async () => {
      const t = start + 86_400_000;
      const plan = {
        orderId: 'o_plan', createdAt: new Date(t).toISOString(), closesAt: new Date(t + 72 * HOUR).toISOString(), status: 'active',
        reminders: [
          { step: 1, dueAt: new Date(t + HOUR).toISOString(), status: 'sent', scriptId: 'urge_2', sentAt: new Date(t + HOUR + 5_000).toISOString() },
          { step: 2, dueAt: new Date(t + 20 * HOUR).toISOString(), status: 'pending' },
          { step: 3, dueAt: new Date(t + 30 * HOUR).toISOString(), status: 'cancelled', reason: 'paid' },
        ],
      };
      await db
        .insertInto('orders')
        .values({
          id: 'o_plan', shop_id: shopId, external_id: 'T_plan', buyer_id: null, buyer_nick: '催付买家', status: 'unpaid', refund_status: 'none', amount: 10, paid_amount: null,
          refund_amount: null, item_count: 1, items: '[]', address: null, courier: null, tracking_no: null, notes: '[]', source: 'test', created_at: t, closes_at: null,
          paid_at: null, shipped_at: null, delivered_at: null, completed_at: null, closed_at: null, updated_at: t,
        })
        .execute();
      await db.insertInto('urge_plans').values({ order_id: 'o_plan', shop_id: shopId, plan: JSON.stringify(plan), status: 'active', next_due_at: null, version: 1, updated_at: t }).execute();
      await db.insertInto('urge_plans').values({ order_id: data0(reminders), shop_id: shopId, plan: '{not json', status: 'active', next_due_at: null, version: 1, updated_at: t }).execute();
      const kept = await db.selectFrom('urge_reminders').selectAll().orderBy('order_id').orderBy('step').execute();
      await db.schema.dropTable('urge_reminders').execute();
      await m0011.up(db as never, engine === 'sqlite' ? { dialect: 'sqlite', bigint: 'integer', autoId: 'integer' } : { dialect: 'postgres', bigint: 'bigint', autoId: 'bigserial' });
      const filled = await db.selectFrom('urge_reminders').selectAll().execute();
      expect(filled.map((x) => ({ ...x, sent_at: Number(x.sent_at) }))).toEqual([{ order_id: 'o_plan', step: 1, shop_id: shopId, script_id: 'urge_2', sent_at: t + HOUR + 5_000 }]);
      // Put the test's rows back for the other cases.
      await db.deleteFrom('urge_reminders').execute();
      for (let i = 0; i < kept.length; i += 100) await db.insertInto('urge_reminders').values(kept.slice(i, i + 100)).execute();
    });
  });
}

const data0 = (rows: ReadonlyArray<{ order_id: string }>): string => rows[0]!.order_id;
