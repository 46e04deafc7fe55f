import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startKefu, type KefuHarness } from '../e2e/harness.js';
import { metric, percentile, result, type Bench } from './lib.js';

/**
 * The reception desk under load, in headless Chromium on the built web app: a shop with many open conversations
 * (500; 100 with --quick) and one conversation with a long history (5,000; 1,000) that the agent has scrolled all
 * the way back through, against a nearly empty desk (2 conversations, short histories) in the same run.
 * (i) switching conversations: row click → the chat pane shows that conversation's last message, painted;
 * (ii) a buyer message sent on a buyer socket → painted in the open chat pane. Timed inside the page (performance.now,
 * MutationObserver, then the next frame), so no CDP round trip counts; split with the browser's own network
 * timestamps (CDP Network.webSocketFrameSent/Received, one clock): the buyer's frame leaving the page → the agent
 * socket receiving the message frame is the server's share (store, classify, fan-out, loopback); the rest (the frame
 * waiting for the page's main thread, store, React render, layout, paint) is the page's.
 */

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** Ids shaped like the server's (prefix + 10 time chars + 16 random). */
function benchId(prefix: string, t: number): string {
  let time = '';
  let n = t;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[n % 32]! + time;
    n = Math.floor(n / 32);
  }
  let rand = '';
  for (const b of randomBytes(16)) rand += ALPHABET[b % 32]!;
  return `${prefix}_${time}${rand}`;
}

const BUYER_LINES = ['你好，这款还有货吗？', '42码偏大还是偏小？', '今天下单什么时候发货？', '能便宜一点吗？', '好的，那我拍了', '物流到哪了？'];
const AGENT_LINES = ['亲，在的，有什么可以帮您？', '亲，这款尺码是标准的，平时穿多大拍多大就好~', '亲，下午4点前付款当天发出哦', '亲，现在活动价已经很划算了，还送运费险哦', '好的亲，感谢支持！'];

interface Seeded {
  /** Conversation ids in list order (the long one first), with the text of each one's last message. */
  convs: Array<{ id: string; last: string; anonId: string }>;
}

/**
 * Inserts `count` assigned conversations for the demo agent in one shop: the first with `longHistory` messages,
 * the others with `shortHistory`. Rows follow the schema (seq and client_id unique per conversation, last_seq set).
 */
async function seedShop(h: KefuHarness, shopName: string, tag: string, count: number, longHistory: number, shortHistory: number): Promise<Seeded & { shopId: string; publicKey: string }> {
  const db = h.server.ctx.storage.db;
  const shop = await db.selectFrom('shops').select(['id', 'public_key']).where('name', '=', shopName).executeTakeFirstOrThrow();
  const agent = await db.selectFrom('agents').select('id').where('email', '=', h.demo.email).executeTakeFirstOrThrow();
  const now = Date.now();
  const convs: Seeded['convs'] = [];
  const buyers: Array<Record<string, unknown>> = [];
  const conversations: Array<Record<string, unknown>> = [];
  const messages: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const n = i === 0 ? longHistory : shortHistory;
    // The long conversation is the most recent one, so it is in the first page of every list.
    const lastAt = now - (i === 0 ? 0 : 60_000 + i * 1000);
    const start = lastAt - n * 20_000;
    const buyerId = benchId('buyer', start);
    const convId = benchId('conv', start);
    const anonId = `${tag}buyer${String(i).padStart(4, '0')}`;
    buyers.push({ id: buyerId, shop_id: shop.id, anon_id: anonId, external_id: null, nickname: `${tag === 'big' ? '压测买家' : '基线买家'}${i}`, created_at: start, last_seen_at: lastAt, last_agent_id: agent.id });
    conversations.push({
      id: convId, shop_id: shop.id, buyer_id: buyerId, status: 'assigned', assigned_agent_id: agent.id, group_id: null, scenario: null,
      last_seq: n, last_message_at: lastAt, waiting_since: null, queued_at: null, unread: 0, agent_read_seq: n, buyer_read_seq: n,
      session_started_at: start, created_at: start, updated_at: lastAt, closed_at: null,
    });
    let last = '';
    for (let s = 1; s <= n; s++) {
      const buyer = s % 2 === 1;
      const lines = buyer ? BUYER_LINES : AGENT_LINES;
      last = s === n ? `【${tag}-${i} 最后一条】${lines[s % lines.length]!}` : `${lines[s % lines.length]!}（第${s}条）`;
      messages.push({
        id: benchId('msg', start + s), shop_id: shop.id, conversation_id: convId, seq: s, client_id: `seed${s}`, sender: buyer ? 'buyer' : 'agent',
        agent_id: buyer ? null : agent.id, kind: 'text', text: last, payload: null, created_at: start + s * 20_000 - 20_000,
      });
    }
    convs.push({ id: convId, last, anonId });
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < buyers.length; i += 500) await trx.insertInto('buyers').values(buyers.slice(i, i + 500) as never).execute();
    for (let i = 0; i < conversations.length; i += 300) await trx.insertInto('conversations').values(conversations.slice(i, i + 300) as never).execute();
    for (let i = 0; i < messages.length; i += 500) await trx.insertInto('messages').values(messages.slice(i, i + 500) as never).execute();
  });
  return { shopId: shop.id, publicKey: shop.public_key, convs };
}

// Plain JS run in the page (strings, so the TS loader's helpers never leak into them).
const PAINT_HELPERS = `
  function nextPaint() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () {
        const ch = new MessageChannel();
        ch.port1.onmessage = function () { resolve(performance.now()); };
        ch.port2.postMessage(0);
      });
    });
  }
  // The newest bubbles are the last children of the list: look at a few from the end only (O(1) per check).
  function tailHas(text) {
    const list = document.querySelector('[data-testid="message-list"]');
    let el = list && list.lastElementChild;
    for (let k = 0; el && k < 6; k++, el = el.previousElementSibling) if ((el.textContent || '').includes(text)) return true;
    return false;
  }
  function until(check, timeoutMs) {
    return new Promise(function (resolve, reject) {
      if (check()) return resolve();
      const obs = new MutationObserver(function () { if (check()) { obs.disconnect(); clearTimeout(timer); resolve(); } });
      obs.observe(document.body, { childList: true, subtree: true, characterData: true });
      const timer = setTimeout(function () { obs.disconnect(); reject(new Error('timeout waiting for ' + check)); }, timeoutMs);
    });
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
`;

const SWITCH = `async ({ targets, rounds }) => {
  ${PAINT_HELPERS}
  const out = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of targets) {
      const row = document.querySelector('[data-testid="conversation-row"][data-conversation-id="' + t.id + '"]');
      if (!row) throw new Error('row not in the list: ' + t.id);
      await sleep(120);
      const t0 = performance.now();
      row.click();
      await until(function () {
        const title = document.querySelector('[data-testid="chat-title"]');
        return !!title && title.textContent === t.nickname && tailHas(t.last);
      }, 20000);
      out.push({ id: t.id, ms: (await nextPaint()) - t0 });
    }
  }
  return out;
}`;

/** Scrolls the open chat pane to the top until the whole history is loaded; returns the number of bubbles. */
const LOAD_ALL = `async ({ max }) => {
  ${PAINT_HELPERS}
  const list = document.querySelector('[data-testid="message-list"]');
  const count = function () { return list.querySelectorAll('[data-testid^="msg-"]').length; };
  for (let i = 0; i < max; i++) {
    if ((list.textContent || '').includes('没有更早的消息了')) break;
    const before = count();
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    const t0 = performance.now();
    while (count() === before && !(list.textContent || '').includes('没有更早的消息了') && performance.now() - t0 < 15000) await sleep(20);
  }
  list.scrollTop = list.scrollHeight;
  list.dispatchEvent(new Event('scroll'));
  await sleep(200);
  return count();
}`;

const BUYER = `async ({ token, conversationId, count, gapMs, tag }) => {
  ${PAINT_HELPERS}
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/buyer?token=' + encodeURIComponent(token));
  await new Promise(function (resolve, reject) { ws.onopen = resolve; ws.onerror = reject; });
  ws.send(JSON.stringify({ type: 'hello', v: 1 }));
  await sleep(300);
  const out = [];
  for (let i = 0; i < count; i++) {
    await sleep(gapMs);
    const key = '压测消息 ' + tag + '-' + i;
    const text = key + '：这个颜色还有吗？';
    const t0 = performance.now();
    ws.send(JSON.stringify({ type: 'send', clientId: 'bench' + tag + i + Date.now().toString(36), conversationId: conversationId, kind: 'text', text: text }));
    await until(function () { return tailHas(text); }, 20000);
    out.push({ key: key, total: (await nextPaint()) - t0 });
  }
  ws.close();
  return out;
}`;

interface Desk {
  page: Page;
  /** Browser network timestamps (ms) of the bench messages: sent by the buyer socket, received by the agent socket. */
  frames: { sent: Map<string, number>; received: Map<string, number> };
  seeded: Seeded & { shopId: string; publicKey: string };
  nickname(i: number): string;
  bubbles: number;
}

async function openDesk(h: KefuHarness, seeded: Desk['seeded'], nickname: (i: number) => string, loadAll: boolean): Promise<Desk> {
  const page = await h.newPage();
  await page.addInitScript((id: string) => localStorage.setItem('kefu.shop', id), seeded.shopId);
  const frames: Desk['frames'] = { sent: new Map(), received: new Map() };
  const cdp = await page.context().newCDPSession(page);
  const agentSockets = new Set<string>();
  const keyOf = (payload: string) => /压测消息 [^：]+/.exec(payload)?.[0];
  cdp.on('Network.webSocketCreated', (e) => {
    if (e.url.includes('/ws/agent')) agentSockets.add(e.requestId);
  });
  cdp.on('Network.webSocketFrameSent', (e) => {
    const key = keyOf(e.response.payloadData);
    if (key && !agentSockets.has(e.requestId) && !frames.sent.has(key)) frames.sent.set(key, e.timestamp * 1000);
  });
  cdp.on('Network.webSocketFrameReceived', (e) => {
    const key = keyOf(e.response.payloadData);
    if (key && agentSockets.has(e.requestId) && !frames.received.has(key)) frames.received.set(key, e.timestamp * 1000);
  });
  await cdp.send('Network.enable');
  await h.login(page);
  await page.goto(`${h.baseUrl}/workbench`);
  await page.getByTestId('connection-state').filter({ hasText: '已连接' }).waitFor({ timeout: 20_000 });
  await page.getByTestId('conversation-filters').getByText('全部').click();
  const first = seeded.convs[0]!;
  await page.locator(`[data-testid="conversation-row"][data-conversation-id="${first.id}"]`).click();
  await page.getByTestId('message-list').getByText(first.last).waitFor({ timeout: 20_000 });
  const bubbles = loadAll ? ((await page.evaluate(`(${LOAD_ALL})(${JSON.stringify({ max: 1000 })})`)) as number) : await page.locator('[data-testid^="msg-"]').count();
  return { page, seeded, nickname, bubbles, frames };
}

async function switches(d: Desk, rounds: number): Promise<number[]> {
  const [a, b] = d.seeded.convs;
  const targets = [
    { id: b!.id, last: b!.last, nickname: d.nickname(1) },
    { id: a!.id, last: a!.last, nickname: d.nickname(0) },
  ];
  // First round (b's first open, a REST page) is a warm-up.
  await d.page.evaluate(`(${SWITCH})(${JSON.stringify({ targets, rounds: 1 })})`);
  const out = (await d.page.evaluate(`(${SWITCH})(${JSON.stringify({ targets, rounds })})`)) as Array<{ ms: number }>;
  return out.map((x) => x.ms);
}

interface BuyerTiming {
  /** send → painted */
  total: number;
  /** the buyer's frame leaves the page → the agent socket receives the message frame (browser network clock) */
  server: number;
  /** total − server: the frame waiting for the main thread, store, render, layout, paint */
  page: number;
}

async function buyerRenders(h: KefuHarness, d: Desk, count: number, tag: string): Promise<BuyerTiming[]> {
  const a = d.seeded.convs[0]!;
  const res = await fetch(`${h.server.url}/api/widget/bootstrap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ publicKey: d.seeded.publicKey, anonId: a.anonId }) });
  const boot = (await res.json()) as { buyerToken: string; conversation: { id: string } | null };
  if (boot.conversation?.id !== a.id) throw new Error(`bootstrap did not resume the seeded conversation (${boot.conversation?.id})`);
  // The long conversation is open in the pane (the switch phase ends on it).
  await d.page.locator(`[data-testid="conversation-row"][data-conversation-id="${a.id}"]`).click();
  await d.page.getByTestId('chat-title').filter({ hasText: d.nickname(0) }).waitFor();
  const timed = (await d.page.evaluate(`(${BUYER})(${JSON.stringify({ token: boot.buyerToken, conversationId: a.id, count, gapMs: 250, tag })})`)) as Array<{ key: string; total: number }>;
  return timed.map(({ key, total }) => {
    const sent = d.frames.sent.get(key);
    const received = d.frames.received.get(key);
    if (sent === undefined || received === undefined) throw new Error(`no network timestamps for ${key}`);
    const server = Math.round((received - sent) * 10) / 10;
    return { total, server, page: Math.round((total - server) * 10) / 10 };
  });
}

export const bench: Bench = {
  name: 'workbench-perf',
  async run({ quick }) {
    const conversations = quick ? 100 : 500;
    const longHistory = quick ? 1000 : 5000;
    const rounds = quick ? 8 : 25;
    const messages = quick ? 10 : 30;
    const h = await startKefu(process.env.KEFU_BENCH_WEB_DIST ? { webDist: process.env.KEFU_BENCH_WEB_DIST } : {});
    try {
      const t0 = Date.now();
      const big = await seedShop(h, '山野户外旗舰店', 'big', conversations, longHistory, 6);
      const small = await seedShop(h, '小雅女装', 'base', 2, 12, 6);
      const seedMs = Date.now() - t0;
      const bigDesk = await openDesk(h, big, (i) => `压测买家${i}`, true);
      const smallDesk = await openDesk(h, small, (i) => `基线买家${i}`, true);
      // The list is windowed (only visible rows are in the DOM): its length is on the list element.
      const rows = Number(await bigDesk.page.getByTestId('conversation-list').getAttribute('data-total'));

      // Alternate the desks block by block so drift (GC, other load on the box) hits both alike.
      const sw = { big: [] as number[], small: [] as number[] };
      const half = Math.ceil(rounds / 2);
      for (let k = 0; k < 2; k++) {
        sw.small.push(...(await switches(smallDesk, half)));
        sw.big.push(...(await switches(bigDesk, half)));
      }
      const br = { big: [] as BuyerTiming[], small: [] as BuyerTiming[] };
      const halfMsgs = Math.ceil(messages / 2);
      for (let k = 0; k < 2; k++) {
        br.small.push(...(await buyerRenders(h, smallDesk, halfMsgs, `s${k}`)));
        br.big.push(...(await buyerRenders(h, bigDesk, halfMsgs, `b${k}`)));
      }
      const base = 'near-empty desk: 2 conversations × 6–12 messages (same run, same browser)';
      const p = (xs: number[], q: number) => percentile(xs, q);
      const part = (xs: BuyerTiming[], k: keyof BuyerTiming, q: number) => percentile(xs.map((x) => x[k]), q);
      return result(
        'workbench-perf',
        [
          metric('switch_p50_ms', p(sw.big, 50), 'ms', base, p(sw.small, 50), '< 100 ms', (m) => m.value < 100),
          metric('switch_p95_ms', p(sw.big, 95), 'ms', base, p(sw.small, 95), '< 100 ms', (m) => m.value < 100),
          metric('buyer_msg_render_p50_ms', part(br.big, 'total', 50), 'ms', base, part(br.small, 'total', 50), '< 100 ms', (m) => m.value < 100),
          metric('buyer_msg_render_p95_ms', part(br.big, 'total', 95), 'ms', base, part(br.small, 'total', 95), '< 100 ms', (m) => m.value < 100),
          // The page's share: the frame is in the page → the bubble is painted.
          metric('buyer_msg_page_p50_ms', part(br.big, 'page', 50), 'ms', base, part(br.small, 'page', 50), '< 100 ms', (m) => m.value < 100),
          metric('buyer_msg_page_p95_ms', part(br.big, 'page', 95), 'ms', base, part(br.small, 'page', 95), '< 100 ms', (m) => m.value < 100),
          // The server's share: send → the frame reaches the agent socket (same server, same run for both desks).
          metric('buyer_msg_server_p50_ms', part(br.big, 'server', 50), 'ms', base, part(br.small, 'server', 50), 'informational', () => true),
          metric('buyer_msg_server_p95_ms', part(br.big, 'server', 95), 'ms', base, part(br.small, 'server', 95), 'informational', () => true),
        ],
        {
          db: 'sqlite',
          notes:
            `${conversations} open conversations (${rows} rows in the 全部 list), one with ${longHistory} messages scrolled all the way back ` +
            `(${bigDesk.bubbles} bubbles loaded; baseline ${smallDesk.bubbles}); ${sw.big.length} switches alternating that conversation and another, ` +
            `${br.big.length} buyer messages into the open long conversation, 250 ms apart; click/send → text in the pane → next frame, timed in the page ` +
            `(buyer messages split by the browser's network timestamps: server = buyer frame sent → agent frame received, page = the rest). ` +
            `Seeding ${seedMs} ms. Headless Chromium, built web app, ${quick ? 'quick' : 'full'} run.`,
        },
      );
    } finally {
      await h.close();
    }
  },
};
