import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, connectBuyer, type KefuHarness, startKefu, type TestBuyer } from './harness.js';

const SHOP = '山野户外旗舰店';

/** Issue 4: the shop's response target drives the red wait timers; the `/` picker fills order variables. */
describe('workbench: response target and quick-reply variables', () => {
  let h: KefuHarness;
  let page: Page;
  let shopId: string;
  let publicKey: string;
  const buyers: TestBuyer[] = [];

  beforeAll(async () => {
    h = await startKefu();
    const shop = await h.server.ctx.storage.db.selectFrom('shops').select(['id', 'public_key']).where('name', '=', SHOP).executeTakeFirstOrThrow();
    shopId = shop.id;
    publicKey = shop.public_key;
    page = await h.newPage();
    await page.addInitScript((id: string) => localStorage.setItem('kefu.shop', id), shopId);
    await h.login(page);
  });
  afterAll(async () => {
    for (const b of buyers) b.close();
    await h?.close();
  });

  async function buyerSays(nickname: string, text: string): Promise<{ conversationId: string; buyerId: string }> {
    const b = await connectBuyer(h.server.url, publicKey, nickname);
    buyers.push(b);
    const { conversationId } = await b.say(text);
    const conv = await h.server.ctx.storage.db.selectFrom('conversations').select(['buyer_id']).where('id', '=', conversationId).executeTakeFirstOrThrow();
    return { conversationId, buyerId: conv.buyer_id };
  }

  async function setTarget(seconds: number) {
    await page.goto(`${h.baseUrl}/settings/shop`);
    const input = page.locator('input#responseTargetSec');
    await input.waitFor();
    await input.fill(String(seconds));
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存').first().waitFor();
  }

  async function openRow(nickname: string) {
    await page.goto(`${h.baseUrl}/workbench`);
    await page.getByTestId('conversation-filters').getByText('全部').click();
    const row = page.getByTestId('conversation-row').filter({ hasText: nickname });
    await row.waitFor({ timeout: 15_000 });
    return row;
  }

  it("turns a wait red past the shop's target, set on the shop settings page", async () => {
    const { conversationId } = await buyerSays('慢慢等的小赵', '在吗？想问问帐篷');
    // The buyer has waited a minute: late against the default 30 s, on time against 90 s.
    await h.server.ctx.storage.db.updateTable('conversations').set({ waiting_since: Date.now() - 60_000 }).where('id', '=', conversationId).execute();

    await setTarget(90);
    expect(await page.locator('input#responseTargetSec').inputValue()).toBe('90');
    let timer = (await openRow('慢慢等的小赵')).getByTestId('wait-timer');
    await expect.poll(() => timer.textContent()).toMatch(/^1分0\d秒$/);
    expect(await timer.getAttribute('data-late')).toBe('false');
    await page.goto(`${h.baseUrl}/board`);
    await expect.poll(() => page.getByTestId('board-target').textContent()).toBe('目标 90 秒');

    await setTarget(45);
    timer = (await openRow('慢慢等的小赵')).getByTestId('wait-timer');
    await expect.poll(() => timer.getAttribute('data-late')).toBe('true');
  });

  it('fills {订单号} and {物流单号} from the buyer’s latest order when the picker inserts a reply', async () => {
    const created = await apiFromPage(page, 'POST', `/api/shops/${shopId}/quick-replies`, {
      scenario: 'logistics', title: '订单已发货', shortcut: 'ddwl', text: '亲，您的订单{订单号}已经由{快递}发出，物流单号{物流单号}，请留意查收～',
    });
    expect(created.status).toBe(201);
    const { buyerId } = await buyerSays('等快递的小王', '我买的鞋发货了吗？');
    const order = await apiFromPage(page, 'POST', `/api/shops/${shopId}/orders`, {
      externalId: 'E2E-7788', buyerId, items: [{ sku: 'trail-pro', title: 'Trail Pro 徒步鞋', quantity: 1, price: 399 }], status: 'shipped', courier: '顺丰速运', trackingNo: 'SF1234567890',
    });
    expect(order.status).toBe(201);

    await (await openRow('等快递的小王')).click();
    await page.getByTestId('msg-buyer').filter({ hasText: '发货了吗' }).waitFor();
    const input = page.getByTestId('composer-input');
    await input.fill('/ddwl');
    const option = page.getByTestId('quick-picker').getByRole('option').first();
    // The picker previews the reply as it will be inserted, order values included.
    await expect.poll(() => option.textContent(), { timeout: 15_000 }).toContain('SF1234567890');
    await input.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('亲，您的订单E2E-7788已经由顺丰速运发出，物流单号SF1234567890，请留意查收～');
    expect(await page.getByTestId('composer-unfilled').count()).toBe(0);
  });

  it('keeps unfilled variables visible, selects the first, and holds the send once', async () => {
    await buyerSays('还没下单的小陈', '你们发什么快递？');
    await (await openRow('还没下单的小陈')).click();
    await page.getByTestId('msg-buyer').filter({ hasText: '发什么快递' }).waitFor();
    if ((await page.getByTestId('accept-conversation').count()) > 0) await page.getByTestId('accept-conversation').click();
    const input = page.getByTestId('composer-input');
    await input.fill('/ddwl');
    await page.getByTestId('quick-picker').getByRole('option').first().waitFor();
    await input.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('亲，您的订单{订单号}已经由{快递}发出，物流单号{物流单号}，请留意查收～');
    const strip = page.getByTestId('composer-unfilled');
    expect(await strip.getByTestId('unfilled-var').allTextContents()).toEqual(['{订单号}', '{快递}', '{物流单号}']);
    // The first placeholder is selected: typing replaces it.
    await expect.poll(() => input.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))).toBe('{订单号}');

    await input.press('Enter');
    await expect.poll(() => strip.getAttribute('data-held')).toBe('true');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('msg-agent').filter({ hasText: '物流单号' }).count()).toBe(0);

    await strip.getByTestId('unfilled-var').filter({ hasText: '{物流单号}' }).click();
    await page.keyboard.type('稍后告诉您');
    await expect.poll(() => input.inputValue()).toContain('物流单号稍后告诉您');
    expect(await strip.getByTestId('unfilled-var').allTextContents()).toEqual(['{订单号}', '{快递}']);
  });
});
