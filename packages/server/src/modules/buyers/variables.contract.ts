import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapBuyer, buyerSay, buyerSocket, cid, makeAgent, makeShop, type TestAgent, type TestShop, type WsClient } from '../../realtime/test/chat-harness.js';
import { type Engine, startTestServer, type TestServer } from '../../test/harness.js';
import { assistOf } from '../assist/assist.routes.js';

/** GET …/conversations/:id/variables (the workbench's `/` picker fills quick replies with it), SQLite and PostgreSQL. */
export function variablesContract(engine: Engine): void {
  describe(`conversation variables (${engine})`, () => {
    let server: TestServer;
    let shop: TestShop;
    let agent: TestAgent;
    const sockets: WsClient[] = [];

    beforeAll(async () => {
      server = await startTestServer(engine);
      shop = await makeShop(server, { name: '青禾户外' });
      agent = await makeAgent(server, shop, { name: '小禾' });
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await server?.cleanup();
    });

    async function chat(nickname: string, first: { kind: 'text' | 'product'; text?: string; payload?: unknown }): Promise<{ id: string; buyerId: string; ws: WsClient }> {
      const buyer = await bootstrapBuyer(server, shop, { nickname });
      const ws = await buyerSocket(server, buyer);
      sockets.push(ws);
      const clientId = cid('b');
      const from = ws.frames.length;
      ws.send({ type: 'send', clientId, ...first });
      const ack = await ws.next((f) => f.type === 'ack' && f.clientId === clientId, 5000, from);
      return { id: ack.conversationId, buyerId: buyer.buyerId, ws };
    }

    it("fills the buyer, shop, agent, the conversation's product card and the buyer's latest order", async () => {
      const c = await chat('爬山的阿杰', { kind: 'product', payload: { productId: 'p-77', title: '高帮防水登山鞋', price: 399 } });
      const older = await agent.api.post(`/api/shops/${shop.id}/orders`, {
        externalId: 'T-1001', buyerId: c.buyerId, items: [{ sku: 'old', quantity: 1, price: 59 }], createdAt: new Date(Date.now() - 86_400_000).toISOString(), status: 'completed',
      });
      expect(older.status).toBe(201);
      const latest = await agent.api.post(`/api/shops/${shop.id}/orders`, {
        externalId: 'T-2002', buyerId: c.buyerId, items: [{ sku: 'boot', quantity: 1, price: 399 }], status: 'shipped', paidAmount: 379,
        courier: '中通快递', trackingNo: '73512846590231',
        address: { name: '张三', phone: '13800001111', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号' },
      });
      expect(latest.status).toBe(201);
      await buyerSay(c.ws, '我的鞋到哪了？');
      const res = await agent.api.get(`/api/shops/${shop.id}/conversations/${c.id}/variables`);
      expect(res.status).toBe(200);
      expect(res.body.variables).toMatchObject({
        买家称呼: '爬山的阿杰', 店铺: '青禾户外', 客服: '小禾', 商品: '高帮防水登山鞋',
        订单号: 'T-2002', 快递: '中通快递', 物流单号: '73512846590231', 金额: '379', 收货地址: '浙江省杭州市西湖区文三路 100 号',
      });
      // The phone and name never travel in a variable.
      expect(JSON.stringify(res.body)).not.toContain('13800001111');
    });

    it('leaves the order variables out for a buyer without orders', async () => {
      const c = await chat('只是看看', { kind: 'text', text: '这个有货吗' });
      const res = await agent.api.get(`/api/shops/${shop.id}/conversations/${c.id}/variables`);
      expect(res.status).toBe(200);
      expect(res.body.variables).toMatchObject({ 买家称呼: '只是看看', 店铺: '青禾户外' });
      for (const k of ['订单号', '物流单号', '快递', '金额', '收货地址', '商品']) expect(res.body.variables).not.toHaveProperty(k);
    });

    it("takes the buyer's own latest order when other buyers ordered later, through the (shop, buyer, created_at) index", async () => {
      const c = await chat('老顾客', { kind: 'text', text: '我的快递到哪了' });
      const day = 86_400_000;
      const order = (externalId: string, buyerId: string, ago: number, trackingNo: string) =>
        agent.api.post(`/api/shops/${shop.id}/orders`, {
          externalId, buyerId, items: [{ sku: 'tee', quantity: 1, price: 89 }], status: 'shipped', courier: '韵达快递', trackingNo, createdAt: new Date(Date.now() - ago).toISOString(),
        });
      expect((await order('T-3001', c.buyerId, 3 * day, 'YD-OLD')).status).toBe(201);
      expect((await order('T-3002', c.buyerId, 2 * day, 'YD-MINE')).status).toBe(201);
      // Newer orders of other buyers of the shop: the lookup must not take (or walk through) them.
      for (let i = 0; i < 4; i++) {
        const other = await bootstrapBuyer(server, shop, { nickname: `别的买家${i}` });
        expect((await order(`T-31${i}`, other.buyerId, day - i * 1000, `YD-OTHER-${i}`)).status).toBe(201);
      }
      const res = await agent.api.get(`/api/shops/${shop.id}/conversations/${c.id}/variables`);
      expect(res.status).toBe(200);
      expect(res.body.variables).toMatchObject({ 订单号: 'T-3002', 物流单号: 'YD-MINE' });
      if (engine === 'sqlite') {
        const q = assistOf(server.ctx).repo.latestOrderQuery(shop.id, c.buyerId);
        const plan = await server.ctx.storage.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
        const detail = plan.rows.map((r) => r.detail).join(' | ');
        // A seek to the buyer's newest order; not the shop's orders newest first with a filter, nor a sort.
        expect(detail).toContain('orders_shop_buyer_created');
        expect(detail).not.toContain('TEMP B-TREE');
      }
    });

    it("answers 404 for another shop's conversation or an unknown id", async () => {
      const c = await chat('别家的买家', { kind: 'text', text: '在吗' });
      const otherShop = await makeShop(server, { name: '别家店' });
      const stranger = await makeAgent(server, otherShop, { name: '路人' });
      expect((await stranger.api.get(`/api/shops/${shop.id}/conversations/${c.id}/variables`)).status).toBe(404);
      expect((await stranger.api.get(`/api/shops/${otherShop.id}/conversations/${c.id}/variables`)).status).toBe(404);
      expect((await agent.api.get(`/api/shops/${shop.id}/conversations/conv_missing/variables`)).status).toBe(404);
    });
  });
}
