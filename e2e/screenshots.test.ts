import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, connectBuyer, type KefuHarness, type Lang, screenshotDir, startKefu, type TestBuyer } from './harness.js';

/**
 * Every screen of the web app in zh-CN and en, written to docs/screenshots/<screen>-<lang>.png (README table).
 * Runs only with KEFU_SCREENSHOTS=1. KEFU_SCREENSHOTS_VIEWPORT=820x1180 with KEFU_SCREENSHOTS_DIR=/tmp/x shoots the
 * same tour at another size into another folder (to check a tablet layout without touching the docs).
 */
const shots = process.env.KEFU_SCREENSHOTS === '1';
const [vw, vh] = (process.env.KEFU_SCREENSHOTS_VIEWPORT ?? '1366x768').split('x').map(Number) as [number, number];
const outDir = process.env.KEFU_SCREENSHOTS_DIR ?? screenshotDir;
/** The tablet picture of the workbench (iPad Air portrait). */
const TABLET = { width: 820, height: 1180 };
const SHOP = '山野户外旗舰店';
const ordersFixture = fileURLToPath(new URL('../packages/server/src/cli/commands/fixtures/ExportOrderList-utf8.csv', import.meta.url));

describe.runIf(shots)('screenshots of every screen (KEFU_SCREENSHOTS=1)', () => {
  let h: KefuHarness;
  let shopId: string;
  let publicKey: string;
  let tmp: string;
  const buyers: TestBuyer[] = [];

  beforeAll(async () => {
    // Without a CJK font Chromium draws every Chinese character as a box: refuse to overwrite the docs with that.
    let cjk = '';
    try {
      cjk = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
    } catch {
      // No fontconfig: Chromium has no fonts either.
    }
    if (!cjk.trim()) throw new Error('no Chinese font for Chromium: apt-get install -y fonts-noto-cjk');
    h = await startKefu();
    tmp = mkdtempSync(join(tmpdir(), 'kefu-shots-'));
    const shop = await h.server.ctx.storage.db.selectFrom('shops').select(['id', 'public_key']).where('name', '=', SHOP).executeTakeFirstOrThrow();
    shopId = shop.id;
    publicKey = shop.public_key;

    // One owner session sets the scene: live buyers on the workbench, an order to fill variables from, a closed
    // conversation for 质检, a quick reply with order variables.
    const setup = await h.newPage();
    await setup.addInitScript((id: string) => localStorage.setItem('kefu.shop', id), shopId);
    await h.login(setup);
    expect((await apiFromPage(setup, 'PUT', '/api/presence', { status: 'online' })).status).toBe(200);
    expect(
      (await apiFromPage(setup, 'POST', `/api/shops/${shopId}/quick-replies`, { scenario: 'logistics', title: '订单已发货', shortcut: 'ddwl', text: '亲，您的订单{订单号}已经由{快递}发出，物流单号{物流单号}，请留意查收～' })).status,
    ).toBe(201);
    const db = h.server.ctx.storage.db;
    const say = async (nickname: string, ...texts: string[]) => {
      const b = await connectBuyer(h.server.url, publicKey, nickname);
      buyers.push(b);
      for (const t of texts) await b.say(t);
      const conv = await db.selectFrom('conversations').select(['id', 'buyer_id']).where('id', '=', b.conversationId!).executeTakeFirstOrThrow();
      return { b, conv };
    };
    const reply = async (conversationId: string, text: string) =>
      expect((await apiFromPage(setup, 'POST', `/api/shops/${shopId}/conversations/${conversationId}/messages`, { clientId: `shot-${Math.random().toString(36).slice(2)}`, kind: 'text', text })).status).toBe(201);

    const done = await say('已下单的小孙', '这款冲锋衣 L 码还有吗？');
    await reply(done.conv.id, '亲，L码有现货的哦，今天拍下今天就能发出～');
    await done.b.say('好的，已经拍了，谢谢');
    await reply(done.conv.id, '感谢亲的支持，我们会尽快为您安排发货，有问题随时找我哦～');
    expect((await apiFromPage(setup, 'POST', `/api/shops/${shopId}/conversations/${done.conv.id}/close`, {})).status).toBe(200);

    await say('想砍价的小周', '能便宜点吗？两件有优惠吗');
    const camper = await say('露营的小林', '这个链接拍不了，帮我看看 http://cheap-tent.top/item?id=8');
    // A minute and a half without an answer: red against the 30 s target.
    await db.updateTable('conversations').set({ waiting_since: Date.now() - 95_000 }).where('id', '=', camper.conv.id).execute();

    const hiker = await say('爬山的阿杰', '你好，这双 Trail Pro 登山鞋有42码吗？');
    await reply(hiker.conv.id, '亲，42码有现货的，今天下单明天就能发出哦');
    expect(
      (await apiFromPage(setup, 'POST', `/api/shops/${shopId}/orders`, {
        externalId: '3150287746120395', buyerId: hiker.conv.buyer_id, items: [{ sku: 'trail-pro', title: 'Trail Pro 徒步鞋', quantity: 1, price: 399 }],
        status: 'shipped', paidAmount: 379, courier: '顺丰速运', trackingNo: 'SF1426037781520',
        address: { name: '王杰', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号' },
      })).status,
    ).toBe(201);
    await hiker.b.say('好的。我上周买的那双发货了吗？单号多少');
    await setup.close();
  });
  afterAll(async () => {
    for (const b of buyers) b.close();
    await h?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function open(lang: Lang, size = { width: vw, height: vh }): Promise<Page> {
    const page = await h.newPage({ lang, ...size });
    await page.addInitScript((id: string) => localStorage.setItem('kefu.shop', id), shopId);
    return page;
  }
  const shot = (page: Page, name: string, lang: Lang) => h.screenshot(page, `${name}-${lang}`, outDir);

  async function openConversation(page: Page, lang: Lang, nickname: string) {
    await page.goto(`${h.baseUrl}/workbench`);
    await page.getByTestId('conversation-filters').getByText(lang === 'en' ? 'All' : '全部').click();
    await page.getByTestId('conversation-row').filter({ hasText: nickname }).click();
    await page.getByTestId('msg-buyer').first().waitFor();
    if ((await page.getByTestId('accept-conversation').count()) > 0) await page.getByTestId('accept-conversation').click();
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`workbench (${lang})`, async () => {
      const page = await open(lang);
      await page.goto(`${h.baseUrl}/login`);
      await page.locator('input#email').waitFor();
      await shot(page, 'login', lang);
      await h.login(page);
      await page.getByTestId('greeting').waitFor();
      await shot(page, 'home', lang);

      await openConversation(page, lang, '爬山的阿杰');
      await page.getByTestId('suggestion').first().waitFor({ timeout: 15_000 });
      await page.getByTestId('wait-timer').first().waitFor();
      await shot(page, 'workbench', lang);

      const input = page.getByTestId('composer-input');
      await input.fill('/');
      await page.getByTestId('quick-picker').getByRole('option').first().waitFor();
      await shot(page, 'workbench-picker', lang);
      await input.press('Escape');
      await input.fill('');

      await page.getByTestId('message-list').click();
      await page.keyboard.press('?');
      await page.getByRole('dialog').waitFor();
      await shot(page, 'workbench-shortcuts', lang);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });

      // A buyer without orders: the reply keeps {订单号} … for the agent, listed above the box.
      await openConversation(page, lang, '露营的小林');
      await input.fill('/ddwl');
      await page.getByTestId('quick-picker').getByRole('option').first().waitFor();
      await input.press('Enter');
      await page.getByTestId('composer-unfilled').waitFor();
      await shot(page, 'workbench-variables', lang);

      // Guard on the buyer's foreign link, coach flags on the draft.
      await input.fill('亲，这是京东同款，最好的面料，保证不起球');
      await page.getByTestId('coach-flag').first().waitFor();
      await page.getByTestId('guard-alert').waitFor();
      if (lang === 'en') expect(await page.getByTestId('guard-alert').innerText()).not.toMatch(/[\u4e00-\u9fff]{4}/);
      await shot(page, 'workbench-coach', lang);
      await input.fill('');

      const tablet = await open(lang, TABLET);
      await h.login(tablet);
      await openConversation(tablet, lang, '爬山的阿杰');
      await tablet.getByTestId('suggestion').first().waitFor({ timeout: 15_000 });
      await shot(tablet, 'workbench-tablet', lang);
      await tablet.close();
      await page.close();
    });

    it(`buyers, orders, quick replies, knowledge (${lang})`, async () => {
      const page = await open(lang);
      await h.login(page);
      await page.goto(`${h.baseUrl}/buyers`);
      await page.getByTestId('buyers-table').getByText('犹豫的小鹿').waitFor();
      await shot(page, 'buyers', lang);
      await page.getByTestId('buyers-table').getByText('犹豫的小鹿').click();
      const next = page.getByTestId('buyer-panel-commerce').getByTestId('next-reminder');
      await next.waitFor({ timeout: 15_000 });
      await shot(page, 'buyer-detail', lang);
      await next.scrollIntoViewIfNeeded();
      await shot(page, 'buyer-panel-urging', lang);
      await page.keyboard.press('Escape');

      await page.goto(`${h.baseUrl}/orders`);
      const rows = page.getByTestId('orders-table').locator('.ant-table-row');
      await rows.first().waitFor();
      await shot(page, 'orders', lang);
      await rows.first().click();
      await page.getByTestId('order-drawer').waitFor();
      await shot(page, 'order-detail', lang);
      await page.keyboard.press('Escape');
      await page.getByTestId('order-drawer').waitFor({ state: 'hidden' });
      await page.getByTestId('open-import').click();
      await page.locator('[data-testid="import-upload"] input[type="file"], .ant-upload input[type="file"]').first().setInputFiles(ordersFixture);
      await page.getByTestId('import-summary').waitFor({ timeout: 30_000 });
      await shot(page, 'orders-import', lang);

      await page.goto(`${h.baseUrl}/quick-replies`);
      await page.getByTestId('quick-replies-page').waitFor();
      await page.getByRole('menuitem').filter({ hasText: lang === 'en' ? 'Bargaining' : '议价' }).first().click();
      await page.getByText('/jj1').first().waitFor();
      await shot(page, 'quick-replies', lang);
      const csv = join(tmp, `quick-replies-${lang}.csv`);
      writeFileSync(csv, ['scenario,title,text,safe_for_auto', `bargain,满减提醒 ${lang},"亲，今天满 199 减 20，{买家称呼}可以凑个单哦",0`, 'bargain,缺内容', 'flying,未知场景,内容,0'].join('\r\n'));
      await page.getByTestId('qr-import').click();
      await page.locator('[data-testid="qr-import-drop"] input[type="file"], .ant-modal .ant-upload input[type="file"]').first().setInputFiles(csv);
      await page.getByTestId('qr-import-result').waitFor({ timeout: 15_000 });
      await shot(page, 'quick-replies-import', lang);

      await page.goto(`${h.baseUrl}/knowledge`);
      await page.getByTestId('knowledge-page').waitFor();
      await shot(page, 'knowledge', lang);
      await page.getByRole('tab').nth(1).click();
      await page.getByTestId('product-card').first().click();
      await page.locator('.ant-drawer-body').getByText(/尺码表|Size chart/).first().waitFor();
      await shot(page, 'knowledge-product', lang);
      await page.close();
    });

    it(`dashboard, board, reviews, urging (${lang})`, async () => {
      const page = await open(lang);
      await h.login(page);
      await page.goto(`${h.baseUrl}/dashboard`);
      await page.getByTestId('agent-table').waitFor();
      for (const chart of ['chart-trend', 'chart-funnel', 'chart-scenarios']) {
        await expect.poll(() => page.getByTestId(chart).locator('canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      }
      await shot(page, 'dashboard', lang);
      await page.goto(`${h.baseUrl}/board`);
      await page.getByTestId('board-wait').first().waitFor({ timeout: 15_000 });
      await shot(page, 'board', lang);
      await page.goto(`${h.baseUrl}/reviews`);
      const row = page.locator('.ant-table-row').filter({ hasText: '已下单的小孙' });
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      await page.getByTestId('review-transcript').waitFor();
      await shot(page, 'reviews', lang);
      await page.goto(`${h.baseUrl}/urging`);
      await page.getByTestId('scripts-table').locator('.ant-table-row').first().waitFor();
      await shot(page, 'urging', lang);
      await page.close();
    });

    it(`settings and account (${lang})`, async () => {
      const page = await open(lang);
      await h.login(page);
      for (const [path, name, ready] of [
        ['/settings/shop', 'settings-shop', 'input#responseTargetSec'],
        ['/settings/agents', 'settings-agents', '[data-testid="invite-agent"]'],
        ['/settings/auto-reply', 'settings-auto-reply', 'textarea#greeting_greeting'],
        ['/settings/routing', 'settings-routing', '[data-testid="groups-table"]'],
        ['/settings/hours', 'settings-hours', '[data-testid="hours-day-1"]'],
        ['/settings/coach', 'settings-coach', '[data-testid="coach-settings-save"]'],
        ['/settings/ladder', 'settings-ladder', '[data-testid="ladder-settings"]'],
      ] as const) {
        await page.goto(`${h.baseUrl}${path}`);
        await page.locator(ready).first().waitFor();
        await shot(page, name, lang);
      }
      await page.goto(`${h.baseUrl}/settings/agents`);
      await page.getByText('owner@demo.kefu').waitFor();
      await page.getByTestId('invite-agent').click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('input#email').fill(`xiaolan-${lang.toLowerCase()}@demo.kefu`);
      await dialog.locator('input#displayName').fill('小兰');
      await dialog.locator('.ant-btn-primary').last().click();
      await page.getByTestId('initial-password').waitFor();
      await shot(page, 'invite-password', lang);
      await page.getByTestId('initial-password-done').click();

      await page.getByTestId('user-menu').click();
      await page.getByText(lang === 'en' ? 'Change password' : '修改密码').click();
      await page.getByRole('dialog').waitFor();
      await shot(page, 'change-password', lang);
      await page.close();
    });
  }

  it('storefront chat, as the buyer sees it (zh-CN only: the widget speaks the shop’s language)', async () => {
    const page = await open('zh-CN');
    await page.goto(`${h.baseUrl}/demo`);
    await page.getByTestId('kefu-launcher').click();
    const frame = page.frameLocator('[data-testid="kefu-frame"]');
    await frame.getByTestId('kf-input').waitFor();
    await expect.poll(() => frame.locator('.kf-title').textContent(), { timeout: 15_000 }).toContain(SHOP);
    await frame.getByTestId('kf-input').fill('你好，Trail Pro 42码还有货吗？');
    await frame.getByTestId('kf-input').press('Enter');
    await frame.getByTestId('kf-msg-auto').first().waitFor({ timeout: 10_000 });
    await shot(page, 'storefront-chat', 'zh-CN');
    await page.close();
  });
});
