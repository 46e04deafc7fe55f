import { computeKpis } from '@kefu/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../../test/harness.js';
import { analyticsFor } from './analytics.routes.js';
import { kpiInputOf, rawOrderOf, type RawMessage } from './rollup-facts.js';
import { toCsv } from './analytics.service.js';

describe('KPI dashboard API', () => {
  let server: TestServer;
  let api: ApiClient;
  let shopId: string;
  let agentId: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    api = new ApiClient(server.url);
    await api.login(server.demo!.email, server.demo!.password);
    const shops = (await api.get('/api/shops')).body.shops as Array<{ id: string; name: string }>;
    shopId = shops.find((s) => s.name === '山野户外旗舰店')!.id;
    agentId = (await server.ctx.storage.db.selectFrom('agents').select('id').where('display_name', '=', '小美').executeTakeFirstOrThrow()).id;
  }, 60_000);
  afterAll(async () => server?.cleanup());

  async function engineFor(from: string, to: string, attributionWindowHours = 72) {
    const db = server.ctx.storage.db;
    const convs = await db.selectFrom('conversations').select(['id', 'buyer_id']).where('shop_id', '=', shopId).execute();
    const buyerOf = new Map(convs.map((c) => [c.id, c.buyer_id]));
    const msgs = await db.selectFrom('messages').selectAll().where('shop_id', '=', shopId).orderBy('conversation_id').orderBy('seq').execute();
    const messages: RawMessage[] = msgs.map((m) => ({ buyer: buyerOf.get(m.conversation_id)!, sender: m.sender, agent: m.agent_id, kind: m.kind, at: Number(m.created_at) }));
    const orders = (await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).execute()).map(rawOrderOf);
    return computeKpis(kpiInputOf(messages, orders), { from, to, tz: 'Asia/Shanghai', attributionWindowHours });
  }

  it('serves the demo shop figures from rollups, equal to the engine over the raw rows', async () => {
    const res = await api.get(`/api/shops/${shopId}/kpis`);
    expect(res.status).toBe(200);
    const { from, to } = res.body.period;
    const k = res.body.kpis;
    expect(k.inquirers).toBeGreaterThan(100);
    expect(k.byDay).toHaveLength(14);
    const want = await engineFor(from, to);
    for (const f of ['inquirers', 'orderers', 'payers', 'repliedInquirers', 'avgResponseSec', 'firstResponseSec', 'revenue', 'paidOrders', 'payingCustomers', 'silentBuyers', 'unansweredTurns'] as const) {
      expect(k[f], f).toEqual(want[f]);
    }
    expect(k.byAgent.map((a: { agentName: string }) => a.agentName).sort()).toEqual(['小美', '小雅']);
    expect(res.body.scenarios.length).toBeGreaterThan(3);
    expect(res.body.quickReplies).not.toBeNull();
  });

  it("drills an agent's payers down to the buyers behind the number", async () => {
    const dash = (await api.get(`/api/shops/${shopId}/kpis`)).body;
    const mei = dash.kpis.byAgent.find((a: { agent: string }) => a.agent === agentId);
    const q = `from=${dash.period.from}&to=${dash.period.to}`;
    const res = await api.get(`/api/shops/${shopId}/kpis/drill?${q}&figure=payers&agent=${agentId}`);
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('buyers');
    expect(res.body.total).toBe(mei.payers);
    expect(res.body.rows[0].buyerName).toBeTruthy();
    expect(res.body.rows[0].agentNames).toContain('小美');
    const turns = await api.get(`/api/shops/${shopId}/kpis/drill?${q}&figure=unansweredTurns`);
    expect(turns.body.total).toBe(dash.kpis.unansweredTurns);
    expect((await api.get(`/api/shops/${shopId}/kpis/drill?${q}&figure=bogus`)).status).toBe(400);
  });

  it('exports CSV with a BOM, and a drill-down as CSV', async () => {
    const res = await fetch(`${server.url}/api/shops/${shopId}/kpis/export.csv`, { headers: { cookie: api.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('询单人数');
    expect(text).toContain('小美');
    const d = await fetch(`${server.url}/api/shops/${shopId}/kpis/export.csv?figure=paidOrders`, { headers: { cookie: api.cookie } });
    expect(await d.text()).toContain('归属客服');
  });

  it('CSV cells are quoted and formula-safe', () => {
    expect(toCsv([['a,b', '=SUM(A1)', '-3', 'x"y']])).toBe('\uFEFF"a,b",\'=SUM(A1),-3,"x""y"\r\n');
  });

  it('keeps today live: a new buyer message and reply show up in the live figures', async () => {
    const before = (await api.get(`/api/shops/${shopId}/kpis/live`)).body;
    const db = server.ctx.storage.db;
    const conv = await db.selectFrom('conversations').select(['id', 'buyer_id']).where('shop_id', '=', shopId).orderBy('created_at').limit(1).executeTakeFirstOrThrow();
    const w = server.ctx.chat.conversations.writer;
    await w.append({ shopId, conversationId: conv.id, clientId: 'kpi-live-1', sender: 'buyer', agentId: null, kind: 'text', text: '还在吗，我想再问下尺码', payload: null });
    await w.append({ shopId, conversationId: conv.id, clientId: 'kpi-live-2', sender: 'agent', agentId, kind: 'text', text: '在的亲，您说', payload: null });
    await w.flush();
    await analyticsFor(server.ctx).writer.flush();
    const after = (await api.get(`/api/shops/${shopId}/kpis/live`)).body;
    const alreadyToday = before.kpis.byDay[0].inquirers;
    expect(after.kpis.answeredTurns).toBeGreaterThan(before.kpis.answeredTurns);
    expect(after.kpis.inquirers).toBeGreaterThanOrEqual(alreadyToday);
    const want = await engineFor(after.day, after.day);
    expect(after.kpis.inquirers).toBe(want.inquirers);
    expect(after.kpis.answeredTurns).toBe(want.answeredTurns);
  });

  it('settings: agents may read, only owner/supervisor change; a change of window rebuilds in the background', async () => {
    const service = analyticsFor(server.ctx).service;
    const s = await api.get(`/api/shops/${shopId}/kpis/settings`);
    expect(s.body).toMatchObject({ timeZone: 'Asia/Shanghai', attributionWindowHours: 72, creditOn: 'payment', upToDate: true, rebuild: null });
    const bad = await api.request('PUT', `/api/shops/${shopId}/kpis/settings`, { timeZone: 'Mars/Base' });
    expect(bad.status).toBe(400);
    const put = await api.request('PUT', `/api/shops/${shopId}/kpis/settings`, { attributionWindowHours: 24, creditOn: 'order' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ attributionWindowHours: 24, creditOn: 'order', rebuilding: true });
    await service.rebuilt(shopId);
    expect((await api.get(`/api/shops/${shopId}/kpis/settings`)).body).toMatchObject({ attributionWindowHours: 24, creditOn: 'order', upToDate: true, rebuild: null });
    // Credit on payment or order: both are rolled up, nothing to rebuild.
    const same = await api.request('PUT', `/api/shops/${shopId}/kpis/settings`, { creditOn: 'payment' });
    expect(same.body).toMatchObject({ rebuilding: false, upToDate: true, creditOn: 'payment' });
    const dash = (await api.get(`/api/shops/${shopId}/kpis`)).body;
    const want = await engineFor(dash.period.from, dash.period.to, 24);
    expect(want.orderers).not.toBe((await engineFor(dash.period.from, dash.period.to, 72)).orderers);
    for (const f of ['inquirers', 'orderers', 'payers', 'revenue', 'paidOrders'] as const) expect(dash.kpis[f], f).toEqual(want[f]);
    const agent = new ApiClient(server.url);
    await agent.login('xiaomei@demo.kefu', server.demo!.password);
    expect((await agent.request('PUT', `/api/shops/${shopId}/kpis/settings`, { creditOn: 'order' })).status).toBe(403);
    expect((await agent.request('POST', `/api/shops/${shopId}/kpis/rebuild`)).status).toBe(403);
    expect((await agent.get(`/api/shops/${shopId}/kpis`)).status).toBe(200);
  });

  it('a second change while a rebuild runs supersedes it: the figures are those of the last settings, counted once', async () => {
    const service = analyticsFor(server.ctx).service;
    expect((await api.request('PUT', `/api/shops/${shopId}/kpis/settings`, { attributionWindowHours: 48 })).body.rebuilding).toBe(true);
    expect((await api.request('PUT', `/api/shops/${shopId}/kpis/settings`, { attributionWindowHours: 36 })).body.rebuilding).toBe(true);
    await service.rebuilt(shopId);
    expect((await api.get(`/api/shops/${shopId}/kpis/settings`)).body).toMatchObject({ attributionWindowHours: 36, upToDate: true, rebuild: null });
    const dash = (await api.get(`/api/shops/${shopId}/kpis`)).body;
    const want = await engineFor(dash.period.from, dash.period.to, 36);
    for (const f of ['inquirers', 'orderers', 'payers', 'revenue', 'paidOrders', 'repliedInquirers'] as const) expect(dash.kpis[f], f).toEqual(want[f]);
  });

  it('a rebuild left unfinished (its process stopped) shows as due, and POST …/kpis/rebuild finishes it', async () => {
    const service = analyticsFor(server.ctx).service;
    await server.ctx.storage.db.updateTable('kpi_settings').set({ built_with: 'rebuilding:gone' }).where('shop_id', '=', shopId).execute();
    const due = (await api.get(`/api/shops/${shopId}/kpis/settings`)).body;
    expect(due).toMatchObject({ upToDate: false, rebuild: { running: false, buyers: 0, startedAt: null } });
    expect((await api.get(`/api/shops/${shopId}/kpis`)).body.settings.upToDate).toBe(false);
    // A change that needs no rebuild keeps it due.
    expect((await api.request('PUT', `/api/shops/${shopId}/kpis/settings`, { creditOn: 'order' })).body).toMatchObject({ upToDate: false });
    const started = await api.request('POST', `/api/shops/${shopId}/kpis/rebuild`);
    expect(started.status).toBe(200);
    await service.rebuilt(shopId);
    expect((await api.get(`/api/shops/${shopId}/kpis/settings`)).body).toMatchObject({ upToDate: true, rebuild: null, creditOn: 'order', attributionWindowHours: 36 });
    // Back to the defaults for the tests after this one.
    await api.request('PUT', `/api/shops/${shopId}/kpis/settings`, { attributionWindowHours: 72, creditOn: 'payment' });
    await service.rebuilt(shopId);
  });

  it('another organisation cannot read the figures', async () => {
    const anon = new ApiClient(server.url);
    expect((await anon.get(`/api/shops/${shopId}/kpis`)).status).toBe(401);
    expect((await api.get(`/api/shops/shop_nope/kpis`)).status).toBe(404);
  });
});
