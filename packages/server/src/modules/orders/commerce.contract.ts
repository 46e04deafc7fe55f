import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../app-context.js';
import { defaultConfig } from '../../config/config.js';
import { EventBus } from '../../events/bus.js';
import { Scheduler } from '../../scheduler/scheduler.js';
import type { Storage } from '../../storage/create-db.js';
import { newId } from '../../storage/ids.js';
import { ApiClient, startTestServer, testStorage, type Engine, type TestServer } from '../../test/harness.js';
import { AnalyticsService } from '../analytics/analytics.service.js';
import { commerceOf } from './commerce.js';
import { signWebhook } from './orders.webhook.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../cli/commands/fixtures/${name}`, import.meta.url)));

const ADDRESS = { name: '王小雨', phone: '13800000001', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路100号' };
const item = (sku = 'SHOE-1', price = 299) => ({ sku, title: '轻量徒步鞋', quantity: 1, price, spec: { 颜色: '灰色', 尺码: '42' } });

async function pollImport(api: ApiClient, shopId: string, id: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const r = await api.get(`/api/shops/${shopId}/orders/imports/${id}`);
    if (r.body.import.status !== 'running') return r.body.import;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('import did not finish');
}

/** Orders, buyers and urging over HTTP and with durable timers, on one engine. */
export function commerceContract(engine: Engine): void {
  describe(`orders, buyers and urging over HTTP (${engine})`, () => {
    let srv: TestServer;
    let owner: ApiClient;
    let agent: ApiClient;
    let shopId: string;
    beforeAll(async () => {
      srv = await startTestServer(engine);
      owner = new ApiClient(srv.url);
      const me = await owner.login(srv.demo!.email, srv.demo!.password);
      // The clothing shop: the demo seeder fills the outdoor shop.
      shopId = me.shops.find((s: { platform: string }) => s.platform === 'tmall').id;
      agent = new ApiClient(srv.url);
      await agent.login('xiaomei@demo.kefu', srv.demo!.password);
    });
    afterAll(async () => srv?.cleanup());

    async function webhook(body: unknown, opts: { secret?: string; ts?: number; delivery?: string } = {}) {
      const secret = opts.secret ?? (await owner.get(`/api/shops/${shopId}/orders-webhook`)).body.secret;
      const raw = JSON.stringify(body);
      const ts = String(Math.floor((opts.ts ?? Date.now()) / 1000));
      return owner.request('POST', `/api/webhooks/orders/${shopId}`, raw, {
        'x-kefu-timestamp': ts,
        'x-kefu-signature': signWebhook(secret, ts, raw),
        ...(opts.delivery ? { 'x-kefu-delivery': opts.delivery } : {}),
      });
    }

    it('webhook: a bad signature answers 401 and stores nothing; a good one creates; a replay does not duplicate', async () => {
      const body = { deliveryId: 'd-100', type: 'order.upsert', order: { externalId: 'WH-1', buyerNick: '夏天的风', items: [item()], status: 'unpaid' } };
      const bad = await webhook(body, { secret: 'whsec_wrong' });
      expect(bad.status).toBe(401);
      const stale = await webhook(body, { ts: Date.now() - 3600_000 });
      expect(stale.status).toBe(401);
      const list0 = await owner.get(`/api/shops/${shopId}/orders?search=WH-1`);
      expect(list0.body.total).toBe(0);

      const ok = await webhook(body);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ ok: true, duplicate: false, created: true, status: 'unpaid' });
      const replay = await webhook(body);
      expect(replay.body).toMatchObject({ duplicate: true });
      expect((await owner.get(`/api/shops/${shopId}/orders?search=WH-1`)).body.total).toBe(1);

      const pay = { deliveryId: 'd-101', type: 'order.event', externalId: 'WH-1', event: { type: 'pay' } };
      expect((await webhook(pay)).body).toMatchObject({ duplicate: false, status: 'paid' });
      // The same payment delivered twice is not a second (invalid) payment.
      const again = await webhook(pay);
      expect(again.status).toBe(200);
      expect(again.body.duplicate).toBe(true);
      const detail = await owner.get(`/api/shops/${shopId}/orders/WH-1`);
      expect(detail.body.history.filter((h: { type: string }) => h.type === 'order.paid')).toHaveLength(1);
    });

    it('import: broken lines are reported by line and the rest is imported; a re-import changes nothing', async () => {
      const res = await owner.request('POST', `/api/shops/${shopId}/orders/import?fileName=ExportOrderList.csv`, undefined, { 'content-type': 'text/csv' });
      expect(res.status).toBe(400);
      const up = await fetch(`${srv.url}/api/shops/${shopId}/orders/import?fileName=ExportOrderList.csv`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', cookie: owner.cookie, 'x-csrf-token': owner.csrf },
        body: fixture('ExportOrderList-utf8.csv'),
      });
      expect(up.status).toBe(202);
      const started = (await up.json()) as { import: { id: string } };
      const done = await pollImport(owner, shopId, started.import.id);
      expect(done.status).toBe('done');
      expect(done.imported).toBeGreaterThanOrEqual(4);
      expect(done.skipped).toBeGreaterThanOrEqual(2);
      for (const e of done.errors) expect(e.line).toBeGreaterThan(1);
      expect(done.errors.map((e: { reason: string }) => e.reason).join('\n')).toMatch(/订单创建时间看不懂：昨天下午/);
      const unpaid = await owner.get(`/api/shops/${shopId}/orders?search=2013090112345602`);
      expect(unpaid.body.orders[0]).toMatchObject({ status: 'unpaid', buyerNick: '星星点灯' });
      const completed = await owner.get(`/api/shops/${shopId}/orders?search=2013090112345601`);
      expect(completed.body.orders[0].status).toBe('completed');

      const again = await fetch(`${srv.url}/api/shops/${shopId}/orders/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', cookie: owner.cookie, 'x-csrf-token': owner.csrf },
        body: fixture('ExportOrderList-gbk.csv'),
      });
      const second = await pollImport(owner, shopId, ((await again.json()) as { import: { id: string } }).import.id);
      expect(second.status).toBe('done');
      expect(second.imported + second.updated + second.unchanged + second.skipped).toBeGreaterThan(0);
    });

    it('every order transition through the API; address and size changes only before shipping', async () => {
      const created = await owner.post(`/api/shops/${shopId}/orders`, { externalId: 'T-1', buyerNick: '走走停停', items: [item()], address: ADDRESS });
      expect(created.status).toBe(201);
      const id = created.body.order.id;
      const act = (body: unknown) => owner.post(`/api/shops/${shopId}/orders/${id}/actions`, body);
      expect((await owner.post(`/api/shops/${shopId}/orders`, { externalId: 'T-1', buyerNick: 'x', items: [item()] })).status).toBe(409);
      expect((await act({ type: 'ship' })).status).toBe(409);
      expect((await act({ type: 'note', text: '买家要求发顺丰' })).body.order.notes[0].text).toBe('买家要求发顺丰');
      expect((await act({ type: 'change_sku', itemIndex: 0, sku: 'SHOE-1-43', spec: { 颜色: '灰色', 尺码: '43' } })).body.order.items[0].spec.尺码).toBe('43');
      expect((await act({ type: 'pay' })).body.order.status).toBe('paid');
      expect((await act({ type: 'pay' })).status).toBe(409);
      expect((await act({ type: 'change_address', address: { ...ADDRESS, detail: '文二路8号' } })).body.order.address.detail).toBe('文二路8号');
      expect((await act({ type: 'ship', courier: '中通快递', trackingNo: '7300000001' })).body.order.status).toBe('shipped');
      const late = await act({ type: 'change_address', address: ADDRESS });
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('order.invalid_transition');
      expect((await act({ type: 'change_sku', itemIndex: 0, sku: 'X' })).status).toBe(409);
      expect((await act({ type: 'deliver' })).body.order.status).toBe('delivered');
      expect((await act({ type: 'refund_request', amount: 50, reason: '尺码偏大' })).body.order.refund).toBe('requested');
      expect((await act({ type: 'complete' })).status).toBe(409);
      expect((await act({ type: 'refund_reject' })).body.order.refund).toBe('rejected');
      expect((await act({ type: 'complete' })).body.order.status).toBe('completed');

      const o2 = (await owner.post(`/api/shops/${shopId}/orders`, { externalId: 'T-2', buyerNick: '走走停停', items: [item()] })).body.order.id;
      const act2 = (body: unknown) => owner.post(`/api/shops/${shopId}/orders/${o2}/actions`, body);
      expect((await act2({ type: 'close', reason: 'timeout' })).status).toBe(409);
      expect((await act2({ type: 'close', reason: 'buyer_cancelled' })).body.order.status).toBe('closed');
      expect((await act2({ type: 'pay' })).status).toBe(409);

      const o3 = (await owner.post(`/api/shops/${shopId}/orders`, { externalId: 'T-3', buyerNick: '走走停停', items: [item()] })).body.order.id;
      const act3 = (body: unknown) => owner.post(`/api/shops/${shopId}/orders/${o3}/actions`, body);
      await act3({ type: 'pay' });
      expect((await act3({ type: 'refund_request' })).body.order.refund).toBe('requested');
      expect((await act3({ type: 'ship' })).status).toBe(409);
      expect((await act3({ type: 'refund_accept' })).body.order.refund).toBe('refunding');
      expect((await act3({ type: 'refund_cancel' })).body.order.refund).toBe('none');
      await act3({ type: 'refund_request' });
      const done = await act3({ type: 'refund_done' });
      expect(done.body.order).toMatchObject({ refund: 'refunded', status: 'closed' });
      expect((await act3({ type: 'nonsense' })).status).toBe(400);
    });

    it('an unpaid order starts a reminder plan; payment cancels every pending reminder', async () => {
      const created = await owner.post(`/api/shops/${shopId}/orders`, { externalId: 'U-1', buyerNick: '犹豫的猫', items: [item()], address: ADDRESS });
      const id = created.body.order.id;
      const u = (await owner.get(`/api/shops/${shopId}/orders/${id}/urging`)).body.urging;
      expect(u.status).toBe('active');
      expect(u.reminders.length).toBeGreaterThanOrEqual(2);
      expect(u.nextDueAt).toBeGreaterThan(Date.now());
      const jobs = await commerceOf(srv.ctx).urging.timers(shopId, id);
      expect(jobs.filter((j) => j.status === 'pending').length).toBe(u.reminders.length + 1);

      await owner.post(`/api/shops/${shopId}/orders/${id}/actions`, { type: 'pay' });
      const after = (await owner.get(`/api/shops/${shopId}/orders/${id}/urging`)).body.urging;
      expect(after.status).toBe('paid');
      expect(after.nextDueAt).toBeNull();
      expect(after.reminders.every((r: { status: string }) => r.status === 'cancelled')).toBe(true);
      const jobsAfter = await commerceOf(srv.ctx).urging.timers(shopId, id);
      expect(jobsAfter.every((j) => j.status === 'cancelled')).toBe(true);
    });

    it('buyers: group from paid orders with a manual override that stays; phones masked in lists and for agents', async () => {
      const mk = async (ext: string, price: number) => {
        const o = (await owner.post(`/api/shops/${shopId}/orders`, { externalId: ext, buyerNick: '老顾客阿强', items: [item('S', price)], address: ADDRESS })).body.order;
        await owner.post(`/api/shops/${shopId}/orders/${o.id}/actions`, { type: 'pay' });
        return o;
      };
      const first = await mk('G-1', 100);
      const buyerId = first.buyerId;
      const detail = async (api: ApiClient) => (await api.get(`/api/shops/${shopId}/buyers/${buyerId}`)).body.buyer;
      expect((await detail(owner)).group).toBe('buyer');
      await mk('G-2', 100);
      await mk('G-3', 100);
      expect((await detail(owner)).group).toBe('vip');
      await owner.patch(`/api/shops/${shopId}/buyers/${buyerId}`, { groupOverride: 'buyer', tags: ['回头客', '回头客', ' 爱登山 '], phone: '13800000000', realName: '张强' });
      const d = await detail(owner);
      expect(d).toMatchObject({ group: 'buyer', groupOverride: 'buyer', tags: ['回头客', '爱登山'], phoneFull: '13800000000', phone: '138****0000', realName: '张*' });
      await mk('G-4', 100);
      expect((await detail(owner)).group).toBe('buyer');

      const list = await agent.get(`/api/shops/${shopId}/buyers?search=阿强`);
      expect(list.body.buyers[0].phone).toBe('138****0000');
      expect(JSON.stringify(list.body)).not.toContain('13800000000');
      const forAgent = await detail(agent);
      expect(forAgent.phoneFull).toBeNull();
      expect(JSON.stringify(forAgent)).not.toContain('13800000000');
      const reveal = await agent.post(`/api/shops/${shopId}/buyers/${buyerId}/reveal`);
      expect(reveal.body.phone).toBe('13800000000');
      const audit = await srv.ctx.storage.db.selectFrom('audit_log').selectAll().where('action', '=', 'buyer.reveal_contact').where('target', '=', buyerId).execute();
      expect(audit).toHaveLength(1);

      await owner.patch(`/api/shops/${shopId}/buyers/${buyerId}`, { groupOverride: null, temperament: 'dominant', demands: { price: 'price_sensitive' } });
      const edited = await detail(owner);
      expect(edited.group).toBe('vip');
      expect(edited.profile.temperament).toMatchObject({ value: 'dominant', source: 'manual' });
      expect(edited.strategies.map((s: { id: string }) => s.id)).toContain('price_sensitive');
      const segment = await owner.get(`/api/shops/${shopId}/buyers?segment=price_sensitive`);
      expect(segment.body.buyers.map((b: { id: string }) => b.id)).toContain(buyerId);
      const dormant = await owner.get(`/api/shops/${shopId}/buyers?segment=dormant_vip`);
      expect(dormant.body.buyers.map((b: { id: string }) => b.id)).not.toContain(buyerId);
      expect((await owner.get(`/api/shops/${shopId}/buyers?segment=nope`)).status).toBe(400);
    });

    it('demo shop: the unpaid order shows its next reminder in the buyer profile; the paid one the after-payment prompt', async () => {
      const demoShop = (await owner.get('/api/auth/me')).body.shops.find((s: { platform: string }) => s.platform === 'taobao').id;
      const unpaid = (await owner.get(`/api/shops/${demoShop}/orders?search=DEMO-UNPAID-1`)).body.orders[0];
      expect(unpaid.urging.nextDueAt).toBeGreaterThan(Date.now());
      const buyer = (await agent.get(`/api/shops/${demoShop}/buyers/${unpaid.buyerId}`)).body.buyer;
      expect(buyer.orders[0].urging.status).toBe('active');
      expect(buyer.phone).toBe('138****0000');
      expect(buyer.profile.demands.price).toMatchObject({ value: 'price_sensitive' });
      expect(buyer.profile.demands.price.evidence[0]).toContain('便宜');
      const paid = (await owner.get(`/api/shops/${demoShop}/orders?search=DEMO-PAID-1`)).body.orders[0];
      const payer = (await agent.get(`/api/shops/${demoShop}/buyers/${paid.buyerId}`)).body.buyer;
      expect(payer.afterPayment.replies.find((r: { kind: string }) => r.kind === 'confirm_address').text).toContain('古墩路 99 号');
      const dormant = (await owner.get(`/api/shops/${demoShop}/buyers?segment=dormant_vip`)).body.buyers;
      expect(dormant.map((b: { nickname: string }) => b.nickname)).toContain('山路十八弯');
      expect(dormant.every((b: { group: string }) => b.group === 'vip')).toBe(true);
    });

    it('urging scripts report and settings', async () => {
      const r = await owner.get(`/api/shops/${shopId}/urging/scripts`);
      expect(r.body.scripts.map((s: { scriptId: string }) => s.scriptId).sort()).toEqual(['urge_1', 'urge_2', 'urge_3', 'urge_4', 'urge_5']);
      // The demo shop's reminder history (seed-analytics): every script has been sent, paid ones have an interval.
      for (const x of r.body.scripts as Array<{ sent: number; outcomes: number; paid: number; low: number; high: number }>) {
        expect(x.sent).toBeGreaterThan(0);
        expect(x.paid).toBeLessThanOrEqual(x.outcomes);
        expect(x.low).toBeLessThanOrEqual(x.high);
        expect(x.low).toBeGreaterThanOrEqual(0);
        expect(x.high).toBeLessThanOrEqual(1);
      }
      expect((r.body.scripts as Array<{ paid: number }>).some((x) => x.paid > 0)).toBe(true);
      const put = await owner.request('PUT', `/api/shops/${shopId}/urging/settings`, { maxPerOrder: 2, quietHours: { start: '23:00', end: '07:30' } });
      expect(put.body.settings).toMatchObject({ maxPerOrder: 2, quietHours: { start: '23:00', end: '07:30' } });
      expect((await agent.request('PUT', `/api/shops/${shopId}/urging/settings`, { maxPerOrder: 1 })).status).toBe(403);
      expect((await owner.request('PUT', `/api/shops/${shopId}/urging/settings`, { quietHours: { start: '25:00', end: '07:00' } })).status).toBe(400);
    });
  });

  describe(`payment reminders across a restart (${engine})`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let shopId: string;
    // 2024-05-01 10:00 in Shanghai.
    let clock = Date.parse('2024-05-01T02:00:00Z');
    const now = () => clock;
    beforeAll(async () => {
      ({ storage, cleanup } = await testStorage(engine));
      const orgId = newId('org');
      shopId = newId('shop');
      await storage.db.insertInto('organizations').values({ id: orgId, name: 'o', created_at: 1 }).execute();
      await storage.db
        .insertInto('shops')
        .values({ id: shopId, org_id: orgId, name: '测试店', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: `pk_${newId('k')}`, settings: '{}', created_at: 1 })
        .execute();
    });
    afterAll(async () => cleanup?.());

    function process(owner: string): AppContext {
      const ctx = createAppContext({ config: { ...defaultConfig('/tmp'), logLevel: 'silent' }, storage, events: new EventBus(owner) });
      ctx.scheduler = new Scheduler(storage.db, { owner, now, leaseMs: 60_000 });
      commerceOf(ctx, { now });
      return ctx;
    }
    const count = async (table: 'messages' | 'sms_outbox', orderId: string) =>
      table === 'messages'
        ? (await storage.db.selectFrom('messages').select('id').where('client_id', 'like', `urge_${orderId}_%`).execute()).length
        : (await storage.db.selectFrom('sms_outbox').select('id').where('order_id', '=', orderId).execute()).length;

    it('a restart in the middle of a plan neither loses nor duplicates a reminder; payment then cancels the rest', async () => {
      const p1 = process('p1');
      const c1 = commerceOf(p1);
      const { row } = await c1.orders.create(shopId, { externalId: 'R-1', buyerNick: '深夜下单的人', items: [item()], address: ADDRESS }, { source: 'api' });
      const plan = (await c1.urging.orderUrging(shopId, row.id)).reminders;
      expect(plan.map((r) => r.dueAt)).toEqual(['2024-05-01T02:30:00.000Z', '2024-05-02T02:00:00.000Z', '2024-05-04T00:00:00.000Z']);

      clock = Date.parse('2024-05-01T02:31:00Z');
      expect(await p1.scheduler.tick()).toBeGreaterThanOrEqual(1);
      await p1.scheduler.tick(); // the SMS job queued by the reminder
      expect(await count('messages', row.id)).toBe(1);
      expect(await count('sms_outbox', row.id)).toBe(1);

      // Process 1 claims the 24 h reminder and dies before committing it.
      clock = Date.parse('2024-05-02T02:01:00Z');
      await storage.db
        .updateTable('scheduled_jobs')
        .set({ status: 'running', locked_by: 'p1', locked_until: clock + 60_000, attempts: 1 })
        .where('shop_id', '=', shopId)
        .where('dedupe_key', '=', `urge:${row.id}:1`)
        .execute();
      await p1.scheduler.stop();

      const p2 = process('p2');
      const p3 = process('p3');
      expect(await p2.scheduler.tick()).toBe(0);
      clock += 61_000;
      await Promise.all([p2.scheduler.tick(), p3.scheduler.tick()]);
      await Promise.all([p2.scheduler.tick(), p3.scheduler.tick()]);
      expect(await count('messages', row.id)).toBe(2);
      expect(await count('sms_outbox', row.id)).toBe(2);
      const u = await commerceOf(p2).urging.orderUrging(shopId, row.id);
      expect(u.reminders.map((r) => r.status)).toEqual(['sent', 'sent', 'pending']);
      expect(new Set(u.reminders.filter((r) => r.scriptId).map((r) => r.scriptId)).size).toBe(2);
      expect(u.nextDueAt).toBe(Date.parse('2024-05-04T00:00:00Z'));
      expect(u.sms.every((m) => m.status === 'recorded' && m.provider === 'outbox')).toBe(true);

      clock = Date.parse('2024-05-02T05:00:00Z');
      await commerceOf(p2).orders.apply(shopId, row.id, { type: 'pay' }, { source: 'api' });
      const paid = await commerceOf(p2).urging.orderUrging(shopId, row.id);
      expect(paid.reminders.map((r) => r.status)).toEqual(['sent', 'sent', 'cancelled']);
      expect(paid.reminders.filter((r) => r.outcome === 'paid')).toHaveLength(2);
      const timers = await commerceOf(p2).urging.timers(shopId, row.id);
      expect(timers.filter((t) => t.status === 'pending')).toHaveLength(0);
      expect(timers.find((t) => t.dedupe_key === `urge:${row.id}:2`)?.status).toBe('cancelled');
      clock = Date.parse('2024-05-04T01:00:00Z');
      await p2.scheduler.tick();
      expect(await count('messages', row.id)).toBe(2);
      const report = await commerceOf(p2).urging.scripts(shopId);
      expect(report.reduce((s, r) => s + r.sent, 0)).toBe(2);
      expect(report.reduce((s, r) => s + r.paid, 0)).toBe(2);
      // Each reminder sent is logged once (the crashed attempt left none), and the dashboard's period figures count them.
      const logged = await storage.db.selectFrom('urge_reminders').select(['step', 'script_id', 'sent_at']).where('order_id', '=', row.id).orderBy('step').execute();
      expect(logged.map((r) => [r.step, Number(r.sent_at)])).toEqual([[0, Date.parse('2024-05-01T02:31:00Z')], [1, Date.parse('2024-05-02T02:02:01Z')]]);
      const dash = await new AnalyticsService(storage.db).dashboard(shopId, '2024-05-01', '2024-05-02');
      expect(dash.urging!.map((x) => [x.script, x.reminded, x.paid])).toEqual(logged.map((r) => [r.script_id, 1, 1]).sort());
      expect((await new AnalyticsService(storage.db).dashboard(shopId, '2024-05-03', '2024-05-04')).urging).toEqual([]);
      await p2.scheduler.stop();
      await p3.scheduler.stop();
    });

    it('never at night: an order placed at 23:40 is first reminded at 08:00', async () => {
      clock = Date.parse('2024-05-10T15:40:00Z'); // 23:40 Shanghai
      const c = commerceOf(process('p4'));
      const { row } = await c.orders.create(shopId, { externalId: 'N-1', buyerNick: '夜猫子', items: [item()] }, { source: 'api' });
      const u = await c.urging.orderUrging(shopId, row.id);
      expect(u.nextDueAt).toBe(Date.parse('2024-05-11T00:00:00Z'));
    });
  });
}
