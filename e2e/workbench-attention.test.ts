import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, connectBuyer, type KefuHarness, startKefu, type TestBuyer } from './harness.js';

const SHOP = '山野户外旗舰店';

/** The waiting count of the title badge "(3) Kefu 客服工作台", 0 without a badge. */
async function titleBadge(page: Page): Promise<number> {
  const m = /^\((\d+)\) /.exec(await page.title());
  return m ? Number(m[1]) : 0;
}

/** The unread badge of a conversation row (antd Badge count), 0 when hidden. */
async function rowUnread(page: Page, conversationId: string): Promise<number> {
  const count = page.locator(`[data-testid="conversation-row"][data-conversation-id="${conversationId}"] .ant-badge-count`);
  if ((await count.count()) === 0) return 0;
  return Number((await count.first().getAttribute('title')) ?? '0');
}

/**
 * Issue 4 attention and speed: unread and title badges for a conversation that is not open, a quick reply with its
 * variables filled through the `/` picker, and three waiting buyers handled with the keyboard only.
 */
describe('workbench attention (badges, quick-reply picker, keyboard-only queue)', () => {
  let h: KefuHarness;
  let page: Page;
  let shopId: string;
  let publicKey: string;
  let agentName: string;
  const buyers: TestBuyer[] = [];

  beforeAll(async () => {
    h = await startKefu();
    const db = h.server.ctx.storage.db;
    const shop = await db.selectFrom('shops').select(['id', 'public_key']).where('name', '=', SHOP).executeTakeFirstOrThrow();
    shopId = shop.id;
    publicKey = shop.public_key;
    agentName = (await db.selectFrom('agents').select('display_name').where('email', '=', h.demo.email).executeTakeFirstOrThrow()).display_name;
    page = await h.newPage();
    await page.addInitScript((id: string) => localStorage.setItem('kefu.shop', id), shopId);
    await h.login(page);
    await page.goto(`${h.baseUrl}/workbench`);
    await page.getByTestId('connection-state').filter({ hasText: '已连接' }).waitFor();
  });
  afterAll(async () => {
    for (const b of buyers) b.close();
    await h?.close();
  });

  async function buyer(nickname: string): Promise<TestBuyer> {
    const b = await connectBuyer(h.server.url, publicKey, nickname);
    buyers.push(b);
    return b;
  }
  const row = (id: string) => page.locator(`[data-testid="conversation-row"][data-conversation-id="${id}"]`);

  async function open(id: string, nickname: string): Promise<void> {
    await row(id).click();
    await expect.poll(() => page.getByTestId('chat-title').textContent()).toBe(nickname);
    if ((await page.getByTestId('accept-conversation').count()) > 0) await page.getByTestId('accept-conversation').click();
  }

  let tent: TestBuyer;
  let tentId: string;

  it('raises the unread badge and the title badge for a buyer message in a conversation that is not open', async () => {
    tent = await buyer('看帐篷的小王');
    tentId = (await tent.say('你好，这款双人帐篷防雨吗？')).conversationId;
    const socks = await buyer('问袜子的阿花');
    const socksId = (await socks.say('徒步袜有没有加厚款？')).conversationId;
    await page.getByTestId('conversation-filters').getByText('全部').click();
    await row(tentId).waitFor();
    await row(socksId).waitFor();

    // Answer 阿花 (she stops waiting), then open 小王 and leave him waiting.
    await open(socksId, '问袜子的阿花');
    await page.getByTestId('msg-buyer').filter({ hasText: '加厚款' }).waitFor();
    await page.getByTestId('composer-input').fill('亲，有加厚款的，秋冬徒步穿正合适~');
    await page.getByTestId('composer-input').press('Enter');
    await page.getByTestId('msg-agent').filter({ hasText: '加厚款的' }).waitFor();
    await open(tentId, '看帐篷的小王');
    await page.getByTestId('msg-buyer').filter({ hasText: '双人帐篷' }).waitFor();
    await expect.poll(() => rowUnread(page, socksId)).toBe(0);
    await expect.poll(() => rowUnread(page, tentId)).toBe(0);
    const before = await titleBadge(page);

    await socks.say('还有，袜子可以退换吗？');
    await expect.poll(() => rowUnread(page, socksId)).toBe(1);
    await expect.poll(() => titleBadge(page)).toBe(before + 1);
    await socks.say('急，麻烦快点回复');
    await expect.poll(() => rowUnread(page, socksId)).toBe(2);
    expect(await titleBadge(page)).toBe(before + 1); // one conversation waiting, however many messages

    // The open conversation's new message is shown and read at once: no badge there.
    await tent.say('帐篷重量大概多少？');
    await page.getByTestId('msg-buyer').filter({ hasText: '重量' }).waitFor();
    await page.waitForTimeout(300);
    expect(await rowUnread(page, tentId)).toBe(0);
    // The chat pane still shows 小王, not the conversation that got the new message.
    expect(await page.getByTestId('chat-title').textContent()).toBe('看帐篷的小王');
    expect(await page.getByTestId('msg-buyer').filter({ hasText: '退换' }).count()).toBe(0);

    // Opening 阿花 clears her badge.
    await row(socksId).click();
    await page.getByTestId('msg-buyer').filter({ hasText: '退换' }).waitFor();
    await expect.poll(() => rowUnread(page, socksId)).toBe(0);
  });

  it('answers with a quick reply from the / picker, its variables filled in the text the buyer receives', async () => {
    const created = await apiFromPage<{ quickReply?: { id: string } }>(page, 'POST', `/api/shops/${shopId}/quick-replies`, {
      scenario: 'product_info',
      title: '帐篷答复开头',
      shortcut: 'zhangpeng',
      text: '{买家称呼}您好，我是{店铺}的客服{客服}，这款帐篷防雨防风，双人款约2.1公斤~',
      shared: true,
    });
    expect(created.status).toBe(201);
    await page.reload();
    await page.getByTestId('conversation-filters').getByText('全部').click();
    await open(tentId, '看帐篷的小王');
    await page.getByTestId('msg-buyer').filter({ hasText: '重量' }).waitFor();

    const input = page.getByTestId('composer-input');
    await input.click();
    await page.keyboard.type('/zhang');
    const picker = page.getByTestId('quick-picker');
    await picker.waitFor();
    await expect.poll(() => picker.getByRole('option').first().textContent()).toContain('帐篷答复开头');
    await input.press('Enter');
    const expected = `看帐篷的小王您好，我是${SHOP}的客服${agentName}，这款帐篷防雨防风，双人款约2.1公斤~`;
    await expect.poll(() => input.inputValue()).toBe(expected);
    await input.press('Enter');
    await page.getByTestId('msg-agent').filter({ hasText: '双人款约2.1公斤' }).waitFor();
    await expect.poll(() => input.inputValue()).toBe('');

    // What the buyer receives is the filled text, no {变量} left.
    const received = () =>
      tent.frames
        .filter((f) => f.type === 'message')
        .map((f) => (f as { message?: { sender?: string; text?: string } }).message)
        .find((m) => m?.sender === 'agent' && m.text?.includes('双人款约2.1公斤'))?.text;
    await expect.poll(received).toBe(expected);
  });

  it('takes three waiting buyers with Alt+N, replies with Enter and closes with Alt+C — keyboard only', async () => {
    // Busy: the router queues new buyers instead of assigning them, so all three wait.
    expect((await apiFromPage(page, 'PUT', '/api/presence', { status: 'busy' })).status).toBe(200);
    const names = ['排队买登山杖的老李', '排队问冲锋衣的小赵', '排队退睡袋的阿梅'];
    const mine: TestBuyer[] = [];
    const ids: string[] = [];
    for (const n of names) {
      const b = await buyer(n);
      mine.push(b);
      ids.push((await b.say(`${n.slice(2, 6)}，有人在吗？`)).conversationId);
    }
    const db = h.server.ctx.storage.db;
    // The queue as the server sees it, oldest wait first (the demo data may hold an unanswered buyer too).
    const queue = () =>
      db
        .selectFrom('conversations')
        .innerJoin('buyers', 'buyers.id', 'conversations.buyer_id')
        .select(['conversations.id', 'buyers.nickname'])
        .where('conversations.shop_id', '=', shopId)
        .where('conversations.status', 'in', ['waiting', 'open'])
        .orderBy('conversations.waiting_since')
        .execute();
    await expect.poll(async () => (await queue()).filter((c) => ids.includes(c.id)).length).toBe(3);
    const start = await queue();
    const queuedTab = page.getByTestId('conversation-filters').locator('.ant-segmented-item').filter({ hasText: '排队中' });
    await expect.poll(() => queuedTab.textContent()).toBe(`排队中 ${start.length}`);

    // From here on: keyboard only, until nobody waits.
    await page.keyboard.press('Escape');
    for (const [i, next] of start.entries()) {
      await page.keyboard.press('Alt+KeyN');
      await expect.poll(() => page.getByTestId('chat-title').textContent()).toBe(next.nickname);
      await page.getByTestId('msg-buyer').first().waitFor();
      await expect.poll(async () => (await db.selectFrom('conversations').select('status').where('id', '=', next.id).executeTakeFirstOrThrow()).status).toBe('assigned');
      // Esc (outside an input) puts the caret in the composer; after the first round it is already there.
      if (!(await page.getByTestId('composer-input').evaluate((el) => el === document.activeElement))) await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('composer-input').evaluate((el) => el === document.activeElement)).toBe(true);
      const reply = `亲，在的，${next.nickname}您好，我马上帮您看一下~`;
      await page.keyboard.type(reply);
      await page.keyboard.press('Enter');
      await page.getByTestId('msg-agent').filter({ hasText: reply }).waitFor();
      const b = mine[ids.indexOf(next.id)];
      if (b) await expect.poll(() => b.frames.some((f) => f.type === 'message' && JSON.stringify(f).includes(reply))).toBe(true);
      await page.keyboard.press('Alt+KeyC');
      await expect.poll(async () => (await db.selectFrom('conversations').select('status').where('id', '=', next.id).executeTakeFirstOrThrow()).status).toBe('closed');
      const left = start.length - i - 1;
      await expect.poll(() => queuedTab.textContent()).toBe(left === 0 ? '排队中' : `排队中 ${left}`);
    }
    expect(await queue()).toEqual([]);
    for (const id of ids) expect(start.some((c) => c.id === id)).toBe(true);
    // Alt+N on an empty queue does nothing (the last conversation stays on screen).
    await page.keyboard.press('Alt+KeyN');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('chat-title').textContent()).toBe(start.at(-1)!.nickname);
  });
});
