import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSuggestionItems, newSuggestionRefTable } from '@kefu/contracts';
import { agentSocket, bootstrapBuyer, buyerSay, buyerSocket, eventually, makeAgent, makeShop, type TestShop, WsClient } from '../../realtime/test/chat-harness.js';
import { ApiClient, type Engine, startTestServer, type TestServer } from '../../test/harness.js';
import { assistOf } from './assist.routes.js';

/** GBK bytes of a string (reverse of TextDecoder('gbk') over the double-byte table; ASCII as is). */
function gbk(text: string): Buffer {
  const table = new Map<string, number[]>();
  const dec = new TextDecoder('gbk');
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) table.set(dec.decode(Uint8Array.of(a, b)), [a, b]);
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(...(table.get(ch) ?? [0x3f]));
  }
  return Buffer.from(out);
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/** The assist module over HTTP and WebSocket, on SQLite (assist.test.ts) and PostgreSQL (assist.pg.test.ts). */
export function assistContract(engine: Engine, opts: { full?: boolean } = {}): void {
  describe(`assist (${engine})`, () => {
    let server: TestServer;
    let owner: ApiClient;
    let agent: ApiClient;
    let outdoor: string;
    /** The outdoor shop as the chat harness takes it (its public key, for the widget's buyers). */
    let outdoorShop: TestShop;
    let fashion: string;
    let agentId: string;

    beforeAll(async () => {
      server = await startTestServer(engine, { demo: true });
      const demo = server.demo!;
      owner = new ApiClient(server.url);
      await owner.login(demo.email, demo.password);
      agent = new ApiClient(server.url);
      agentId = (await agent.login('xiaomei@demo.kefu', demo.password)).agent.id;
      const shops = await server.ctx.storage.db.selectFrom('shops').select(['id', 'name', 'public_key']).execute();
      const o = shops.find((s) => s.name === '山野户外旗舰店')!;
      outdoor = o.id;
      outdoorShop = { id: o.id, publicKey: o.public_key, orgId: '' } as TestShop;
      fashion = shops.find((s) => s.name === '小雅女装')!.id;
    });
    afterAll(async () => server?.cleanup());

    it('seeds the demo shops: 125 quick replies with shortcuts, FAQ and products by shop kind', async () => {
      const r = await owner.get(`/api/shops/${outdoor}/quick-replies`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(125);
      const jj1 = r.body.quickReplies.find((q: any) => q.shortcut === 'jj1');
      expect(jj1).toMatchObject({ scenario: 'bargain', shared: true });
      const shoes = (await owner.get(`/api/shops/${outdoor}/products`)).body.products;
      const clothes = (await owner.get(`/api/shops/${fashion}/products`)).body.products;
      expect(shoes.length).toBe(3);
      expect(shoes.every((p: any) => p.category === 'outdoor_shoes')).toBe(true);
      expect(clothes.length).toBe(5);
      expect(clothes[0].sizeChart.kind).toBe('clothing');
      const faq = (await owner.get(`/api/shops/${outdoor}/faq`)).body.faq;
      expect(new Set(faq.map((f: any) => f.kind))).toEqual(new Set(['product', 'recommend', 'transaction']));
      expect((await owner.get(`/api/shops/${outdoor}/faq?kind=transaction`)).body.faq.every((f: any) => f.kind === 'transaction')).toBe(true);
    });

    it('shared replies need an owner or supervisor; personal ones belong to their agent only', async () => {
      const xss = '<img src=x onerror=alert(1)>亲，{买家称呼}这款今天有券哦';
      const shared = await owner.post(`/api/shops/${outdoor}/quick-replies`, { scenario: 'promotion', title: '新券', shortcut: '/quan9', text: xss });
      expect(shared.status).toBe(201);
      expect(shared.body.quickReply).toMatchObject({ text: xss, shortcut: 'quan9', shared: true });
      expect((await agent.post(`/api/shops/${outdoor}/quick-replies`, { scenario: 'promotion', title: 'x', text: 'y' })).status).toBe(403);
      const mine = await agent.post(`/api/shops/${outdoor}/quick-replies`, { scenario: 'greeting', title: '我的问候', text: '亲，小美在的～', shared: false });
      expect(mine.status).toBe(201);
      expect(mine.body.quickReply.ownerAgentId).toBe(agentId);
      expect((await agent.patch(`/api/shops/${outdoor}/quick-replies/${mine.body.quickReply.id}`, { title: '我的问候2' })).body.quickReply.title).toBe('我的问候2');
      expect((await agent.patch(`/api/shops/${outdoor}/quick-replies/${shared.body.quickReply.id}`, { title: 'hack' })).status).toBe(403);
      // The owner does not see an agent's personal reply.
      expect((await owner.patch(`/api/shops/${outdoor}/quick-replies/${mine.body.quickReply.id}`, { title: 'x' })).status).toBe(404);
      expect((await owner.get(`/api/shops/${outdoor}/quick-replies?scope=mine`)).body.total).toBe(0);
      expect((await agent.get(`/api/shops/${outdoor}/quick-replies?scope=mine`)).body.total).toBe(1);
      expect((await owner.post(`/api/shops/${outdoor}/quick-replies`, { scenario: 'promotion', title: 'dup', shortcut: 'quan9', text: 'x' })).status).toBe(409);
      expect((await owner.post(`/api/shops/${outdoor}/quick-replies`, { scenario: 'nope', title: 'a', text: 'b' })).status).toBe(400);
      // Another shop's id answers 404, and so does a shop the agent does not belong to.
      expect((await owner.patch(`/api/shops/${fashion}/quick-replies/${shared.body.quickReply.id}`, { title: 'x' })).status).toBe(404);
      const other: TestShop = await makeShop(server);
      expect((await agent.get(`/api/shops/${other.id}/quick-replies`)).status).toBe(404);
      expect((await agent.request('DELETE', `/api/shops/${outdoor}/quick-replies/${mine.body.quickReply.id}`)).status).toBe(204);
    });

    it('imports CSV: good lines go in, broken lines are reported with their line numbers', async () => {
      const csv = [
        'scenario,title,shortcut,text,safe_for_auto',
        'bargain,议价A,ya1,"亲，价格已经很实在了，{买家称呼}可以领券哦",0',
        'bargain,缺列,ya2',
        '议价,多行,ya3,"第一行',
        '第二行，含""引号""",0',
        'flying,未知场景,ya4,内容,0',
        'greeting,空内容,ya5,,0',
        'greeting,坏引号,ya6,"没闭合,0',
      ].join('\r\n');
      const r = await owner.post(`/api/shops/${fashion}/quick-replies/import`, { format: 'csv', data: b64(csv) });
      expect(r.status).toBe(200);
      expect(r.body.imported).toBe(2);
      expect(r.body.errors.map((e: any) => e.line)).toEqual([3, 6, 7, 8]);
      const list = (await owner.get(`/api/shops/${fashion}/quick-replies?q=ya3`)).body.quickReplies;
      expect(list[0].text).toBe('第一行\r\n第二行，含"引号"');
      expect(list[0].scenario).toBe('bargain');
    });

    it('imports a GBK-encoded CSV (Excel on Chinese Windows) and rejects unreadable files', async () => {
      const csv = '场景,标题,快捷键,内容\r\nshipping_fee,国标编码,gb1,亲，满99元包邮哦\r\n';
      const r = await owner.post(`/api/shops/${fashion}/quick-replies/import`, { format: 'csv', data: b64(gbk(csv)) });
      expect(r.body).toMatchObject({ imported: 1, encoding: 'gbk', failed: 0 });
      expect((await owner.get(`/api/shops/${fashion}/quick-replies?q=gb1`)).body.quickReplies[0].text).toBe('亲，满99元包邮哦');
      const bad = await owner.post(`/api/shops/${fashion}/quick-replies/import`, { format: 'csv', data: b64('just,a,header\r\n') });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('import.invalid_file');
      const huge = await owner.post(`/api/shops/${fashion}/quick-replies/import`, { format: 'csv', data: 'A'.repeat(7 * 1024 * 1024) });
      expect(huge.status).toBe(413);
    });

    it('exports CSV with a BOM and JSON that import back', async () => {
      const csv = await owner.get(`/api/shops/${outdoor}/quick-replies/export?format=csv`);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const raw = Buffer.from(await (await fetch(`${server.url}/api/shops/${outdoor}/quick-replies/export?format=csv`, { headers: { cookie: owner.cookie } })).arrayBuffer());
      expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const json = await owner.get(`/api/shops/${outdoor}/quick-replies/export?format=json`);
      const target = await makeShop(server);
      const back = await owner.post(`/api/shops/${target.id}/quick-replies/import`, { format: 'json', data: b64(JSON.stringify(json.body)) });
      expect(back.body.failed).toBe(0);
      expect(back.body.imported).toBe(json.body.quickReplies.length);
      const fromCsv = await owner.post(`/api/shops/${target.id}/quick-replies/import`, { format: 'csv', data: b64(csv.body as string) });
      // Same shortcuts again: every line with a shortcut is reported as taken, none silently duplicated.
      expect(fromCsv.body.imported + fromCsv.body.failed).toBe(json.body.quickReplies.length);
      expect(fromCsv.body.errors[0].message).toContain('已被使用');
    });

    it('classifies each buyer message, pushes bargaining replies on top to the agent, and learns from the pick', async () => {
      const a = await agentSocket(server, { cookie: agent.cookie } as never);
      const buyer = await bootstrapBuyer(server, outdoorShop);
      const b: WsClient = await buyerSocket(server, buyer);
      const ack = await buyerSay(b, '能便宜点吗');
      const frame = await a.next((f) => f.type === 'suggestions' && f.messageId === ack.id);
      expect(frame.scenario).toBe('bargain');
      const byId = new Map((await owner.get(`/api/shops/${outdoor}/quick-replies`)).body.quickReplies.map((q: any) => [q.id, q]));
      expect((byId.get(frame.items[0].id) as any).scenario).toBe('bargain');
      expect((byId.get(frame.items[1].id) as any).scenario).toBe('bargain');
      expect(frame.items[0].text).not.toContain('{买家称呼}');
      await assistOf(server.ctx).idle();
      const msg = await server.ctx.storage.db.selectFrom('messages').select('scenario').where('id', '=', ack.id).executeTakeFirstOrThrow();
      expect(msg.scenario).toBe('bargain');
      const conv = await server.ctx.storage.db.selectFrom('conversations').select('scenario').where('id', '=', ack.conversationId).executeTakeFirstOrThrow();
      expect(conv.scenario).toBe('bargain');
      // REST gives the same list (for a workbench that opened after the push).
      expect((await agent.get(`/api/shops/${outdoor}/conversations/${ack.conversationId}/suggestions`)).body.suggestions.items.map((i: any) => i.id)).toEqual(frame.items.map((i: any) => i.id));

      const pick = frame.items[1];
      a.send({ type: 'send', clientId: 'pick-1', conversationId: ack.conversationId, kind: 'text', text: pick.text });
      await b.next((f) => f.type === 'message' && f.message.text === pick.text);
      await eventually(async () => {
        await assistOf(server.ctx).idle();
        const stats = (await owner.get(`/api/shops/${outdoor}/suggestions/stats`)).body.stats as any[];
        return stats.find((s) => s.id === pick.id)?.picked === 1;
      });
      const stats = new Map(((await owner.get(`/api/shops/${outdoor}/suggestions/stats`)).body.stats as any[]).map((s) => [s.id, s]));
      expect(stats.get(frame.items[0].id)).toMatchObject({ shown: 1, picked: 0 });
      const reply = (await owner.get(`/api/shops/${outdoor}/quick-replies?q=${encodeURIComponent(pick.shortcut)}`)).body.quickReplies[0];
      expect(reply).toMatchObject({ uses: 1, conversations: 1, picked: 1 });

      // An answer of the agent's own counts a miss for every shown item.
      const ack2 = await buyerSay(b, '再便宜十块行不行');
      const f2 = await a.next((f) => f.type === 'suggestions' && f.messageId === ack2.id);
      a.send({ type: 'send', clientId: 'own-1', conversationId: ack.conversationId, kind: 'text', text: '亲，这个真的是最低价了呢' });
      await b.next((f) => f.type === 'message' && f.message.clientId === 'own-1');
      await eventually(async () => {
        await assistOf(server.ctx).idle();
        const s = ((await owner.get(`/api/shops/${outdoor}/suggestions/stats`)).body.stats as any[]).find((x) => x.id === f2.items[0].id);
        return s && s.shown >= 1 && s.picked === 0 ? true : s?.shown >= 2;
      });

      // Explicit feedback checks ids belong to the shop.
      const foreign = (await owner.get(`/api/shops/${fashion}/quick-replies`)).body.quickReplies[0].id;
      expect((await agent.post(`/api/shops/${outdoor}/suggestions/feedback`, { conversationId: ack.conversationId, shownIds: [foreign], pickedId: null })).status).toBe(404);
      expect((await agent.post(`/api/shops/${outdoor}/suggestions/feedback`, { conversationId: ack.conversationId, shownIds: [frame.items[0].id], pickedId: frame.items[0].id })).status).toBe(204);
      a.close();
      b.close();
    });

    it("fills the buyer's latest order into suggestions, and a shipped order's tracking number at once (not after the cache's time)", async () => {
      const a = await agentSocket(server, { cookie: agent.cookie } as never);
      const buyer = await bootstrapBuyer(server, outdoorShop);
      const b: WsClient = await buyerSocket(server, buyer);
      const first = await buyerSay(b, '在吗');
      const conv = await server.ctx.storage.db.selectFrom('conversations').select('buyer_id').where('id', '=', first.conversationId).executeTakeFirstOrThrow();
      const created = await owner.post(`/api/shops/${outdoor}/orders`, {
        externalId: 'T-ORDER-VARS', buyerId: conv.buyer_id, items: [{ sku: 'HK-01', quantity: 1, price: 399 }], status: 'paid', paidAmount: 399,
      });
      expect(created.status).toBe(201);
      const tracking = async (text: string) => {
        const ack = await buyerSay(b, text);
        const frame = await a.next((f) => f.type === 'suggestions' && f.messageId === ack.id);
        return (frame.items as Array<{ text: string }>).map((i) => i.text).join('\n');
      };
      const before = await tracking('快递单号是多少');
      // The paid order is read and kept for the buyer; it has no tracking number yet, so that placeholder stays.
      expect(before).toContain('{物流单号}');
      const shipped = await owner.post(`/api/shops/${outdoor}/orders/${created.body.order.id}/actions`, { type: 'ship', courier: '顺丰速运', trackingNo: 'SF1234567890' });
      expect(shipped.status).toBe(200);
      // The order's event drops the cached order: the next question has the tracking number, well inside the cache's 15 s.
      const after = await tracking('发一下快递单号');
      expect(after).toContain('顺丰速运发出，物流单号是SF1234567890');
      a.close();
      b.close();
    });

    it('stores a repeated question with its scenario as it is written; a conversation takes its latest classified message\'s', async () => {
      const svc = assistOf(server.ctx);
      const db = server.ctx.storage.db;
      const shop = outdoorShop;
      const a = await agentSocket(server, { cookie: agent.cookie } as never);
      const text = '这双鞋子包邮吗亲';
      const scenarioOf = async (id: string) => (await db.selectFrom('messages').select('scenario').where('id', '=', id).executeTakeFirstOrThrow()).scenario;
      const b1 = await buyerSocket(server, await bootstrapBuyer(server, shop));
      const first = await buyerSay(b1, text);
      await a.next((f) => f.type === 'suggestions' && f.messageId === first.id);
      expect(svc.knownScenario(outdoor, text)).toBeNull(); // asked once: not noted (the long tail of one-off texts)

      // Another buyer asks the same: classified again (the scenario written afterwards), and now noted.
      const b2 = await buyerSocket(server, await bootstrapBuyer(server, shop));
      const again = await buyerSay(b2, text);
      await a.next((f) => f.type === 'suggestions' && f.messageId === again.id && f.scenario === 'shipping_fee');
      expect(svc.knownScenario(outdoor, text)).toBe('shipping_fee');
      expect(svc.knownScenario(fashion, text)).toBeNull();
      await svc.idle();
      expect(await scenarioOf(again.id)).toBe('shipping_fee');

      // Asked a third time: the row has its scenario when the message is acknowledged (nothing written afterwards).
      const third = await buyerSay(b2, text);
      expect(await scenarioOf(third.id)).toBe('shipping_fee');
      const thirdFrame = await a.next((f) => f.type === 'suggestions' && f.messageId === third.id);
      expect(thirdFrame.items.map((i: any) => i.id)).toEqual((await a.next((f) => f.type === 'suggestions' && f.messageId === again.id)).items.map((i: any) => i.id));
      // And once the module knows the conversation (its variables, the assigned agent's name: read on the way that
      // waits), the suggestions are computed at once from caches, and still sent after the message's own frame.
      await svc.idle();
      const counts = { ...svc.counts };
      const fourth = await buyerSay(b2, text);
      const fourthFrame = await a.next((f) => f.type === 'suggestions' && f.messageId === fourth.id);
      expect({ atOnce: svc.counts.atOnce - counts.atOnce, storedWithScenario: svc.counts.storedWithScenario - counts.storedWithScenario }).toEqual({ atOnce: 1, storedWithScenario: 1 });
      expect(a.frames.findIndex((f) => f.type === 'message' && f.message.id === fourth.id)).toBeLessThan(a.frames.indexOf(fourthFrame));
      expect(fourthFrame.items).toEqual(thirdFrame.items);

      // A new question (classified in the worker, its scenario written later) and right behind it the known one: the
      // conversation ends with the later message's scenario, not the one written last.
      const b3 = await buyerSocket(server, await bootstrapBuyer(server, shop));
      const hello = await buyerSay(b3, '在吗');
      // Routed first (routing gives a new session the scenario of its first text).
      await eventually(async () => (await db.selectFrom('conversations').select('status').where('id', '=', hello.conversationId).executeTakeFirstOrThrow()).status !== 'open');
      const [fresh, known] = await Promise.all([buyerSay(b3, '鞋底会不会开胶呀老板'), buyerSay(b3, text)]);
      expect(known.seq).toBeGreaterThan(fresh.seq);
      expect(await scenarioOf(known.id)).toBe('shipping_fee');
      await a.next((f) => f.type === 'suggestions' && f.messageId === known.id);
      await svc.idle();
      const freshScenario = await scenarioOf(fresh.id);
      expect(freshScenario).toBeTruthy();
      expect(freshScenario).not.toBe('shipping_fee');
      expect((await db.selectFrom('conversations').select('scenario').where('id', '=', known.conversationId).executeTakeFirstOrThrow()).scenario).toBe('shipping_fee');
      for (const c of [a, b1, b2, b3]) c.close();
    });

    it('names suggestion items and lists a socket already has by number when it asks for that; other sockets get them whole', async () => {
      const shop = outdoorShop;
      const numbered = await WsClient.open(`${server.url.replace(/^http/, 'ws')}/ws/agent`, { cookie: agent.cookie });
      numbered.send({ type: 'hello', v: 1, suggestionRefs: true });
      await numbered.next((f) => f.type === 'welcome');
      const plain = await agentSocket(server, { cookie: agent.cookie } as never);
      const table = newSuggestionRefTable();
      type WireItem = { ref?: number; def?: number };
      const both = async (text: string) => {
        const b = await buyerSocket(server, await bootstrapBuyer(server, shop));
        const ack = await buyerSay(b, text);
        const whole = await plain.next((f) => f.type === 'suggestions' && f.messageId === ack.id);
        const wire = await numbered.next((f) => f.type === 'suggestions' && f.messageId === ack.id);
        b.close();
        expect(whole.items.length).toBeGreaterThan(0);
        expect({ ...wire, items: expandSuggestionItems(wire.items, table) }).toEqual(whole);
        return wire.items as { list: number; items?: WireItem[] };
      };
      // The first question: a list of new items, each whole under its number.
      const first = await both('能不能便宜一点呀');
      expect(first.items!.every((i) => typeof i.def === 'number')).toBe(true);
      // Another buyer, the same question: the very same ranked list, by its number alone.
      expect(await both('能不能便宜一点呀')).toEqual({ list: first.list });
      // Another question: a new list; its new items come whole, under new numbers.
      const third = await both('发什么快递，几天能到');
      expect(third.list).toBeGreaterThan(first.list);
      expect(third.items!.some((i) => typeof i.def === 'number' && !first.items!.some((f) => f.def === i.def))).toBe(true);
      // Bargaining asked in other words: other reasons (the words it shares with each reply), so a new list, but the
      // replies the socket already has come by number.
      const fourth = await both('便宜点可以吗，老顾客了');
      expect(fourth.items!.some((i) => i.ref !== undefined && first.items!.some((f) => f.def === i.ref))).toBe(true);
      numbered.close();
      plain.close();
    });

    it('answers automatically only when the shop turned it on', async () => {
      const shop = await makeShop(server, { name: '自动回答测试店' });
      const { seedAssistShop } = await import('../../demo/seed-assist.js');
      await seedAssistShop(server.ctx, shop.id, 'outdoor_shoes');
      const own = await makeAgent(server, shop, { role: 'owner' });
      const buyer = await bootstrapBuyer(server, shop);
      const b = await buyerSocket(server, buyer);
      const q = '能开发票吗';
      const probe = await own.api.post(`/api/shops/${shop.id}/classify`, { text: q });
      expect(probe.body.confidence).toBeGreaterThan(0.85);
      const ack1 = await buyerSay(b, q);
      await assistOf(server.ctx).idle();
      expect(b.messages(ack1.conversationId).filter((m) => m.sender === 'auto' && m.clientId.startsWith('aa_'))).toHaveLength(0);
      expect((await own.api.request('PUT', `/api/shops/${shop.id}/assist/settings`, { autoAnswer: true, minConfidence: 0.5 })).status).toBe(400);
      expect((await own.api.request('PUT', `/api/shops/${shop.id}/assist/settings`, { autoAnswer: true })).status).toBe(200);
      const ack2 = await buyerSay(b, q);
      const auto = await b.next((f) => f.type === 'message' && f.message.sender === 'auto' && f.message.clientId === `aa_${ack2.id}`);
      expect(auto.message.text.length).toBeGreaterThan(5);
      // Never for bargaining.
      const ack3 = await buyerSay(b, '能便宜点吗');
      await assistOf(server.ctx).idle();
      expect(b.frames.some((f) => f.type === 'message' && f.message.clientId === `aa_${ack3.id}`)).toBe(false);
      b.close();
    });

    it('ranks in the worker thread: frames in message order, the changed library and model used, nothing lost when it crashes', async () => {
      const svc = assistOf(server.ctx);
      await svc.warm();
      const firstThread = svc.offload.threadId;
      expect(firstThread).not.toBeNull();
      const shop = await makeShop(server, { name: '推荐线程测试店' });
      const { seedAssistShop } = await import('../../demo/seed-assist.js');
      await seedAssistShop(server.ctx, shop.id, 'outdoor_shoes');
      const own = await makeAgent(server, shop, { role: 'owner' });
      const a = await agentSocket(server, own);
      const b = await buyerSocket(server, await bootstrapBuyer(server, shop));
      const frameOf = (id: string, ms = 5000) => a.next((f) => f.type === 'suggestions' && f.messageId === id, ms);
      const fromWorker = svc.offload.counts.worker;

      // Pipelined messages of one conversation: one frame each, in message order.
      const acks = await Promise.all(['能便宜点吗', '包邮吗', '今天能发货吗', '是正品吗', '好的谢谢'].map((t) => buyerSay(b, t)));
      const frames = await Promise.all(acks.map((k) => frameOf(k.id)));
      expect(frames.map((f) => f.scenario)).toEqual(['bargain', 'shipping_fee', 'ship_time', 'authenticity', 'thanks_bye']);
      const pushed = a.frames.filter((f) => f.type === 'suggestions' && acks.some((k) => k.id === f.messageId)).map((f) => f.seq);
      expect(pushed).toEqual(acks.map((k) => k.seq).sort((x, y) => x - y));
      expect(svc.offload.counts.worker - fromWorker).toBeGreaterThanOrEqual(acks.length);

      // A new reply is ranked as soon as the library changed.
      const created = await own.api.post(`/api/shops/${shop.id}/quick-replies`, { scenario: 'bargain', title: '菠萝蜜色专属券', text: '亲，菠萝蜜色今天可以领专属优惠券哦', keywords: ['菠萝蜜色'] });
      expect(created.status).toBe(201);
      const f1 = await frameOf((await buyerSay(b, '菠萝蜜色能便宜点吗')).id);
      expect(f1.items[0].id).toBe(created.body.quickReply.id);

      // Asked again, the answer is kept; from then on it comes from the main thread's cache, not the worker — until a pick.
      const hits = svc.ranked.hits;
      const w0 = svc.offload.counts.worker;
      const again = await frameOf((await buyerSay(b, '菠萝蜜色能便宜点吗')).id);
      const thirdAck = await buyerSay(b, '菠萝蜜色能便宜点吗');
      const third = await frameOf(thirdAck.id);
      expect(svc.ranked.hits).toBe(hits + 1);
      expect(svc.offload.counts.worker).toBe(w0 + 1);
      expect(third.items).toEqual(again.items);
      a.send({ type: 'send', clientId: 'pick-kept', conversationId: thirdAck.conversationId, kind: 'text', text: third.items[1].text });
      await b.next((f) => f.type === 'message' && f.message.clientId === 'pick-kept');
      await svc.idle();
      const w1 = svc.offload.counts.worker;
      const afterPick = await frameOf((await buyerSay(b, '菠萝蜜色能便宜点吗')).id);
      expect(svc.offload.counts.worker).toBe(w1 + 1);
      expect(afterPick.items.map((i: { id: string }) => i.id)).toContain(third.items[1].id);

      if (opts.full !== false) {
        // A retrained model reaches the worker too.
        const text = '老铁有菠萝蜜色吗';
        expect((await frameOf((await buyerSay(b, text)).id)).scenario).not.toBe('stock');
        await own.api.post(`/api/shops/${shop.id}/classifier/examples`, { examples: ['老铁有菠萝蜜色吗', '菠萝蜜色还有吗', '老铁菠萝蜜色有货不', '菠萝蜜色啥时候有'].map((t) => ({ text: t, scenario: 'stock' })) });
        expect((await own.api.post(`/api/shops/${shop.id}/classifier/retrain`)).body.examples).toBe(4);
        expect((await frameOf((await buyerSay(b, text)).id)).scenario).toBe('stock');
      }

      // The worker dies with messages on their way: each still gets its frame, and a new worker takes over.
      const restarts = svc.offload.counts.restarts;
      const sending = ['能便宜点吗', '退货运费谁出', '鞋子开胶了怎么办'].map((t) => buyerSay(b, t));
      await svc.offload.killWorker();
      const after = await Promise.all(sending);
      expect((await Promise.all(after.map((k) => frameOf(k.id, 20_000)))).map((f) => f.scenario)).toEqual(['bargain', 'return_shipping', 'quality_problem']);
      expect(svc.offload.counts.restarts).toBe(restarts + 1);
      expect(svc.offload.threadId).not.toBe(firstThread);
      const workerNow = svc.offload.counts.worker;
      expect((await frameOf((await buyerSay(b, '能开发票吗')).id, 20_000)).scenario).toBe('invoice');
      expect(svc.offload.counts.worker).toBe(workerNow + 1);
      a.close();
      b.close();
    });

    it.runIf(opts.full !== false)('retrains a per-shop model from its own examples and persists it', async () => {
      const text = '老铁有菠萝蜜色吗';
      const before = (await owner.post(`/api/shops/${fashion}/classify`, { text })).body.scenario;
      expect((await agent.post(`/api/shops/${fashion}/classifier/examples`, { examples: [{ text, scenario: 'stock' }] })).status).toBe(403);
      const add = await owner.post(`/api/shops/${fashion}/classifier/examples`, {
        examples: ['老铁有菠萝蜜色吗', '菠萝蜜色还有吗', '老铁菠萝蜜色有货不', '菠萝蜜色啥时候有', '老铁这个菠萝蜜色还能拍吗'].map((t) => ({ text: t, scenario: 'stock' })),
      });
      expect(add.status).toBe(201);
      const trained = assistOf(server.ctx).offload.counts.trainedInWorker;
      const r = await owner.post(`/api/shops/${fashion}/classifier/retrain`);
      expect(r.body.examples).toBe(5);
      expect(assistOf(server.ctx).offload.counts.trainedInWorker).toBe(trained + 1);
      expect((await owner.post(`/api/shops/${fashion}/classify`, { text })).body.scenario).toBe('stock');
      expect(before).not.toBe('stock');
      // Another shop keeps the default model.
      expect((await owner.get(`/api/shops/${outdoor}/classifier`)).body.model.custom).toBe(false);
      const info = (await owner.get(`/api/shops/${fashion}/classifier`)).body;
      expect(info.model).toMatchObject({ custom: true, examples: 5 });
      const row = await server.ctx.storage.db.selectFrom('classifier_models').select('model').where('shop_id', '=', fashion).executeTakeFirstOrThrow();
      expect(JSON.parse(row.model).format).toBe('kefu-scenario-classifier');
      for (const e of info.examples) expect((await owner.request('DELETE', `/api/shops/${fashion}/classifier/examples/${e.id}`)).status).toBe(204);
      expect((await owner.post(`/api/shops/${fashion}/classifier/retrain`)).body.trainedAt).toBeNull();
      expect((await owner.get(`/api/shops/${fashion}/classifier`)).body.model.custom).toBe(false);
    });

    it('FAQ and product files: CRUD for owners, read-only for agents, 404 across shops', async () => {
      const f = await owner.post(`/api/shops/${outdoor}/faq`, { kind: 'transaction', scenario: 'invoice', question: '能开专票吗', answer: '亲，可以开增值税专用发票，请提供税号哦', keywords: ['专票'] });
      expect(f.status).toBe(201);
      expect((await agent.post(`/api/shops/${outdoor}/faq`, { kind: 'transaction', scenario: 'invoice', question: 'q', answer: 'a' })).status).toBe(403);
      expect((await owner.patch(`/api/shops/${outdoor}/faq/${f.body.faq.id}`, { answer: '亲，可以开专票～' })).body.faq.answer).toBe('亲，可以开专票～');
      expect((await owner.patch(`/api/shops/${fashion}/faq/${f.body.faq.id}`, { answer: 'x' })).status).toBe(404);
      expect((await owner.post(`/api/shops/${outdoor}/faq`, { kind: 'other', scenario: 'invoice', question: 'q', answer: 'a' })).status).toBe(400);
      expect((await owner.request('DELETE', `/api/shops/${outdoor}/faq/${f.body.faq.id}`)).status).toBe(204);

      const p = await owner.post(`/api/shops/${outdoor}/products`, { sku: 'T-1', name: '测试徒步袜', price: 39, sizes: ['M', 'L'], stock: { 灰色: { M: 3, L: 0 } }, material: [{ part: '面料', value: '美利奴羊毛 70%' }], sellingPoints: ['吸湿排汗'], cautions: ['手洗'] });
      expect(p.status).toBe(201);
      expect(p.body.product).toMatchObject({ sku: 'T-1', price: 39, stock: { 灰色: { M: 3, L: 0 } } });
      expect((await owner.post(`/api/shops/${outdoor}/products`, { sku: 'T-1', name: 'dup', price: 1 })).status).toBe(409);
      expect((await owner.patch(`/api/shops/${outdoor}/products/${p.body.product.id}`, { price: 45 })).body.product).toMatchObject({ price: 45, sellingPoints: ['吸湿排汗'] });
      expect((await agent.patch(`/api/shops/${outdoor}/products/${p.body.product.id}`, { price: 1 })).status).toBe(403);
      expect((await owner.get(`/api/shops/${fashion}/products/${p.body.product.id}`)).status).toBe(404);
      expect((await owner.request('DELETE', `/api/shops/${outdoor}/products/${p.body.product.id}`)).status).toBe(204);
    });
  });
}
