import { AgentServerFrame, BuyerServerFrame } from '@kefu/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, startTestServer, type TestServer } from '../test/harness.js';
import {
  agentSocket,
  bootstrapBuyer,
  buyerSay,
  buyerSocket,
  cid,
  eventually,
  makeAgent,
  makeShop,
  type TestAgent,
  type TestShop,
  WsClient,
  wsUrl,
} from './test/chat-harness.js';

const seqs = (msgs: any[]) => msgs.map((m) => m.seq);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Delivery guarantees of the gateway, run on SQLite (realtime.test.ts) and PostgreSQL (realtime.pg.test.ts). */
export function realtimeContract(engine: Engine): void {
  describe(`realtime delivery (${engine})`, () => {
    let server: TestServer;
    let shop: TestShop;
    let agent: TestAgent;

    beforeAll(async () => {
      server = await startTestServer(engine, { demo: true });
      shop = await makeShop(server);
      agent = await makeAgent(server, shop, { name: '小美' });
    });
    afterAll(async () => server?.cleanup());

    it('acks a buyer message after commit and delivers it to the agent, frames matching the contract schemas', async () => {
      const a = await agentSocket(server, agent);
      const buyer = await bootstrapBuyer(server, shop);
      const b = await buyerSocket(server, buyer);
      const ack = await buyerSay(b, '你好，这双鞋有 42 码吗？');
      expect(ack.type).toBe('ack');
      expect(ack.duplicate).toBe(false);
      const row = await server.ctx.storage.db.selectFrom('messages').selectAll().where('id', '=', ack.id).executeTakeFirst();
      expect(row?.text).toBe('你好，这双鞋有 42 码吗？');
      const got = await a.next((f) => f.type === 'message' && f.message.id === ack.id);
      expect(got.message.sender).toBe('buyer');
      expect(got.conversation.unread).toBeGreaterThanOrEqual(1);
      await a.next((f) => f.type === 'conversation' && f.conversation.id === ack.conversationId);
      await b.settle();
      await a.settle();
      for (const f of a.frames) expect(AgentServerFrame.safeParse(f).success, JSON.stringify(f)).toBe(true);
      for (const f of b.frames) expect(BuyerServerFrame.safeParse(f).success, JSON.stringify(f)).toBe(true);
      a.close();
      b.close();
    });

    it('a buyer killed mid-stream resumes with exactly the missed messages, once each, in order', async () => {
      const buyer = await bootstrapBuyer(server, shop);
      let b = await buyerSocket(server, buyer);
      const first = await buyerSay(b, '在吗');
      const convId = first.conversationId;
      // Agent bursts 40 replies while the buyer's socket dies after a few.
      const sends = Array.from({ length: 40 }, (_, i) =>
        agent.api.post(`/api/shops/${shop.id}/conversations/${convId}/messages`, { clientId: `burst-${i}`, kind: 'text', text: `回复 ${i}` }),
      );
      await b.next((f) => f.type === 'message' && f.message.text?.startsWith('回复'));
      b.kill();
      const before = b.messages(convId);
      const res = await Promise.all(sends);
      expect(res.every((r) => r.status === 201)).toBe(true);
      const lastSeen = Math.max(...seqs(before));
      b = await buyerSocket(server, buyer, { [convId]: lastSeen });
      const synced = await b.next((f) => f.type === 'synced' && f.conversationId === convId);
      const after = b.messages(convId);
      const all = [...before, ...after];
      const lastSeq = Number((await server.ctx.chat.conversations.repo.find(shop.id, convId))!.last_seq);
      expect(synced.lastSeq).toBe(lastSeq);
      expect(after.length).toBeGreaterThan(0);
      expect(seqs(after)).toEqual(range(lastSeen + 1, lastSeq));
      expect(new Set(seqs(all)).size).toBe(all.length);
      // Concurrent requests have no order among themselves; each must arrive exactly once.
      const texts = all.filter((m) => m.text?.startsWith('回复')).map((m) => m.text as string);
      expect(texts.length).toBe(40);
      expect(new Set(texts)).toEqual(new Set(Array.from({ length: 40 }, (_, i) => `回复 ${i}`)));
      b.close();
    });

    it('an agent killed mid-stream resumes with exactly the missed buyer messages', async () => {
      const buyer = await bootstrapBuyer(server, shop);
      const b = await buyerSocket(server, buyer);
      const first = await buyerSay(b, '我想问下发货时间');
      const convId = first.conversationId;
      let a = await agentSocket(server, agent);
      for (let i = 0; i < 5; i++) await buyerSay(b, `第 ${i} 条`);
      await a.next((f) => f.type === 'message' && f.message.text === '第 4 条');
      const lastSeen = Math.max(...seqs(a.messages(convId)));
      a.kill();
      for (let i = 5; i < 12; i++) await buyerSay(b, `第 ${i} 条`);
      a = await agentSocket(server, agent, { [convId]: lastSeen });
      await a.next((f) => f.type === 'synced' && f.conversationId === convId);
      const missed = a.messages(convId);
      expect(seqs(missed)).toEqual(range(lastSeen + 1, lastSeen + missed.length));
      expect(missed.filter((m) => m.sender === 'buyer').map((m) => m.text)).toEqual(range(5, 11).map((i) => `第 ${i} 条`));
      a.close();
      b.close();
    });

    it('a retried clientId is stored once and acked with the same id and seq', async () => {
      const buyer = await bootstrapBuyer(server, shop);
      const b = await buyerSocket(server, buyer);
      const one = await buyerSay(b, '同一条消息', 'retry-me-1');
      const two = await buyerSay(b, '同一条消息', 'retry-me-1');
      expect(two).toMatchObject({ type: 'ack', id: one.id, seq: one.seq, duplicate: true });
      const n = await server.ctx.storage.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('conversation_id', '=', one.conversationId)
        .where('client_id', '=', 'retry-me-1')
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(1);
      // The same clientId through REST for an agent is idempotent too.
      const r1 = await agent.api.post(`/api/shops/${shop.id}/conversations/${one.conversationId}/messages`, { clientId: 'agent-retry', kind: 'text', text: '好的' });
      const r2 = await agent.api.post(`/api/shops/${shop.id}/conversations/${one.conversationId}/messages`, { clientId: 'agent-retry', kind: 'text', text: '好的' });
      expect([r1.status, r2.status]).toEqual([201, 200]);
      expect(r2.body.message.id).toBe(r1.body.message.id);
      b.close();
    });

    it('never delivers an internal note to the buyer: not live, not on resume, not in history', async () => {
      const buyer = await bootstrapBuyer(server, shop);
      const b = await buyerSocket(server, buyer);
      const first = await buyerSay(b, '鞋子开胶了怎么办');
      const convId = first.conversationId;
      const a = await agentSocket(server, agent);
      const note = await agent.api.post(`/api/shops/${shop.id}/conversations/${convId}/notes`, { text: '老客户，上次也反馈过开胶，优先处理' });
      expect(note.status).toBe(201);
      a.send({ type: 'send', clientId: 'ws-note-1', conversationId: convId, kind: 'note', text: '已联系仓库' });
      await a.next((f) => f.type === 'ack' && f.clientId === 'ws-note-1');
      const reply = await agent.api.post(`/api/shops/${shop.id}/conversations/${convId}/messages`, { clientId: cid('a'), kind: 'text', text: '亲，麻烦拍张照片给我看看' });
      await b.next((f) => f.type === 'message' && f.message.id === reply.body.message.id);
      await a.next((f) => f.type === 'message' && f.message.clientId === 'ws-note-1');
      expect(a.messages(convId).some((m) => m.kind === 'note')).toBe(true);
      expect(b.messages(convId).some((m) => m.kind === 'note' || /老客户|仓库/.test(m.text ?? ''))).toBe(false);
      // Resume from 0 and history: still no notes, but the reply after them arrives.
      const b2 = await buyerSocket(server, buyer, { [convId]: 0 });
      await b2.next((f) => f.type === 'synced');
      expect(b2.messages(convId).some((m) => m.kind === 'note')).toBe(false);
      expect(b2.messages(convId).some((m) => m.id === reply.body.message.id)).toBe(true);
      const hist = await fetch(`${server.url}/api/widget/messages?limit=100`, { headers: { authorization: `Bearer ${buyer.token}` } }).then((r) => r.json());
      expect(hist.messages.some((m: any) => m.kind === 'note')).toBe(false);
      expect(hist.messages.length).toBeGreaterThan(1);
      // A buyer cannot send a note.
      b.send({ type: 'send', clientId: 'buyer-note', conversationId: convId, kind: 'note', text: 'x' });
      expect((await b.next((f) => f.type === 'error' && f.ref === 'buyer-note')).code).toBe('message.invalid');
      for (const c of [a, b, b2]) c.close();
    });

    it("a buyer cannot read or write another buyer's conversation", async () => {
      const alice = await bootstrapBuyer(server, shop);
      const bob = await bootstrapBuyer(server, shop);
      const ca = await buyerSocket(server, alice);
      const aliceConv = (await buyerSay(ca, '我的地址是秘密')).conversationId;
      const cb = await buyerSocket(server, bob, { [aliceConv]: 0 });
      expect((await cb.next((f) => f.type === 'error' && f.ref === aliceConv)).code).toBe('conversation.not_found');
      cb.send({ type: 'send', clientId: 'steal', conversationId: aliceConv, kind: 'text', text: 'hi' });
      expect((await cb.next((f) => f.type === 'error' && f.ref === 'steal')).code).toBe('conversation.not_found');
      cb.send({ type: 'typing', conversationId: aliceConv, on: true });
      expect((await cb.next((f) => f.type === 'error' && f.ref === 'typing')).code).toBe('conversation.not_found');
      await buyerSay(ca, '第二条也是秘密');
      await cb.settle();
      expect(cb.messages().length).toBe(0);
      const hist = await fetch(`${server.url}/api/widget/messages`, { headers: { authorization: `Bearer ${bob.token}` } }).then((r) => r.json());
      expect(hist.messages).toEqual([]);
      ca.close();
      cb.close();
    });

    it('answers malformed, unknown and oversized frames with an error and keeps the connection', async () => {
      const buyer = await bootstrapBuyer(server, shop);
      const b = await buyerSocket(server, buyer);
      b.send('this is not json');
      expect((await b.next((f) => f.type === 'error' && f.code === 'realtime.malformed_frame')).message).toBeTruthy();
      b.send({ type: 'teleport' });
      await b.next((f) => f.type === 'error' && f.ref === 'teleport');
      b.send({ type: 'send', clientId: 'big', kind: 'text', text: 'a'.repeat(2001) });
      expect((await b.next((f) => f.type === 'error' && f.ref === 'big')).code).toBe('message.too_large');
      b.send({ type: 'send', clientId: 'huge', kind: 'text', text: '字'.repeat(9000) });
      expect((await b.next((f) => f.type === 'error' && f.code === 'message.too_large' && !f.ref)).code).toBe('message.too_large');
      b.send({ type: 'send', clientId: 'bad id with spaces', kind: 'text', text: 'x' });
      await b.next((f) => f.type === 'error' && f.code === 'message.invalid');
      b.send({ type: 'send', clientId: 'noconv', conversationId: 'conv_doesnotexist', kind: 'text', text: 'x' });
      expect((await b.next((f) => f.type === 'error' && f.ref === 'noconv')).code).toBe('conversation.not_found');
      b.send({ type: 'send', clientId: 'badcard', kind: 'product', payload: { productId: 'p1', title: '鞋', price: -3 } });
      expect((await b.next((f) => f.type === 'error' && f.ref === 'badcard')).code).toBe('message.invalid');
      // Still connected and working.
      const ok = await buyerSay(b, '还在吗');
      expect(ok.type).toBe('ack');
      expect(b.closeCode).toBeNull();
      b.close();
    });

    it('stores and echoes HTML/script text verbatim as text', async () => {
      const evil = '<img src=x onerror="alert(1)"><script>alert("kefu")</script> & 你好';
      const buyer = await bootstrapBuyer(server, shop);
      const b = await buyerSocket(server, buyer);
      const a = await agentSocket(server, agent);
      const ack = await buyerSay(b, evil);
      const got = await a.next((f) => f.type === 'message' && f.message.id === ack.id);
      expect(got.message.text).toBe(evil);
      const row = await server.ctx.storage.db.selectFrom('messages').select('text').where('id', '=', ack.id).executeTakeFirstOrThrow();
      expect(row.text).toBe(evil);
      a.close();
      b.close();
    });

    it('rate-limits a flooding buyer with a clear code while another buyer gets every message through', async () => {
      const a = await agentSocket(server, agent);
      const flooder = await buyerSocket(server, await bootstrapBuyer(server, shop));
      const calm = await buyerSocket(server, await bootstrapBuyer(server, shop));
      for (let i = 0; i < 45; i++) flooder.send({ type: 'send', clientId: `flood-${i}`, kind: 'text', text: `刷屏 ${i}` });
      const acks: any[] = [];
      for (let i = 0; i < 10; i++) acks.push(await buyerSay(calm, `正常消息 ${i}`));
      await flooder.settle();
      const limited = flooder.frames.filter((f) => f.type === 'error' && f.code === 'realtime.rate_limited');
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0].ref).toMatch(/^flood-/);
      expect(acks.every((x) => x.type === 'ack')).toBe(true);
      for (const ack of acks) await a.next((f) => f.type === 'message' && f.message.id === ack.id);
      // The rejected messages were not stored.
      const stored = await server.ctx.storage.db.selectFrom('messages').select('client_id').where('client_id', 'like', 'flood-%').execute();
      expect(stored.length).toBe(45 - limited.length);
      for (const c of [a, flooder, calm]) c.close();
    });

    it('refuses sockets without credentials or from a foreign origin', async () => {
      await expect(WsClient.open(wsUrl(server, '/ws/agent'))).rejects.toThrow(/401/);
      await expect(WsClient.open(wsUrl(server, '/ws/buyer?token=forged.token'))).rejects.toThrow(/401/);
      await expect(WsClient.open(wsUrl(server, '/ws/agent'), { cookie: agent.cookie, origin: 'https://evil.example' })).rejects.toThrow(/403/);
      const ok = await WsClient.open(wsUrl(server, '/ws/agent'), { cookie: agent.cookie, origin: server.url });
      ok.close();
    });

    it('allocates gap-free seqs under concurrent sends from buyer and agent', async () => {
      const buyer = await bootstrapBuyer(server, shop);
      const b = await buyerSocket(server, buyer);
      const convId = (await buyerSay(b, '开始')).conversationId;
      await eventually(async () => (await server.ctx.chat.conversations.repo.find(shop.id, convId))?.status !== 'open');
      const agentSends = Array.from({ length: 15 }, (_, i) => agent.api.post(`/api/shops/${shop.id}/conversations/${convId}/messages`, { clientId: `cc-${i}`, kind: 'text', text: `a${i}` }));
      const buyerSends = Array.from({ length: 10 }, (_, i) => buyerSay(b, `b${i}`));
      await Promise.all([...agentSends, ...buyerSends]);
      const rows = await server.ctx.storage.db.selectFrom('messages').select('seq').where('conversation_id', '=', convId).orderBy('seq').execute();
      expect(rows.map((r) => Number(r.seq))).toEqual(range(1, rows.length));
      b.close();
    });

    it('scopes the agent REST API by shop: another shop answers 404', async () => {
      const other = await makeShop(server, { name: '别的店' });
      const buyer = await bootstrapBuyer(server, other);
      const b = await buyerSocket(server, buyer);
      const convId = (await buyerSay(b, '你好')).conversationId;
      expect((await agent.api.get(`/api/shops/${other.id}/conversations`)).status).toBe(404);
      expect((await agent.api.get(`/api/shops/${shop.id}/conversations/${convId}/messages`)).status).toBe(404);
      b.close();
    });
  });
}
