import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, connectBuyer, type KefuHarness, startKefu, type TestBuyer } from './harness.js';

const SHOP = '山野户外旗舰店';

/** Issue 4 manager view: the live board shows each agent's status and load, the queue, and who is waiting on whom. */
describe('live agent board', () => {
  let h: KefuHarness;
  let page: Page;
  let publicKey: string;
  let buyer: TestBuyer | undefined;

  beforeAll(async () => {
    h = await startKefu();
    const shop = await h.server.ctx.storage.db.selectFrom('shops').select(['id', 'public_key']).where('name', '=', SHOP).executeTakeFirstOrThrow();
    publicKey = shop.public_key;
    page = await h.newPage();
    await page.addInitScript((id: string) => localStorage.setItem('kefu.shop', id), shop.id);
    await h.login(page);
  });
  afterAll(async () => {
    buyer?.close();
    await h?.close();
  });

  const stat = (title: string) => page.locator('.ant-statistic', { hasText: title }).locator('.ant-statistic-content-value');
  const agentRow = (name: string) => page.getByTestId('agent-board').locator('tr', { hasText: name });

  /** Resolves on the next `welcome` the page's socket receives (the server has applied the hello). */
  const nextWelcome = () =>
    new Promise<void>((resolve) => {
      page.on('websocket', (ws) => ws.on('framereceived', (f) => typeof f.payload === 'string' && f.payload.includes('"type":"welcome"') && resolve()));
    });
  const myStatus = async () => (await apiFromPage<{ presence: { status: string } }>(page, 'GET', '/api/presence')).body.presence.status;
  const pickStatus = async (label: string) => {
    await page.getByTestId('status-switch').click();
    await page.locator('.ant-select-item-option').filter({ hasText: label }).click();
  };

  it('queues a buyer while nobody is online, then shows them waiting on the agent who comes online', async () => {
    let welcomed = nextWelcome();
    await page.goto(`${h.baseUrl}/board`);
    await page.getByTestId('agent-board').waitFor();
    await welcomed;
    // The owner goes offline from the header; watching the board (even after a reload) must not bring them back online.
    await pickStatus('离线');
    await expect.poll(myStatus, { timeout: 15_000 }).toBe('offline');
    welcomed = nextWelcome();
    await page.reload();
    await welcomed;
    expect(await myStatus()).toBe('offline');
    for (const name of ['林掌柜', '小美', '小雅']) await agentRow(name).waitFor();
    const queuedBefore = Number(await stat('排队买家').textContent());

    buyer = await connectBuyer(h.server.url, publicKey, '看板买家');
    await buyer.say('在吗？这双鞋有43码吗');
    await expect.poll(async () => Number(await stat('排队买家').textContent()), { timeout: 15_000 }).toBe(queuedBefore + 1);

    await pickStatus('在线');
    await expect.poll(myStatus, { timeout: 15_000 }).toBe('online');
    await expect.poll(async () => Number(await stat('排队买家').textContent()), { timeout: 15_000 }).toBe(queuedBefore);
    const owner = agentRow('林掌柜');
    await expect.poll(async () => owner.locator('.ant-badge-status-text').textContent(), { timeout: 15_000 }).toBe('在线');
    await expect.poll(async () => (await owner.locator('.ant-tag').count()) > 0, { timeout: 15_000 }).toBe(true);
    await expect.poll(async () => owner.getByTestId('board-wait').textContent(), { timeout: 15_000 }).toMatch(/^\d+ 秒$/);
  });
});
