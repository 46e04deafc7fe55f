import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutoClose } from '../../jobs/auto-close.js';
import {
  agentSocket,
  bootstrapBuyer,
  buyerSay,
  buyerSocket,
  eventually,
  makeAgent,
  makeShop,
  type TestShop,
  WsClient,
  wsUrl,
} from '../../realtime/test/chat-harness.js';
import { ApiClient, type Engine, startTestServer, type TestServer } from '../../test/harness.js';
import { DEFAULT_AUTO_REPLY } from '../autoreply/autoreply.defaults.js';
import { PNG_1x1 } from '../../realtime/test/fixtures.js';

/** Routing, auto replies, queue, transfer, auto-close, widget identity and files, on SQLite and PostgreSQL. */
export function conversationsContract(engine: Engine): void {
  describe(`conversations (${engine})`, () => {
    let server: TestServer;
    const sockets: WsClient[] = [];
    const track = <T extends WsClient>(c: T) => (sockets.push(c), c);

    beforeAll(async () => {
      server = await startTestServer(engine, { demo: true });
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await server?.cleanup();
    });

    const conv = (shop: TestShop, id: string) => server.ctx.chat.conversations.repo.find(shop.id, id);
    const autoTexts = async (id: string) =>
      (await server.ctx.storage.db.selectFrom('messages').select(['text', 'sender']).where('conversation_id', '=', id).orderBy('seq').execute())
        .filter((m) => m.sender === 'auto')
        .map((m) => m.text ?? '');
    async function start(shop: TestShop, text = '你好') {
      const buyer = await bootstrapBuyer(server, shop);
      const ws = track(await buyerSocket(server, buyer));
      const ack = await buyerSay(ws, text);
      const id: string = ack.conversationId;
      const row = await eventually(async () => {
        const r = await conv(shop, id);
        return r && r.status !== 'open' ? r : null;
      });
      return { buyer, ws, id, row };
    }

    it('routes to the least-loaded online agent within capacity, then queues with a position, and drains', async () => {
      const shop = await makeShop(server);
      const a = await makeAgent(server, shop, { name: '阿甲', maxConcurrent: 1 });
      const b = await makeAgent(server, shop, { name: '阿乙', online: false });
      const c1 = await start(shop);
      expect(c1.row).toMatchObject({ status: 'assigned', assigned_agent_id: a.id });
      await b.api.request('PUT', '/api/presence', { status: 'online', maxConcurrent: 2 });
      const c2 = await start(shop);
      const c3 = await start(shop);
      expect([c2.row.assigned_agent_id, c3.row.assigned_agent_id]).toEqual([b.id, b.id]);
      const c4 = await start(shop);
      const c5 = await start(shop);
      expect([c4.row.status, c5.row.status]).toEqual(['waiting', 'waiting']);
      expect((await c5.ws.next((f) => f.type === 'queue')).position).toBe(2);
      const waiting = await a.api.get(`/api/shops/${shop.id}/conversations?filter=waiting`);
      expect(waiting.body.conversations.map((x: any) => [x.id, x.queuePosition])).toEqual([
        [c5.id, 2],
        [c4.id, 1],
      ]);
      // Closing a's conversation frees a seat: the oldest in the queue goes to a, the next moves up.
      expect((await a.api.post(`/api/shops/${shop.id}/conversations/${c1.id}/close`)).status).toBe(200);
      const assigned = await c4.ws.next((f) => f.type === 'conversation' && f.conversation.status === 'assigned');
      expect(assigned.conversation.agent).toEqual({ displayName: '阿甲' });
      await c5.ws.next((f) => f.type === 'queue' && f.position === 1);
      expect((await conv(shop, c5.id))?.status).toBe('waiting');
      const presence = await a.api.get(`/api/shops/${shop.id}/presence`);
      expect(presence.body.agents.find((x: any) => x.agentId === b.id)).toMatchObject({ status: 'online', load: 2, maxConcurrent: 2 });
    });

    it('gives a returning buyer their last agent even when another agent is less loaded, with the returning greeting', async () => {
      const shop = await makeShop(server, { name: '回头客店' });
      const a = await makeAgent(server, shop, { name: '阿甲' });
      const b = await makeAgent(server, shop, { name: '阿乙', online: false });
      const first = await start(shop);
      expect(first.row.assigned_agent_id).toBe(a.id);
      expect((await eventually(async () => (await autoTexts(first.id))[0]))).toContain('欢迎光临回头客店');
      await a.api.post(`/api/shops/${shop.id}/conversations/${first.id}/close`);
      await start(shop);
      await start(shop);
      await b.api.request('PUT', '/api/presence', { status: 'online' });
      await buyerSay(first.ws, '我又来了，上次那双鞋还有货吗');
      const row = await eventually(async () => {
        const r = await conv(shop, first.id);
        return r?.status === 'assigned' ? r : null;
      });
      expect(row.assigned_agent_id).toBe(a.id);
      const autos = await eventually(async () => ((await autoTexts(first.id)).length >= 2 ? autoTexts(first.id) : null));
      expect(autos[1]).toContain('欢迎亲再次光临');
    });

    it('routes after-sales words to the 售后 group', async () => {
      const shop = await makeShop(server);
      const owner = await makeAgent(server, shop, { role: 'owner', name: '掌柜' });
      const after = await makeAgent(server, shop, { name: '售后小王' });
      for (let i = 0; i < 2; i++) await start(shop, '你好'); // load the after-sales agent less than nobody: both start at 0
      const g = await owner.api.post(`/api/shops/${shop.id}/groups`, { name: '售后', kind: 'aftersales', memberIds: [after.id] });
      expect(g.status).toBe(201);
      const pre = await owner.api.post(`/api/shops/${shop.id}/groups`, { name: '售前', kind: 'presales', memberIds: [owner.id] });
      expect(pre.status).toBe(201);
      const c = await start(shop, '鞋子穿了两天就开胶了，怎么处理');
      expect(c.row).toMatchObject({ assigned_agent_id: after.id, group_id: g.body.group.id, scenario: 'quality_problem' });
      const p = await start(shop, '平时穿 42 码拍几码合适');
      expect(p.row).toMatchObject({ assigned_agent_id: owner.id, group_id: pre.body.group.id });
      expect((await owner.api.post(`/api/shops/${shop.id}/groups`, { name: 'x', kind: 'custom', memberIds: ['agt_nobody'] })).status).toBe(404);
    });

    it('sends the busy reply when nobody is online, and assigns when an agent comes online', async () => {
      const shop = await makeShop(server, { name: '忙碌店' });
      const a = await makeAgent(server, shop, { name: '阿甲', online: false });
      const c = await start(shop, '在吗');
      expect(c.row.status).toBe('waiting');
      const autos = await eventually(async () => ((await autoTexts(c.id)).length >= 2 ? autoTexts(c.id) : null));
      expect(autos[0]).toContain('欢迎光临忙碌店');
      expect(autos[1]).toContain('现在客服咨询量较多');
      // Delivery to the socket follows the commit; wait for it rather than racing it.
      await eventually(() => c.ws.messages(c.id).some((m) => m.sender === 'auto' && m.text.includes('一并列出')));
      await a.api.request('PUT', '/api/presence', { status: 'online' });
      const row = await eventually(async () => ((await conv(shop, c.id))?.status === 'assigned' ? conv(shop, c.id) : null));
      expect(row?.assigned_agent_id).toBe(a.id);
    });

    it('brings an offline agent online on connect unless their hello carries the status they picked, applied before the welcome', async () => {
      const shop = await makeShop(server, { name: '看板店' });
      const a = await makeAgent(server, shop, { name: '阿甲', online: false });
      const status = async () => (await a.api.request('GET', '/api/presence')).body.presence.status;
      // A manager who went offline and opens the board keeps their choice: no buyer is routed to them.
      const watching = track(await WsClient.open(wsUrl(server, '/ws/agent'), { cookie: a.cookie }));
      watching.send({ type: 'hello', v: 1, status: 'offline' });
      expect((await watching.next((f) => f.type === 'welcome')).presence).toBe('offline');
      expect(await status()).toBe('offline');
      const c = await start(shop, '在吗');
      expect(c.row.status).toBe('waiting');
      // A bad status is a clear error, not a silent change.
      watching.send({ type: 'hello', v: 1, status: 'sleeping' });
      expect((await watching.next((f) => f.type === 'error')).code).toBe('realtime.malformed_frame');
      expect(await status()).toBe('offline');
      // Opening the workbench on a browser with no stored choice means working.
      const working = track(await agentSocket(server, a));
      expect(await status()).toBe('online');
      const row = await eventually(async () => ((await conv(shop, c.id))?.status === 'assigned' ? conv(shop, c.id) : null));
      expect(row?.assigned_agent_id).toBe(a.id);
      working.close();
    });

    it('answers out of hours with the business hours, and uses the configured greeting variant in hours', async () => {
      const closed = await makeShop(server, { name: '休息店', businessHours: { days: Array.from({ length: 7 }, () => []) } });
      await makeAgent(server, closed);
      const c = await start(closed, '你好');
      const autos = await eventually(async () => ((await autoTexts(c.id)).length ? autoTexts(c.id) : null));
      expect(autos).toHaveLength(1);
      expect(autos[0]).toContain('下班时间');
      expect(autos[0]).toContain('每天 休息');

      const open = await makeShop(server, { name: '活动店' });
      const owner = await makeAgent(server, open, { role: 'owner' });
      const settings = { ...DEFAULT_AUTO_REPLY, greeting: { ...DEFAULT_AUTO_REPLY.greeting, variant: 'greeting_promotion' as const } };
      expect((await owner.api.request('PUT', `/api/shops/${open.id}/autoreply`, settings)).status).toBe(200);
      expect((await owner.api.get(`/api/shops/${open.id}/autoreply`)).body.settings.greeting.variant).toBe('greeting_promotion');
      const plain = await makeAgent(server, open);
      expect((await plain.api.request('PUT', `/api/shops/${open.id}/autoreply`, settings)).status).toBe(403);
      const d = await start(open, '你好');
      const texts = await eventually(async () => ((await autoTexts(d.id)).length ? autoTexts(d.id) : null));
      expect(texts[0]).toContain('正在搞活动');
    });

    it('transfers to an agent with an internal note the buyer never sees, and to a group with nobody free → queue', async () => {
      const shop = await makeShop(server);
      const owner = await makeAgent(server, shop, { role: 'owner', name: '掌柜' });
      const b = await makeAgent(server, shop, { name: '小雅', online: false });
      const c = await start(shop, '我想换个颜色');
      expect(c.row.assigned_agent_id).toBe(owner.id);
      const ownerWs = track(await agentSocket(server, owner));
      const res = await owner.api.post(`/api/shops/${shop.id}/conversations/${c.id}/transfer`, { toAgentId: b.id, note: '买家想换灰色 42 码' });
      expect(res.status).toBe(200);
      expect(res.body.conversation.assignedAgentId).toBe(b.id);
      const note = await ownerWs.next((f) => f.type === 'message' && f.message.kind === 'note' && f.message.conversationId === c.id);
      expect(note.message.text).toContain('转接给 小雅：买家想换灰色 42 码');
      await c.ws.next((f) => f.type === 'message' && f.message.text?.includes('正在为您转接'));
      await c.ws.settle();
      expect(c.ws.messages(c.id).some((m) => m.kind === 'note' || m.text?.includes('灰色'))).toBe(false);
      const group = await owner.api.post(`/api/shops/${shop.id}/groups`, { name: '售后组', kind: 'aftersales', memberIds: [b.id] });
      const toGroup = await owner.api.post(`/api/shops/${shop.id}/conversations/${c.id}/transfer`, { toGroupId: group.body.group.id });
      expect(toGroup.body.conversation).toMatchObject({ status: 'waiting', groupId: group.body.group.id, assignedAgentId: null });
      expect((await owner.api.post(`/api/shops/${shop.id}/conversations/${c.id}/transfer`, { toAgentId: 'agt_nobody' })).status).toBe(404);
      expect((await owner.api.post(`/api/shops/${shop.id}/conversations/${c.id}/transfer`, {})).status).toBe(400);
    });

    it('auto-closes idle assigned conversations from DB state, never waiting ones, and a buyer message reopens', async () => {
      const shop = await makeShop(server, { name: '自动结束店' });
      const owner = await makeAgent(server, shop, { role: 'owner', maxConcurrent: 1 });
      await owner.api.request('PUT', `/api/shops/${shop.id}/autoreply`, { ...DEFAULT_AUTO_REPLY, autoCloseMinutes: 1 });
      const c = await start(shop);
      const q = await start(shop);
      expect([c.row.status, q.row.status]).toEqual(['assigned', 'waiting']);
      expect((await runAutoClose(server.ctx, Date.now() + 30_000)).closed).toBe(0);
      const r = await runAutoClose(server.ctx, Date.now() + 2 * 60_000);
      expect(r.closed).toBeGreaterThanOrEqual(1);
      expect((await conv(shop, c.id))?.status).toBe('closed');
      await c.ws.next((f) => f.type === 'conversation' && f.conversation.status === 'closed');
      await c.ws.next((f) => f.type === 'message' && f.message.sender === 'system' && f.message.text.includes('自动结束'));
      // The freed seat went to the queued buyer; the reopened one queues behind nobody (owner now full).
      await eventually(async () => ((await conv(shop, q.id))?.status === 'assigned' ? true : null));
      await buyerSay(c.ws, '我还有个问题');
      const re = await eventually(async () => {
        const x = await conv(shop, c.id);
        return x && x.status !== 'open' && x.status !== 'closed' ? x : null;
      });
      expect(re.status).toBe('waiting');
      expect(re.closed_at).toBeNull();
    });

    it('lists conversations by filter with a cursor and pages messages by seq', async () => {
      const shop = await makeShop(server);
      const a = await makeAgent(server, shop);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await start(shop, `第${i}位`)).id);
      const page1 = await a.api.get(`/api/shops/${shop.id}/conversations?filter=mine&limit=2`);
      expect(page1.body.conversations).toHaveLength(2);
      expect(page1.body.nextCursor).toBeTruthy();
      const page2 = await a.api.get(`/api/shops/${shop.id}/conversations?filter=mine&limit=2&cursor=${page1.body.nextCursor}`);
      const all = [...page1.body.conversations, ...page2.body.conversations].map((x: any) => x.id);
      expect(new Set(all)).toEqual(new Set(ids));
      expect(page1.body.conversations[0].buyer.nickname).toMatch(/^访客/);
      expect((await a.api.get(`/api/shops/${shop.id}/conversations?filter=closed`)).body.conversations).toEqual([]);
      for (let i = 0; i < 5; i++) await a.api.post(`/api/shops/${shop.id}/conversations/${ids[0]}/messages`, { clientId: `p-${i}`, kind: 'text', text: `r${i}` });
      const last = await a.api.get(`/api/shops/${shop.id}/conversations/${ids[0]}/messages?limit=3`);
      expect(last.body.hasMore).toBe(true);
      const firstSeq = last.body.messages[0].seq;
      const older = await a.api.get(`/api/shops/${shop.id}/conversations/${ids[0]}/messages?limit=50&beforeSeq=${firstSeq}`);
      expect(older.body.messages.map((m: any) => m.seq)).toEqual(Array.from({ length: firstSeq - 1 }, (_, i) => i + 1));
      const read = await a.api.post(`/api/shops/${shop.id}/conversations/${ids[1]}/read`, { seq: 1 });
      expect(read.body.conversation.unread).toBe(0);
    });

    it('pages the closed and open lists newest first (the closed list through its partial index), ties by id, no gaps or repeats', async () => {
      const shop = await makeShop(server, { name: '翻页店' });
      const a = await makeAgent(server, shop);
      const db = server.ctx.storage.db;
      const t = Date.now() - 86_400_000;
      // [id, status, last_message_at]: ties on the time, and one without a message (listed at its creation time).
      const rows: Array<[string, 'closed' | 'assigned' | 'waiting', number | null]> = [
        ['cnv_pg_a', 'closed', t + 5], ['cnv_pg_b', 'closed', t + 9], ['cnv_pg_c', 'closed', t + 5], ['cnv_pg_d', 'closed', null],
        ['cnv_pg_e', 'closed', t + 1], ['cnv_pg_f', 'assigned', t + 7], ['cnv_pg_g', 'waiting', t + 7], ['cnv_pg_h', 'closed', t + 5],
      ];
      await db.insertInto('buyers').values(rows.map(([id]) => ({ id: `byr_${id}`, shop_id: shop.id, nickname: id, created_at: t, last_seen_at: t }))).execute();
      await db
        .insertInto('conversations')
        .values(
          rows.map(([id, status, at]) => ({
            id, shop_id: shop.id, buyer_id: `byr_${id}`, status, assigned_agent_id: null, group_id: null, scenario: null, last_seq: 0,
            last_message_at: at, waiting_since: null, queued_at: null, unread: 0, agent_read_seq: 0, buyer_read_seq: 0,
            session_started_at: null, created_at: t + 3, updated_at: t, closed_at: status === 'closed' ? t : null,
          })),
        )
        .execute();
      const pageAll = async (filter: string) => {
        const ids: string[] = [];
        let cursor = '';
        for (let i = 0; i < 10; i++) {
          const r = await a.api.get(`/api/shops/${shop.id}/conversations?filter=${filter}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(r.status).toBe(200);
          ids.push(...r.body.conversations.map((x: { id: string }) => x.id));
          if (!r.body.nextCursor) break;
          cursor = r.body.nextCursor;
        }
        return ids;
      };
      // Newest first; equal times by id, descending; the one without a message at its creation time (t + 3).
      expect(await pageAll('closed')).toEqual(['cnv_pg_b', 'cnv_pg_h', 'cnv_pg_c', 'cnv_pg_a', 'cnv_pg_d', 'cnv_pg_e']);
      expect(await pageAll('all')).toEqual(['cnv_pg_g', 'cnv_pg_f']);
      if (engine === 'sqlite') {
        // The closed list is read in the partial index's order (migration 0014): a seek, no sort of the shop's history.
        // The status is a bound parameter, as the repository's query binds it.
        const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT id FROM conversations WHERE shop_id = ${shop.id} AND status = ${'closed'}
          AND coalesce(last_message_at, created_at) <= ${t + 5} ORDER BY coalesce(last_message_at, created_at) DESC, id DESC LIMIT 2`.execute(db);
        const detail = plan.rows.map((r) => r.detail).join(' | ');
        expect(detail).toContain('conversations_shop_closed_at');
        expect(detail).not.toContain('TEMP B-TREE');
        // And no index moves with every message: an index of conversations on the activity time holds closed ones only.
        const indexes = await sql<{ name: string; sql: string | null }>`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'conversations'`.execute(db);
        const onActivity = indexes.rows.filter((r) => r.sql?.includes('last_message_at'));
        expect(onActivity.map((r) => r.name)).toEqual(['conversations_shop_closed_at']);
        for (const r of onActivity) expect(r.sql).toMatch(/WHERE status = 'closed'$/);
      }
    });

    it('identifies a logged-in buyer by the shop signature so history follows them; a bad signature is refused', async () => {
      const shop = await makeShop(server);
      const owner = await makeAgent(server, shop, { role: 'owner' });
      const info = await owner.api.get(`/api/shops/${shop.id}/widget`);
      expect(info.body.widgetSecret).toMatch(/^whsec_/);
      const sig = createHmac('sha256', info.body.widgetSecret).update('u1001').digest('hex');
      const one = await bootstrapBuyer(server, shop, { anonId: undefined, buyerId: 'u1001', buyerSig: sig, nickname: '张三' });
      const ws = track(await buyerSocket(server, one));
      await buyerSay(ws, '我上次买的鞋');
      const two = await bootstrapBuyer(server, shop, { anonId: undefined, buyerId: 'u1001', buyerSig: sig });
      expect(two.buyerId).toBe(one.buyerId);
      expect(two.boot.conversation.lastSeq).toBeGreaterThanOrEqual(1);
      const bad = await new ApiClient(server.url).post('/api/widget/bootstrap', { publicKey: shop.publicKey, buyerId: 'u1001', buyerSig: 'a'.repeat(64) });
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe('widget.invalid_signature');
      const unknown = await new ApiClient(server.url).post('/api/widget/bootstrap', { publicKey: 'pk_nope' });
      expect(unknown.status).toBe(404);
      const anon = await bootstrapBuyer(server, shop, { anonId: 'anon-abcdefgh' });
      const anon2 = await bootstrapBuyer(server, shop, { anonId: 'anon-abcdefgh' });
      expect(anon2.buyerId).toBe(anon.buyerId);
    });

    it('accepts images by magic bytes only, caps the size, and serves them with safe headers', async () => {
      const shop = await makeShop(server);
      const a = await makeAgent(server, shop);
      const buyer = await bootstrapBuyer(server, shop);
      const up = (body: Buffer, type = 'image/png', token = buyer.token) =>
        fetch(`${server.url}/api/widget/uploads`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${token}` }, body: new Uint8Array(body) });
      const ok = await up(PNG_1x1);
      expect(ok.status).toBe(201);
      const { file } = await ok.json();
      expect(file).toMatchObject({ mime: 'image/png', width: 1, height: 1 });
      const got = await fetch(server.url + file.url);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('content-disposition')).toMatch(/^inline; filename="file_/);
      expect(got.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(Buffer.from(await got.arrayBuffer()).equals(PNG_1x1)).toBe(true);
      const fake = await up(Buffer.from('<svg><script>alert(1)</script></svg>'));
      expect(fake.status).toBe(415);
      expect((await fake.json()).error.code).toBe('file.rejected');
      expect((await up(Buffer.concat([PNG_1x1, Buffer.alloc(5 * 1024 * 1024)]))).status).toBe(413);
      expect((await up(PNG_1x1, 'image/png', 'forged')).status).toBe(401);
      expect((await fetch(`${server.url}/files/file_00000000000000000000000000`)).status).toBe(404);
      // The image travels as a message; product and order cards too.
      const ws = track(await buyerSocket(server, buyer));
      const ack = await new Promise<any>((resolve) => {
        ws.send({ type: 'send', clientId: 'img-1', kind: 'image', payload: file });
        void ws.next((f) => f.type === 'ack' && f.clientId === 'img-1').then(resolve);
      });
      const msgs = await a.api.get(`/api/shops/${shop.id}/conversations/${ack.conversationId}/messages`);
      expect(msgs.body.messages[0]).toMatchObject({ kind: 'image', payload: { url: file.url } });
      const card = await a.api.post(`/api/shops/${shop.id}/conversations/${ack.conversationId}/messages`, {
        clientId: 'card-1',
        kind: 'product',
        payload: { productId: 'trail-pro', title: '山野 Trail Pro 徒步鞋', price: 399, url: '/p/trail-pro' },
      });
      expect(card.status).toBe(201);
      await ws.next((f) => f.type === 'message' && f.message.kind === 'product' && f.message.payload.price === 399);
    });

    it('serves the demo storefront with the loader and the demo shop key', async () => {
      const res = await fetch(`${server.url}/demo`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const key = (await server.ctx.storage.db.selectFrom('shops').select('public_key').where('name', '=', '山野户外旗舰店').executeTakeFirstOrThrow()).public_key;
      expect(html).toContain(`src="/widget/kefu.js" data-shop-key="${key}"`);
      expect(html).toContain('山野户外旗舰店');
    });
  });
}
