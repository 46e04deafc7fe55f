import { DEFAULT_STEP_SCRIPTS, makeZone, OUTCOME_WINDOW_MS } from '@kefu/core';
import type { Insertable } from 'kysely';
import type { AppContext } from '../app-context.js';
import { rng } from '../modules/analytics/generate.js';
import { rebuildShop } from '../modules/analytics/rollup.store.js';
import type { BuyersTable, ConversationsTable, MessagesTable, OrdersTable, ReplyUsageTable, UrgeRemindersTable } from '../storage/schema.js';
import type { DemoSeeder } from './seed-demo.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

/** Buyer questions per scenario, with the reply an agent gives (written for the demo). */
const TALK: Record<string, { ask: string[]; reply: string[] }> = {
  product_info: {
    ask: ['这双鞋下雨天穿会不会进水', '鞋底是什么材料的，耐磨吗', '冲锋衣里面有没有抓绒内胆', '这款背包能装下15寸电脑吗'],
    reply: ['亲，这款是防水膜面料，小雨和趟水都没问题的~', '鞋底是橡胶大底，耐磨防滑，走碎石路也稳', '有的亲，内胆可拆卸，春秋冬都能穿', '可以的，背部有独立电脑仓，15.6寸都放得下'],
  },
  size: {
    ask: ['我平时穿41，脚背有点高，拍几码', '身高170体重140斤穿什么码', '这个鞋偏大还是偏小', '给我爸买，他穿43的运动鞋'],
    reply: ['脚背高的话建议拍大半码，选42更舒服哦', '亲可以拿L码，喜欢宽松一点就拿XL', '这款是标准码，平时穿多大就拍多大', '运动鞋43的话这款也拍43，不合适支持换码'],
  },
  stock: {
    ask: ['42码的军绿色还有货吗', '黑色什么时候补货啊', '这个颜色是现货吗'],
    reply: ['有现货的亲，今天下单今天发', '黑色下周三到货，可以先拍下我们按顺序发', '是现货哦，放心拍'],
  },
  bargain: {
    ask: ['老板能便宜点吗', '两双一起买能少点不', '便宜二十我马上拍'],
    reply: ['亲，已经是活动价了，给您送一双运动袜哈', '两双可以用店铺满减券，下单自动减30', '价格是统一的哦，我给您申请个小礼物'],
  },
  promotion: {
    ask: ['现在有什么活动吗', '有没有优惠券可以领', '满多少包邮'],
    reply: ['现在满299减30，还可以叠加店铺券', '首页右上角可以领10元券哦', '全店满99包邮，偏远地区除外'],
  },
  shipping_fee: {
    ask: ['新疆包邮吗', '运费多少钱'],
    reply: ['新疆需要补10元运费哦亲', '满99包邮，不满的话运费8元'],
  },
  ship_time: {
    ask: ['今天下单什么时候发货', '能发顺丰吗，急用'],
    reply: ['下午四点前下单当天发', '可以的，补差价12元发顺丰，一般次日达'],
  },
  logistics: {
    ask: ['我的快递到哪了', '怎么三天了物流还没更新'],
    reply: ['帮您查了，已经到您所在城市的转运中心了，明天能派送', '抱歉亲，我这边联系快递催一下，有消息马上告诉您'],
  },
  return_refund: {
    ask: ['鞋子有点挤脚，可以退吗', '不想要了怎么退货'],
    reply: ['可以的亲，七天无理由，不影响二次销售就行', '在订单里点申请退货，我这边马上给您同意'],
  },
  quality_problem: {
    ask: ['才穿两次鞋底就开胶了', '衣服拉链拉不上'],
    reply: ['非常抱歉亲，麻烦拍个照片给我，给您换新或者退款', '抱歉给您添麻烦了，我们包邮给您换一件'],
  },
};
const GREETINGS = ['在吗', '你好，在不在', '亲，在吗', '老板在吗'];
const THANKS = ['好的谢谢', '那我拍了', '行，我考虑下', '收到，谢谢亲'];
const BYE = ['不客气亲，有问题随时找我哦~', '好的亲，拍下后我们尽快安排发货', '感谢支持，祝您生活愉快！'];
const AUTO = '您好，欢迎光临，客服小美/小雅马上为您服务~ 您可以先说说想了解哪款商品哦';
const NAME_A = ['爱爬山的', '周末徒步', '城市', '山野', '追风的', '快乐', '不想上班的', '早起的', '认真生活的', '骑行'];
const NAME_B = ['小鹿', '阿杰', '大熊', '橙子', '阿May', '老王', '七七', '小林', '木木', '豆豆', '阿飞', '小夏'];

interface Plan {
  shopId: string;
  /** Agents and how much each takes. */
  agents: Array<{ id: string; weight: number; speed: number }>;
  perDay: number;
  prefix: string;
}

/**
 * Two weeks of history for the demo shops: buyers asking in natural Chinese across scenarios, auto greetings,
 * replies by 小美/小雅 (some slow, a few unanswered), and orders created and paid after the chat (some never paid,
 * some refunded, a few silent buyers). Written as rows with their historical times (the services stamp "now"),
 * then rolled up by the same fact builder the live writer uses.
 */
export async function seedAnalyticsShop(ctx: AppContext, plan: Plan, now = Date.now()): Promise<void> {
  const db = ctx.storage.db;
  const shop = await db.selectFrom('shops').select('time_zone').where('id', '=', plan.shopId).executeTakeFirstOrThrow();
  const zone = makeZone(shop.time_zone);
  const today = zone.dayOf(now);
  const r = rng(plan.prefix.length * 7919 + plan.perDay);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const buyers: Insertable<BuyersTable>[] = [];
  const convs: Insertable<ConversationsTable>[] = [];
  const msgs: Insertable<MessagesTable>[] = [];
  const orders: Insertable<OrdersTable>[] = [];
  const usage: Insertable<ReplyUsageTable>[] = [];
  const replies = await db.selectFrom('quick_replies').select(['id', 'scenario']).where('shop_id', '=', plan.shopId).execute().catch(() => []);
  const scenarios = Object.keys(TALK);
  const totalWeight = plan.agents.reduce((s, a) => s + a.weight, 0);
  const agentFor = (): Plan['agents'][number] => {
    let x = r() * totalWeight;
    for (const a of plan.agents) if ((x -= a.weight) <= 0) return a;
    return plan.agents[0]!;
  };
  let n = 0;
  for (let d = today - 13; d <= today; d++) {
    const dayStart = zone.dayStartUtc(d);
    const weekend = new Date(dayStart + 12 * HOUR).getUTCDay() % 6 === 0;
    const count = Math.round(plan.perDay * (weekend ? 1.3 : 1) * (0.8 + r() * 0.4));
    for (let k = 0; k < count; k++) {
      // Busy hours: late morning, after lunch and the evening.
      const hour = pick([9, 10, 10, 11, 13, 14, 15, 16, 19, 20, 20, 21, 21, 22]);
      let t = dayStart + hour * HOUR + Math.floor(r() * HOUR);
      if (t > now - 5 * MIN) continue;
      n++;
      const id = `${plan.prefix}_b${n}`;
      const conv = `${plan.prefix}_c${n}`;
      const nick = `${pick(NAME_A)}${pick(NAME_B)}${n % 97}`;
      buyers.push({ id, shop_id: plan.shopId, anon_id: null, external_id: `demo-${plan.prefix}-${n}`, nickname: nick, created_at: t, last_seen_at: t, last_agent_id: null });
      let seq = 0;
      const add = (sender: string, agentId: string | null, text: string, scenario: string | null): void => {
        seq++;
        msgs.push({ id: `${conv}_${seq}`, shop_id: plan.shopId, conversation_id: conv, seq, client_id: `demo${seq}`, sender, agent_id: agentId, kind: 'text', text, payload: null, created_at: t, scenario });
      };
      const agent = agentFor();
      const scen = pick(scenarios);
      const talk = TALK[scen]!;
      if (r() < 0.6) {
        add('buyer', null, pick(GREETINGS), 'greeting');
        t += 2 * SEC;
        add('auto', null, AUTO, null);
        t += Math.floor(5 + r() * 40) * SEC;
      }
      const turns = 1 + Math.floor(r() * 3);
      let answered = true;
      let lastAgentAt: number | null = null;
      for (let j = 0; j < turns; j++) {
        const i = Math.floor(r() * talk.ask.length);
        add('buyer', null, talk.ask[i]!, scen);
        const x = r();
        if (x < 0.05 && j === turns - 1) {
          answered = false;
          break;
        }
        t += Math.floor((x < 0.15 ? 60 + r() * 400 : 6 + r() * 50) * agent.speed) * SEC;
        if (t > now) break;
        add('agent', agent.id, talk.reply[i % talk.reply.length]!, null);
        lastAgentAt = t;
        const qr = replies.find((q) => q.scenario === scen);
        if (qr && r() < 0.5) usage.push({ id: `${conv}_u${seq}`, shop_id: plan.shopId, conversation_id: conv, buyer_id: id, reply_id: qr.id, agent_id: agent.id, at: t });
        t += Math.floor(20 + r() * 120) * SEC;
      }
      if (answered && r() < 0.5 && t < now) {
        add('buyer', null, pick(THANKS), 'thanks_bye');
        t += Math.floor((8 + r() * 40) * agent.speed) * SEC;
        if (r() < 0.85 && t < now) add('agent', agent.id, pick(BYE), null);
      }
      convs.push({
        id: conv, shop_id: plan.shopId, buyer_id: id, status: 'closed', assigned_agent_id: lastAgentAt ? agent.id : null, group_id: null, scenario: scen,
        last_seq: seq, last_message_at: t, waiting_since: null, queued_at: null, unread: 0, agent_read_seq: seq, buyer_read_seq: seq,
        session_started_at: buyers[buyers.length - 1]!.created_at, created_at: buyers[buyers.length - 1]!.created_at, updated_at: t, closed_at: t,
      });
      // About 45% order after asking, most of them pay within the hour; some later, some never.
      if (lastAgentAt !== null && r() < 0.45) {
        const created = t + Math.floor(r() * (r() < 0.8 ? 1 : 30) * HOUR);
        if (created < now) {
          const paid = r() < 0.72 ? created + Math.floor(r() * (r() < 0.85 ? 20 * MIN : 20 * HOUR)) : null;
          orders.push(demoOrder(plan, `${plan.prefix}-${n}`, id, nick, created, paid !== null && paid < now ? paid : null, r));
        }
      }
    }
    // Silent buyers: order without asking.
    for (let k = 0; k < Math.round(plan.perDay * 0.08); k++) {
      const created = dayStart + (9 + Math.floor(r() * 13)) * HOUR + Math.floor(r() * HOUR);
      if (created > now) continue;
      n++;
      const nick = `${pick(NAME_A)}${pick(NAME_B)}${n % 97}`;
      orders.push(demoOrder(plan, `${plan.prefix}-${n}`, null, nick, created, created + 3 * MIN < now ? created + 3 * MIN : null, r));
    }
  }
  await db.transaction().execute(async (trx) => {
    const put = async (table: 'buyers' | 'conversations' | 'messages' | 'orders' | 'reply_usage', rows: readonly object[]): Promise<void> => {
      for (let i = 0; i < rows.length; i += 50) await trx.insertInto(table).values(rows.slice(i, i + 50) as never).execute();
    };
    await put('buyers', buyers);
    await put('conversations', convs);
    await put('messages', msgs);
    await put('orders', orders);
    if (usage.length) await put('reply_usage', usage).catch(() => undefined);
    // Payment reminders the urging module would have sent for these orders (30 min and 24 h after the order while
    // unpaid), with their script statistics, so the dashboard and the urging page have a history.
    const reminders = demoReminders(plan.shopId, orders, now, r);
    for (let i = 0; i < reminders.length; i += 50) await trx.insertInto('urge_reminders').values(reminders.slice(i, i + 50)).execute();
    const paidAt = new Map(orders.map((o) => [o.id!, o.paid_at == null ? null : Number(o.paid_at)]));
    const stats = new Map<string, { script_id: string; step: number; sent: number; outcomes: number; paid: number }>();
    for (const x of reminders) {
      const paid = paidAt.get(x.order_id) ?? null;
      const key = `${x.script_id}/${x.step}`;
      const st = stats.get(key) ?? { script_id: x.script_id, step: x.step, sent: 0, outcomes: 0, paid: 0 };
      st.sent++;
      const paidIn = paid !== null && paid - x.sent_at <= OUTCOME_WINDOW_MS;
      if (paidIn || now - x.sent_at > OUTCOME_WINDOW_MS) {
        st.outcomes++;
        if (paidIn) st.paid++;
      }
      stats.set(key, st);
    }
    if (stats.size) await trx.insertInto('urge_script_stats').values([...stats.values()].map((x) => ({ shop_id: plan.shopId, ...x }))).execute();
  });
  await rebuildShop(db, plan.shopId);
}

function demoReminders(shopId: string, orders: readonly Insertable<OrdersTable>[], now: number, r: () => number): UrgeRemindersTable[] {
  const out: UrgeRemindersTable[] = [];
  for (const o of orders) {
    const created = Number(o.created_at);
    const paid = o.paid_at == null ? null : Number(o.paid_at);
    const used: string[] = [];
    [30 * MIN, 24 * HOUR].forEach((after, step) => {
      const at = created + after + Math.floor(r() * MIN);
      if (at >= now || (paid !== null && paid <= at) || o.refund_status === 'refunded') return;
      const choices = DEFAULT_STEP_SCRIPTS[step]!.filter((x) => !used.includes(x));
      const script = choices[Math.floor(r() * choices.length)]!;
      used.push(script);
      out.push({ order_id: o.id!, step, shop_id: shopId, script_id: script, sent_at: at });
    });
  }
  return out;
}

function demoOrder(plan: Plan, ext: string, buyerId: string | null, nick: string, created: number, paid: number | null, r: () => number): Insertable<OrdersTable> {
  const price = [129, 199, 259, 329, 399, 459, 599][Math.floor(r() * 7)]!;
  const qty = r() < 0.2 ? 2 : 1;
  const amount = Math.round(price * qty * (r() < 0.3 ? 0.9 : 1) * 100) / 100;
  const refunded = paid !== null && r() < 0.06;
  return {
    id: `ord_${ext}`, shop_id: plan.shopId, external_id: `DEMO-KPI-${ext}`, buyer_id: buyerId, buyer_nick: nick,
    status: refunded ? 'closed' : paid ? 'completed' : 'unpaid', refund_status: refunded ? 'refunded' : 'none', amount, paid_amount: paid ? amount : null,
    refund_amount: refunded ? amount : null, item_count: qty, items: '[]', address: null, courier: null, tracking_no: null, notes: '[]', source: 'demo',
    created_at: created, closes_at: created + 72 * HOUR, paid_at: paid, shipped_at: null, delivered_at: null, completed_at: null, closed_at: null,
    updated_at: paid ?? created,
  };
}

/** Demo seeder: two weeks of chats and orders for both demo shops, with their rollups. */
export const seedAnalytics: DemoSeeder = async (ctx, shops) => {
  await seedAnalyticsShop(ctx, {
    shopId: shops.outdoorShopId,
    prefix: 'dout',
    perDay: 26,
    agents: [
      { id: shops.agentIds.xiaomei, weight: 3, speed: 1 },
      { id: shops.agentIds.xiaoya, weight: 2, speed: 1.6 },
    ],
  });
  await seedAnalyticsShop(ctx, { shopId: shops.fashionShopId, prefix: 'dfas', perDay: 12, agents: [{ id: shops.agentIds.xiaomei, weight: 1, speed: 1.2 }] });
};
