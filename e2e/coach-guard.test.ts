import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBuyer, startKefu, type KefuHarness, type TestBuyer } from './harness.js';

/**
 * Reply coach and guard in the browser: a JD shop's agent names 天猫 and gets a flag with a one-click rewrite,
 * off-platform contact blocks sending, a buyer's foreign http:// link is disarmed (workbench and widget), bad drafts
 * do not crash; the 质检 page lists the closed conversation.
 */
describe('reply coach and guard (coach-guard)', () => {
  let h: KefuHarness;
  let buyer: TestBuyer;
  let shopId: string;
  let publicKey: string;

  beforeAll(async () => {
    h = await startKefu();
    const db = h.server.ctx.storage.db;
    const shop = await db.selectFrom('shops').select(['id', 'public_key']).where('name', '=', '小雅女装').executeTakeFirstOrThrow();
    shopId = shop.id;
    publicKey = shop.public_key;
    await db.updateTable('shops').set({ platform: 'jd' }).where('id', '=', shopId).execute();
  });
  afterAll(async () => {
    buyer?.close();
    await h?.close();
  });

  async function openWorkbench(lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<Page> {
    const page = await h.newPage({ lang });
    await page.addInitScript((id: string) => localStorage.setItem('kefu.shop', id), shopId);
    await h.login(page);
    await page.goto(`${h.baseUrl}/workbench`);
    await page.getByTestId('connection-state').waitFor();
    await page.getByTestId('status-switch').click();
    await page.locator('.ant-select-item-option').first().click();
    return page;
  }

  it('flags 天猫 on a JD shop with a rewrite, blocks off-platform contact, disarms a foreign link', async () => {
    const page = await openWorkbench();
    await page.waitForTimeout(500);
    buyer = await connectBuyer(h.server.url, publicKey, '买裙子的小林');
    await buyer.say('这条裙子还有M码吗？我在这看到的 http://cheap-dress.top/item?id=1 能便宜点吗');
    await page.getByTestId('conversation-filters').getByText('全部').click();
    const row = page.getByTestId('conversation-row').filter({ hasText: '买裙子的小林' });
    await row.waitFor();
    await row.click();
    const msg = page.getByTestId('msg-buyer').filter({ hasText: '裙子' });
    await msg.waitFor();
    if ((await page.getByTestId('accept-conversation').count()) > 0) await page.getByTestId('accept-conversation').click();

    // The buyer's link is text with a warning, never an <a>.
    const disarmed = msg.getByTestId('disarmed-link');
    await disarmed.waitFor();
    expect(await disarmed.textContent()).toContain('cheap-dress.top');
    expect(await msg.locator('a').count()).toBe(0);
    await page.getByTestId('guard-alert').waitFor();
    // The buyer bargains: the ladder offers its first step only.
    expect(await page.getByTestId('ladder-next').textContent()).toContain('包邮');

    const input = page.getByTestId('composer-input');
    await input.fill('亲，M码有货的哦，天猫同款，今天拍下今天发货~');
    const flag = page.locator('[data-testid="coach-flag"][data-flag-id="platform_forbidden"]');
    await flag.waitFor();
    await flag.getByTestId('coach-rewrite').click();
    await expect.poll(() => input.inputValue()).toBe('亲，M码有货的哦，其他平台同款，今天拍下今天发货~');
    await expect.poll(() => flag.count()).toBe(0);

    // Off-platform contact always blocks: Enter keeps the draft and nothing is sent.
    await input.fill('亲，加我微信聊吧');
    await input.press('Enter');
    await page.getByTestId('coach-blocked').waitFor();
    expect(await input.inputValue()).toBe('亲，加我微信聊吧');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('msg-agent').filter({ hasText: '微信' }).count()).toBe(0);

    // Bad input: very long, mixed scripts, emoji only — the page keeps working.
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await input.fill('亲'.repeat(1990));
    await page.waitForTimeout(500);
    await input.fill('Hello 你好 مرحبا Привет שלום 天猫');
    await page.locator('[data-testid="coach-flag"][data-flag-id="platform_forbidden"]').waitFor();
    await input.fill('😀😀😀🙏');
    await page.waitForTimeout(300);
    expect(errors).toEqual([]);

    await input.fill('亲，M码有货的哦，今天拍下今天就发货~');
    await input.press('Enter');
    await page.getByTestId('msg-agent').filter({ hasText: 'M码有货' }).waitFor();

    // Abuse: the agent may end the chat politely with the guard's suggested reply (seed 004).
    await buyer.say('你是不是脑残啊，问半天');
    await page.getByTestId('msg-buyer').filter({ hasText: '脑残' }).waitFor();
    await page.getByTestId('guard-end-politely').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await page.getByTestId('msg-agent').filter({ hasText: '非常理解您现在的心情' }).waitFor();
    await expect.poll(async () => (await h.server.ctx.chat.conversations.repo.find(shopId, buyer.conversationId!))?.status, { timeout: 10_000 }).toBe('closed');
    await page.close();
  });

  it('shows the disarmed link in the buyer widget too (text, not a link)', async () => {
    const page = await h.newPage();
    await page.goto(`${h.server.url}/widget/app.html?key=${encodeURIComponent(publicKey)}`);
    const input = page.locator('textarea, input[type="text"]').first();
    await input.waitFor();
    await input.fill('你看这个 http://cheap-dress.top/a');
    await input.press('Enter');
    const marked = page.locator('.kf-disarmed').filter({ hasText: 'cheap-dress.top' });
    await marked.waitFor({ timeout: 10_000 });
    expect(await page.locator('.kf-bubble a[href*="cheap-dress"]').count()).toBe(0);
    await page.close();
  });

  it('lists the closed conversation on the 质检 page with its auto score and transcript', async () => {
    // Closed by "end politely" above; scored on close.
    const page = await h.newPage();
    await page.addInitScript((id: string) => localStorage.setItem('kefu.shop', id), shopId);
    await h.login(page);
    await page.goto(`${h.baseUrl}/reviews`);
    const row = page.locator('.ant-table-row').filter({ hasText: '买裙子的小林' });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.getByTestId('review-transcript').waitFor();
    expect(await page.getByTestId('review-transcript').getByTestId('disarmed-link').count()).toBeGreaterThan(0);
    await page.close();
  });
});
