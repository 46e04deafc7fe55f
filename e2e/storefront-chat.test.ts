import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKefu, type KefuHarness } from './harness.js';

/**
 * The buyer's side end to end (issue 3): the demo storefront embeds the loader, the buyer chats in the iframe,
 * an agent in another browser context answers, the history survives a reload, and hostile text stays text.
 */
describe('storefront chat (widget ⇄ workbench)', () => {
  let h: KefuHarness;
  let buyerPage: Page;
  let agentPage: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    h = await startKefu();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Opens the launcher on the storefront and returns the chat iframe once its input is ready. */
  async function openWidget(page: Page): Promise<FrameLocator> {
    await page.getByTestId('kefu-launcher').click();
    await page.getByTestId('kefu-frame').waitFor({ state: 'visible' });
    const frame = page.frameLocator('[data-testid="kefu-frame"]');
    await frame.getByTestId('kf-input').waitFor();
    return frame;
  }

  it('buyer asks on the storefront, gets the greeting, the agent answers, the answer shows in the iframe', async () => {
    agentPage = await h.newPage();
    agentPage.on('dialog', (d) => (dialogs.push(`agent: ${d.message()}`), void d.dismiss()));
    await h.login(agentPage);
    await agentPage.goto(`${h.baseUrl}/workbench`);
    await expect.poll(() => agentPage.getByTestId('connection-state').textContent()).toBe('已连接');
    await agentPage.getByTestId('status-switch').click();
    await agentPage.locator('.ant-select-item-option').filter({ hasText: '在线' }).click();

    buyerPage = await h.newPage();
    buyerPage.on('dialog', (d) => (dialogs.push(`buyer: ${d.message()}`), void d.dismiss()));
    await buyerPage.goto(`${h.baseUrl}/demo`);
    expect(await buyerPage.title()).toContain('徒步鞋');
    // The iframe stays hidden until the launcher is clicked.
    expect(await buyerPage.getByTestId('kefu-frame').isVisible()).toBe(false);
    const frame = await openWidget(buyerPage);
    // Wait for the bootstrap (the header shows the shop name) before typing: an early Enter is ignored.
    await expect.poll(() => frame.locator('.kf-title').textContent(), { timeout: 15_000 }).toContain('山野户外旗舰店');

    await frame.getByTestId('kf-input').fill('你好，Trail Pro 42码还有货吗？');
    await frame.getByTestId('kf-input').press('Enter');
    // Acked: the pending style goes away and the stored row replaces it.
    await frame.locator('[data-testid="kf-msg-buyer"]:not(.pending)').filter({ hasText: 'Trail Pro 42码' }).waitFor({ timeout: 10_000 });
    const greeting = frame.getByTestId('kf-msg-auto').first();
    await greeting.waitFor({ timeout: 10_000 });
    const greetingText = (await greeting.textContent()) ?? '';
    expect(greetingText).toContain('自动回复');
    expect(greetingText.length).toBeGreaterThan(6);

    // The agent sees the new conversation appear without reloading, with the buyer's message and the greeting.
    const conv = await h.server.ctx.storage.db.selectFrom('messages').select('conversation_id').where('text', 'like', '%Trail Pro 42码%').executeTakeFirstOrThrow();
    await agentPage.getByTestId('conversation-filters').getByText('全部').click();
    const row = agentPage.locator(`[data-testid="conversation-row"][data-conversation-id="${conv.conversation_id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await agentPage.getByTestId('msg-buyer').filter({ hasText: 'Trail Pro 42码' }).waitFor();
    await agentPage.getByTestId('msg-auto').first().waitFor();
    if ((await agentPage.getByTestId('accept-conversation').count()) > 0) await agentPage.getByTestId('accept-conversation').click();
    const input = agentPage.getByTestId('composer-input');
    await input.fill('亲，42码有现货的，今天下单明天就能发出哦');
    await input.press('Enter');
    await agentPage.getByTestId('msg-agent').filter({ hasText: '42码有现货' }).waitFor();

    // …and the buyer sees it in the iframe, labelled as the agent's.
    const answer = frame.getByTestId('kf-msg-agent').filter({ hasText: '42码有现货' });
    await answer.waitFor({ timeout: 10_000 });
    expect(await answer.textContent()).toContain('客服');
  });

  it('keeps the history after the buyer reloads the storefront', async () => {
    await buyerPage.reload();
    expect(await buyerPage.getByTestId('kefu-frame').isVisible()).toBe(false);
    const frame = await openWidget(buyerPage);
    const list = frame.getByTestId('kf-list');
    await list.getByTestId('kf-msg-agent').filter({ hasText: '42码有现货' }).waitFor({ timeout: 15_000 });
    const order = await list.locator('[data-testid^="kf-msg-"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-testid')}:${e.textContent ?? ''}`));
    const at = (pred: (s: string) => boolean) => order.findIndex(pred);
    const mine = at((s) => s.startsWith('kf-msg-buyer:') && s.includes('Trail Pro 42码'));
    const greet = at((s) => s.startsWith('kf-msg-auto:'));
    const answer = at((s) => s.startsWith('kf-msg-agent:') && s.includes('42码有现货'));
    expect(mine).toBeGreaterThanOrEqual(0);
    expect(greet).toBeGreaterThan(mine);
    expect(answer).toBeGreaterThan(greet);
    // Same buyer after the reload (anonymous id kept in the iframe's storage): one conversation, not two.
    const convs = await h.server.ctx.storage.db
      .selectFrom('conversations')
      .innerJoin('messages', 'messages.conversation_id', 'conversations.id')
      .select('conversations.id')
      .where('messages.text', 'like', '%Trail Pro 42码%')
      .execute();
    expect(new Set(convs.map((c) => c.id)).size).toBe(1);
  });

  it('shows a buyer message with an <img onerror> as text in the iframe and in the workbench', async () => {
    const hostile = '<img src=x onerror=alert(1)>这双鞋能便宜点吗';
    const frame = buyerPage.frameLocator('[data-testid="kefu-frame"]');
    await frame.getByTestId('kf-input').fill(hostile);
    await frame.getByTestId('kf-input').press('Enter');
    const mine = frame.locator('[data-testid="kf-msg-buyer"]:not(.pending)').filter({ hasText: '<img src=x onerror=alert(1)>' });
    await mine.waitFor({ timeout: 10_000 });
    expect(await mine.locator('img').count()).toBe(0);
    expect(await frame.getByTestId('kf-list').locator('img').count()).toBe(0);

    const bubble = agentPage.getByTestId('msg-buyer').filter({ hasText: '<img src=x onerror=alert(1)>' });
    await bubble.waitFor({ timeout: 10_000 });
    expect(await bubble.textContent()).toContain('<img src=x onerror=alert(1)>这双鞋能便宜点吗');
    expect(await bubble.locator('img').count()).toBe(0);
    // Give a would-be onerror handler time to fire before concluding that nothing ran.
    await agentPage.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });
});
