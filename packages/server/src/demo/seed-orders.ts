import type { AppContext } from '../app-context.js';
import { commerceOf } from '../modules/orders/commerce.js';
import { newId } from '../storage/ids.js';
import type { DemoShops } from './seed-demo.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const shoe = (sku: string, title: string, price: number, size: string, color = '岩石灰') => ({ sku, title, quantity: 1, price, spec: { 颜色: color, 尺码: size } });

/**
 * Demo orders of the outdoor shop: a VIP who has not bought for months (segment 90 天未购的 VIP), a buyer
 * who just paid (after-payment prompt), and one unpaid order with a running reminder plan whose buyer
 * chatted before (profile estimate with evidence).
 */
export async function seedOrders(ctx: AppContext, shops: DemoShops): Promise<void> {
  const { orders } = commerceOf(ctx);
  const shopId = shops.outdoorShopId;
  const t = Date.now();
  const meta = { source: 'demo' as const, actor: 'demo' };
  const addr = (name: string, phone: string, city: string, detail: string) => ({ name, phone, province: '浙江省', city, district: '西湖区', detail });

  for (const [i, days] of [200, 160, 120].entries()) {
    await orders.upsert(
      shopId,
      {
        externalId: `DEMO-VIP-${i + 1}`,
        buyerNick: '山路十八弯',
        items: [shoe('QH-HIKE-01', '青禾轻量防水徒步鞋', 399, '42')],
        createdAt: iso(t - days * DAY),
        status: 'completed',
        paidAt: iso(t - days * DAY + 120_000),
        address: addr('陈山', '13900001111', '杭州市', '文一西路 588 号'),
      },
      meta,
    );
  }
  await orders.upsert(
    shopId,
    {
      externalId: 'DEMO-PAID-1',
      buyerNick: '周末去爬山',
      items: [shoe('QH-TRAIL-02', '青禾越野跑鞋', 459, '40', '雾蓝')],
      createdAt: iso(t - 2 * 3600_000),
      status: 'paid',
      paidAt: iso(t - 3600_000),
      address: addr('李周', '13700002222', '杭州市', '古墩路 99 号'),
    },
    meta,
  );

  // The unpaid order's buyer chatted before ordering (buyer messages feed the profile estimate).
  const db = ctx.storage.db;
  const buyerId = newId('buyer', t);
  await db.insertInto('buyers').values({ id: buyerId, shop_id: shopId, anon_id: null, external_id: 'demo-buyer-deer', nickname: '犹豫的小鹿', created_at: t - 3600_000, last_seen_at: t, last_agent_id: null }).execute();
  await db
    .insertInto('buyer_profiles')
    .values({ buyer_id: buyerId, shop_id: shopId, group_override: null, profile: null, phone: '13800000000', real_name: '林小鹿', updated_at: t })
    .execute();
  const conv = newId('conv', t);
  await db
    .insertInto('conversations')
    .values({
      id: conv, shop_id: shopId, buyer_id: buyerId, status: 'closed', assigned_agent_id: null, group_id: null, scenario: null, last_seq: 0,
      last_message_at: null, waiting_since: null, queued_at: null, unread: 0, agent_read_seq: 0, buyer_read_seq: 0,
      session_started_at: t - 3600_000, created_at: t - 3600_000, updated_at: t, closed_at: t,
    })
    .execute();
  const lines = [
    '你好，这双徒步鞋是正品吗？有没有防伪验证的',
    '我脚长26.5，42码和43码有什么区别，会不会挤脚',
    '价格能便宜点吗？包邮吗，有没有优惠券',
    '我再考虑一下，纠结灰色还是蓝色',
  ];
  await db.transaction().execute(async (trx) => {
    for (const [i, text] of lines.entries()) {
      await ctx.chat.conversations.writer.appendIn(trx, { shopId, conversationId: conv, clientId: `demo_deer_${i}`, sender: 'buyer', agentId: null, kind: 'text', text, payload: null });
    }
  });
  await orders.upsert(
    shopId,
    {
      externalId: 'DEMO-UNPAID-1',
      buyerId,
      items: [shoe('QH-HIKE-01', '青禾轻量防水徒步鞋', 399, '42')],
      address: addr('林小鹿', '13800000000', '杭州市', '文三路 100 号'),
      status: 'unpaid',
    },
    meta,
  );
}
