import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapBuyer,
  buyerSay,
  buyerSocket,
  cid,
  eventually,
  makeAgent,
  makeShop,
  type TestAgent,
  type TestShop,
  type WsClient,
} from '../../realtime/test/chat-harness.js';
import { PNG_1x1 } from '../../realtime/test/fixtures.js';
import { type Engine, startTestServer, type TestServer } from '../../test/harness.js';

/** Coach settings, lint, the send hook, guard, file guard and 质检 reviews over HTTP, on SQLite and PostgreSQL. */
export function qualityContract(engine: Engine): void {
  describe(`quality (${engine})`, () => {
    let server: TestServer;
    const sockets: WsClient[] = [];
    let shop: TestShop;
    let agent: TestAgent;
    let other: TestAgent;
    let sup: TestAgent;

    beforeAll(async () => {
      server = await startTestServer(engine, { demo: true });
      shop = await makeShop(server);
      await server.ctx.storage.db.updateTable('shops').set({ platform: 'jd' }).where('id', '=', shop.id).execute();
      agent = await makeAgent(server, shop, { name: '小美' });
      other = await makeAgent(server, shop, { name: '阿杰', online: false });
      sup = await makeAgent(server, shop, { name: '主管', role: 'supervisor', online: false });
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await server?.cleanup();
    });

    const base = () => `/api/shops/${shop.id}`;
    async function start(text: string) {
      const buyer = await bootstrapBuyer(server, shop);
      const ws = await buyerSocket(server, buyer);
      sockets.push(ws);
      const ack = await buyerSay(ws, text);
      const id: string = ack.conversationId;
      await eventually(async () => (await server.ctx.chat.conversations.repo.find(shop.id, id))?.status === 'assigned');
      return { buyer, ws, id };
    }
    const send = (a: TestAgent, conv: string, text: string) => a.api.post(`${base()}/conversations/${conv}/messages`, { clientId: cid('a'), kind: 'text', text });
    const validSettings = (over: Record<string, unknown> = {}) => ({
      rulesOverride: {},
      blocking: [],
      ladder: { steps: [{ kind: 'free_shipping', label: '包邮' }, { kind: 'coupon', amount: 5, label: '5元优惠券' }, { kind: 'price_off', amount: 5, label: '再便宜5元' }], maxPriceOff: 10 },
      ...over,
    });

    it('coach settings: every agent reads them, only supervisors and owners change them, with validation', async () => {
      const got = await agent.api.get(`${base()}/coach/settings`);
      expect(got.status).toBe(200);
      expect(got.body.settings).toMatchObject({ platform: 'jd', blocking: [], alwaysBlocking: ['off_platform_contact'] });
      expect(got.body.settings.ladder.steps[0].kind).toBe('free_shipping');
      expect((await agent.api.request('PUT', `${base()}/coach/settings`, validSettings())).status).toBe(403);
      const bad = await sup.api.request('PUT', `${base()}/coach/settings`, validSettings({ rulesOverride: { add: { cold: [{ nope: 1 }] } } }));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('rulesOverride');
      expect((await sup.api.request('PUT', `${base()}/coach/settings`, validSettings({ blocking: ['made_up'] }))).status).toBe(400);
      const ladderBad = validSettings();
      (ladderBad.ladder as { steps: unknown[] }).steps.reverse();
      expect((await sup.api.request('PUT', `${base()}/coach/settings`, ladderBad)).status).toBe(400);
      const ok = await sup.api.request('PUT', `${base()}/coach/settings`, validSettings({ rulesOverride: { add: { cold: [{ phrase: '自己看详情', suggestion: '亲，详情页里有写哦，我也给您说一下~' }] } } }));
      expect(ok.status).toBe(200);
      expect((await agent.api.get(`${base()}/coach/settings`)).body.settings.rulesOverride.add.cold[0].phrase).toBe('自己看详情');
      const other = await makeShop(server);
      expect((await agent.api.get(`/api/shops/${other.id}/coach/settings`)).status).toBe(404);
    });

    it('lint uses the shop platform and word lists: 天猫 on a JD shop is flagged with a rewrite; shop words apply', async () => {
      const r = await agent.api.post(`${base()}/coach/lint`, { buyer: '有货吗？', reply: '亲，有货的哦，天猫同款~' });
      expect(r.status).toBe(200);
      const f = r.body.flags.find((x: any) => x.id === 'platform_forbidden');
      expect(f).toMatchObject({ start: 7, end: 9, suggestion: expect.any(String) });
      expect(r.body.blocked).toBe(false);
      const own = await agent.api.post(`${base()}/coach/lint`, { buyer: '', reply: '自己看详情' });
      expect(own.body.flags.map((x: any) => x.id)).toContain('cold_tone');
      const clean = await agent.api.post(`${base()}/coach/lint`, { buyer: '有货吗？', reply: '亲，有货的哦，今天拍下今天就发货~' });
      expect(clean.body).toEqual({ flags: [], blocking: [], blocked: false });
      const contact = await agent.api.post(`${base()}/coach/lint`, { reply: '亲，加我微信吧' });
      expect(contact.body).toMatchObject({ blocked: true, blocking: ['off_platform_contact'] });
    });

    it('the send hook refuses off-platform contact always, other flags only when the shop blocks them', async () => {
      const c = await start('这件有货吗？');
      const blocked = await send(agent, c.id, '亲，有货的，加我微信细聊哦');
      expect(blocked.status).toBe(422);
      expect(blocked.body.error.code).toBe('message.blocked');
      expect(blocked.body.error.message).toContain('微信');
      expect(blocked.body.error.details.flags[0].id).toBe('off_platform_contact');
      const stored = await agent.api.get(`${base()}/conversations/${c.id}/messages`);
      expect(stored.body.messages.some((m: any) => m.sender === 'agent')).toBe(false);
      expect((await send(agent, c.id, '亲，有货的哦，天猫同款~')).status).toBe(201);
      await sup.api.request('PUT', `${base()}/coach/settings`, validSettings({ blocking: ['platform_forbidden'] }));
      const now = await send(agent, c.id, '亲，有货的哦，天猫同款~');
      expect(now.status).toBe(422);
      expect(now.body.error.details.flags[0].id).toBe('platform_forbidden');
      // Notes are internal: never blocked.
      expect((await agent.api.post(`${base()}/conversations/${c.id}/notes`, { text: '买家想加微信，已拒绝' })).status).toBeLessThan(300);
      await sup.api.request('PUT', `${base()}/coach/settings`, validSettings());
    });

    it('tracks concessions per conversation: the next step only, and a jump to a price cut is flagged', async () => {
      const c = await start('能便宜点吗？');
      const s0 = await agent.api.get(`${base()}/conversations/${c.id}/coach`);
      expect(s0.body).toMatchObject({ offered: [], next: { kind: 'free_shipping' }, lastBuyerText: '能便宜点吗？' });
      const jump = await agent.api.post(`${base()}/coach/lint`, { buyer: '能便宜点吗？', reply: '亲，给您便宜5元吧', conversationId: c.id });
      expect(jump.body.flags.map((f: any) => f.id)).toContain('concession_jump');
      expect((await send(agent, c.id, '亲，价格是实价的呢，不过可以给您包邮哦~')).status).toBe(201);
      const s1 = await agent.api.get(`${base()}/conversations/${c.id}/coach`);
      expect(s1.body).toMatchObject({ offered: ['free_shipping'], next: { kind: 'coupon' } });
      expect((await send(agent, c.id, '亲，再送您一张5元优惠券哦~')).status).toBe(201);
      const ok = await agent.api.post(`${base()}/coach/lint`, { buyer: '再便宜点', reply: '亲，那我再帮您申请便宜5元哦~', conversationId: c.id });
      expect(ok.body.flags.map((f: any) => f.id)).not.toContain('concession_jump');
      expect((await other.api.get(`/api/shops/${(await makeShop(server)).id}/conversations/${c.id}/coach`)).status).toBe(404);
    });

    it('guards buyer messages: a foreign link is stored as disarmed, a platform link is not', async () => {
      const c = await start('帮我看看这个 http://jd.com.evil-login.top/pay 为什么拍不了');
      const row = await eventually(() => server.ctx.storage.db.selectFrom('message_flags').selectAll().where('conversation_id', '=', c.id).where('kind', '=', 'guard').executeTakeFirst());
      const g = JSON.parse(row.flags);
      expect(row.level).toBe('danger');
      expect(g.links[0]).toMatchObject({ allowed: false });
      await buyerSay(c.ws, '链接是这个 https://item.jd.com/100012.html');
      const rows = await eventually(async () => {
        const r = await server.ctx.storage.db.selectFrom('message_flags').selectAll().where('conversation_id', '=', c.id).execute();
        return r.length === 2 ? r : null;
      });
      const safe = rows.map((r) => JSON.parse(r.flags)).find((x) => x.level === 'safe');
      expect(safe.links[0].allowed).toBe(true);
    });

    it('refuses unsafe buyer files with the buyer message and warns the agents with a note', async () => {
      const c = await start('我发个文件给你');
      const up = (body: Buffer, type: string, name: string) =>
        fetch(`${server.url}/api/widget/uploads`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${c.buyer.token}`, 'x-file-name': encodeURIComponent(name) }, body: new Uint8Array(body) });
      const exe = await up(Buffer.from('MZ\x90\x00 payload', 'latin1'), 'application/x-msdownload', '订单明细.exe');
      expect(exe.status).toBe(415);
      const body = await exe.json();
      expect(body.error.code).toBe('file.rejected');
      expect(body.error.message).toMatch(/^亲/);
      const zip = await up(Buffer.from('PK\x03\x04 list.txt', 'latin1'), 'application/zip', '清单.zip');
      expect(zip.status).toBe(415);
      const disguised = await up(Buffer.from('MZ\x90\x00', 'latin1'), 'image/png', '照片.png');
      expect(disguised.status).toBe(415);
      const notes = await eventually(async () => {
        const m = (await agent.api.get(`${base()}/conversations/${c.id}/messages`)).body.messages.filter((x: any) => x.kind === 'note');
        return m.length >= 3 ? m : null;
      });
      expect(notes[0].text).toContain('订单明细.exe');
      expect(notes[0].text).toContain('拦截');
      expect((await up(PNG_1x1, 'image/png', 'a.png')).status).toBe(201);
    });

    it('scores closed conversations; agents see only their own reviews; supervisors sample, read and score', async () => {
      const from = Date.now() - 1000;
      const c = await start('在吗？这件外套有M码吗？');
      await send(agent, c.id, '亲，您好，我是客服小美，请问您平时穿什么尺码呢？');
      await buyerSay(c.ws, '平时穿M');
      await send(agent, c.id, '好的亲，M码有货的哦，搭配白色T恤也好看，您可以放心拍下~');
      await send(agent, c.id, '谢谢亲，祝您生活愉快~');
      expect((await agent.api.post(`${base()}/conversations/${c.id}/close`)).status).toBe(200);
      const mine = await eventually(async () => {
        const r = await agent.api.get(`${base()}/reviews?from=${from}`);
        return r.body.reviews.find((x: any) => x.conversationId === c.id);
      });
      expect(mine).toMatchObject({ agentId: agent.id, agentName: '小美', manualScore: null, sampledAt: null });
      expect(mine.autoScore).toBeGreaterThan(50);
      expect((await other.api.get(`${base()}/reviews?from=${from}`)).body.reviews).toEqual([]);
      expect((await other.api.get(`${base()}/reviews/${mine.id}`)).status).toBe(404);
      expect((await agent.api.post(`${base()}/reviews/sample`, { n: 1 })).status).toBe(403);

      const sampled = await sup.api.post(`${base()}/reviews/sample`, { n: 5, from, agentId: agent.id });
      expect(sampled.status).toBe(200);
      expect(sampled.body.reviews.map((r: any) => r.id)).toContain(mine.id);
      expect(sampled.body.reviews.every((r: any) => r.sampledAt !== null && r.agentId === agent.id)).toBe(true);
      expect((await sup.api.post(`${base()}/reviews/sample`, { n: 5, from, agentId: agent.id })).body.reviews).toEqual([]);
      const pending = await sup.api.get(`${base()}/reviews?status=pending&from=${from}`);
      expect(pending.body.reviews.map((r: any) => r.id)).toContain(mine.id);

      const full = await sup.api.get(`${base()}/reviews/${mine.id}`);
      expect(full.status).toBe(200);
      expect(full.body.review.breakdown.steps.results.find((s: any) => s.step === 'greeting').done).toBe(true);
      expect(full.body.review.transcript.map((l: any) => l.sender)).toEqual(expect.arrayContaining(['buyer', 'agent']));
      expect((await agent.api.request('PUT', `${base()}/reviews/${mine.id}`, { score: 100 })).status).toBe(403);
      const scored = await sup.api.request('PUT', `${base()}/reviews/${mine.id}`, { score: 88, comment: '问候和推荐都很好，付款后记得提醒收藏店铺。' });
      expect(scored.status).toBe(200);
      expect(scored.body.review).toMatchObject({ manualScore: 88, reviewerName: '主管' });
      const seen = await agent.api.get(`${base()}/reviews/${mine.id}`);
      expect(seen.body.review).toMatchObject({ manualScore: 88, comment: expect.stringContaining('收藏店铺') });
      expect((await sup.api.request('PUT', `${base()}/reviews/${mine.id}`, { score: 101 })).status).toBe(400);
    });

    it('scores a conversation missed at close time when the list is read (catch-up)', async () => {
      const from = Date.now() - 1000;
      const c = await start('有货吗？');
      await send(agent, c.id, '亲，有货的哦~');
      await server.ctx.chat.conversations.close(null, shop.id, c.id);
      await eventually(async () => (await server.ctx.storage.db.selectFrom('conversation_reviews').select('id').where('conversation_id', '=', c.id).executeTakeFirst()) ?? null);
      await server.ctx.storage.db.deleteFrom('conversation_reviews').where('conversation_id', '=', c.id).execute();
      const list = await sup.api.get(`${base()}/reviews?from=${from}`);
      expect(list.body.reviews.map((r: any) => r.conversationId)).toContain(c.id);
    });

    it('bad drafts do not crash the lint route: very long, mixed scripts, emoji only', async () => {
      for (const reply of ['亲'.repeat(20000), '😀😀😀', 'Hello 你好 مرحبا Привет 天猫', '\u202e\u200b', '']) {
        const r = await agent.api.post(`${base()}/coach/lint`, { buyer: '？？？', reply });
        expect(r.status).toBe(200);
        expect(Array.isArray(r.body.flags)).toBe(true);
      }
      expect((await agent.api.post(`${base()}/coach/lint`, { reply: 'x'.repeat(20001) })).status).toBe(400);
    });
  });
}
