import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBuyer, startKefu, type KefuHarness, type TestBuyer } from './harness.js';

/** The waiting count of the title badge "(3) Kefu 客服工作台", 0 without a badge. */
async function badge(title: Promise<string>): Promise<number> {
  const m = /^\((\d+)\) /.exec(await title);
  return m ? Number(m[1]) : 0;
}

describe('workbench (接待台)', () => {
  let h: KefuHarness;
  let buyer: TestBuyer;
  let publicKey: string;
  beforeAll(async () => {
    h = await startKefu();
    const shop = await h.server.ctx.storage.db.selectFrom('shops').select(['public_key']).where('name', '=', '山野户外旗舰店').executeTakeFirstOrThrow();
    publicKey = shop.public_key;
  });
  afterAll(async () => {
    buyer?.close();
    await h?.close();
  });

  it('receives a buyer, replies with Enter, writes an internal note the buyer never sees', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/workbench`);
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('已连接');
    await page.getByTestId('status-switch').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '在线' }).click();

    await page.waitForTimeout(500);
    const waitingBefore = await badge(page.title());
    buyer = await connectBuyer(h.server.url, publicKey, '爬山的阿杰');
    await buyer.say('你好，这双登山鞋有42码吗？');

    const row = page.getByTestId('conversation-row').filter({ hasText: '爬山的阿杰' });
    await page.getByTestId('conversation-filters').getByText('全部').click();
    await row.waitFor();
    await expect.poll(() => badge(page.title())).toBe(waitingBefore + 1);
    await row.click();
    await page.getByTestId('msg-buyer').filter({ hasText: '42码' }).waitFor();
    if ((await page.getByTestId('accept-conversation').count()) > 0) await page.getByTestId('accept-conversation').click();

    const input = page.getByTestId('composer-input');
    await input.fill('亲，42码有现货的，今天下单明天就能发出哦');
    await input.press('Enter');
    await page.getByTestId('msg-agent').filter({ hasText: '42码有现货' }).waitFor();
    await expect.poll(() => buyer.frames.some((f) => f.type === 'message' && JSON.stringify(f).includes('42码有现货'))).toBe(true);

    await input.press('Alt+KeyI');
    await input.fill('买家脚背偏高，建议推荐加宽款');
    await input.press('Enter');
    await page.getByTestId('msg-note').filter({ hasText: '脚背偏高' }).waitFor();
    await buyer.say('好的，那我拍了');
    await page.getByTestId('msg-buyer').filter({ hasText: '我拍了' }).waitFor();
    expect(buyer.frames.some((f) => JSON.stringify(f).includes('脚背偏高'))).toBe(false);
  });

  it('renders buyer text as text, never as HTML', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/workbench`);
    await buyer.say('<img src=x onerror="window.__pwned=1"><b>加粗</b>');
    await page.getByTestId('conversation-filters').getByText('全部').click();
    await page.getByTestId('conversation-row').filter({ hasText: '爬山的阿杰' }).click();
    const bubble = page.getByTestId('msg-buyer').filter({ hasText: '<b>加粗</b>' });
    await bubble.waitFor();
    expect(await bubble.locator('img, b').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('shows the buyer typing, the shortcut help on ?, and the quick-reply picker on /', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/workbench`);
    await page.getByTestId('conversation-filters').getByText('全部').click();
    await page.getByTestId('conversation-row').filter({ hasText: '爬山的阿杰' }).click();
    await page.getByTestId('msg-buyer').first().waitFor();
    buyer.typing(true);
    await page.getByTestId('buyer-typing').waitFor();

    await page.getByTestId('message-list').click();
    await page.keyboard.press('?');
    await page.getByRole('dialog').getByText('键盘快捷键').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    await page.getByTestId('composer-input').fill('/');
    const picker = page.getByTestId('quick-picker');
    await picker.waitFor();
    // The demo shop ships a quick-reply library; choosing one fills {店铺}-style variables.
    await expect.poll(() => picker.getByRole('option').count()).toBeGreaterThan(0);
    await page.getByTestId('composer-input').press('Enter');
    const text = await page.getByTestId('composer-input').inputValue();
    expect(text.length).toBeGreaterThan(1);
    expect(text).not.toMatch(/\{(买家称呼|店铺|客服)\}/);
  });

  it('takes the longest-waiting queued buyer with Alt+N and moves between conversations with Alt+↑/↓', async () => {
    const fresh = await connectBuyer(h.server.url, publicKey, '排队的小周');
    await fresh.say('在吗？想问下冲锋衣有没有M码');
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/workbench`);
    await page.getByTestId('conversation-filters').getByText('排队中').click();
    const first = page.getByTestId('conversation-row').first();
    await first.waitFor();
    const nickname = (await first.locator('strong').first().innerText()).trim();
    await page.getByTestId('message-list').or(page.getByTestId('workbench')).first().click();
    await page.keyboard.press('Alt+KeyN');
    await expect.poll(() => page.getByTestId('chat-title').textContent()).toBe(nickname);
    const owner = await h.server.ctx.storage.db.selectFrom('agents').select('id').where('email', '=', h.demo.email).executeTakeFirstOrThrow();
    await expect
      .poll(async () => (await h.server.ctx.storage.db.selectFrom('conversations').innerJoin('buyers', 'buyers.id', 'conversations.buyer_id').select(['conversations.assigned_agent_id']).where('buyers.nickname', '=', nickname).executeTakeFirst())?.assigned_agent_id)
      .toBe(owner.id);

    await page.getByTestId('conversation-filters').getByText('全部').click();
    const rows = page.getByTestId('conversation-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    const before = await page.getByTestId('chat-title').textContent();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => page.getByTestId('chat-title').textContent()).not.toBe(before);
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => page.getByTestId('chat-title').textContent()).toBe(before);
    fresh.close();
  });

  it('transfers a conversation to a colleague with a note, and closes another one', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/workbench`);
    await page.getByTestId('conversation-filters').getByText('全部').click();
    await page.getByTestId('conversation-row').filter({ hasText: '爬山的阿杰' }).click();
    await page.getByTestId('transfer-conversation').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('transfer-target').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '小美' }).click();
    await dialog.locator('textarea').fill('买家想要42码加宽款，库存已确认');
    await dialog.getByRole('button', { name: /转\s*接/ }).click();
    await page.getByText('已转接').waitFor();
    await page.getByTestId('msg-note').filter({ hasText: '42码加宽款' }).waitFor();
    const xiaomei = await h.server.ctx.storage.db.selectFrom('agents').select('id').where('email', '=', 'xiaomei@demo.kefu').executeTakeFirstOrThrow();
    const conv = await h.server.ctx.storage.db.selectFrom('conversations').select(['assigned_agent_id']).where('id', '=', buyer.conversationId!).executeTakeFirstOrThrow();
    expect(conv.assigned_agent_id).toBe(xiaomei.id);

    const second = await connectBuyer(h.server.url, publicKey, '露营的小林');
    await second.say('帐篷什么时候发货？');
    const row = page.getByTestId('conversation-row').filter({ hasText: '露营的小林' });
    await row.click();
    if ((await page.getByTestId('accept-conversation').count()) > 0) await page.getByTestId('accept-conversation').click();
    await page.getByTestId('close-conversation').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await page.getByTestId('conversation-filters').getByText('已结束').click();
    await page.getByTestId('conversation-row').filter({ hasText: '露营的小林' }).waitFor();
    second.close();
  });
});
