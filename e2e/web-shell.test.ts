import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKefu, type KefuHarness } from './harness.js';

describe('web shell', () => {
  let h: KefuHarness;
  beforeAll(async () => {
    h = await startKefu();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('logs in through the login page and shows the dashboard shell', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.waitForURL(/\/login$/);
    expect(await page.title()).toBe('Kefu 客服工作台');
    await h.login(page);
    await expect.poll(() => page.getByTestId('greeting').textContent()).toBe('欢迎回来，林掌柜');
    const menu = await page.getByTestId('main-menu').innerText();
    for (const item of ['接待台', '买家', '订单', '快捷短语', '知识库', '数据看板', '质检', '催付', '设置']) expect(menu).toContain(item);
  });

  it("shows today's figures of the current shop on the home page, as the live API gives them, and opens the dashboard", async () => {
    const page = await h.newPage();
    await h.login(page);
    const card = page.getByTestId('home-today');
    await card.getByTestId('home-inquirers').waitFor();
    const me = (await (await page.request.get(`${h.baseUrl}/api/auth/me`)).json()) as { shops: Array<{ id: string; name: string }> };
    const title = await card.locator('.ant-card-head-title').innerText();
    const shop = me.shops.find((s) => title.startsWith(s.name));
    expect(shop, title).toBeDefined();
    expect(title).toContain('今日实时');
    const live = (await (await page.request.get(`${h.baseUrl}/api/shops/${shop!.id}/kpis/live`)).json()) as {
      waiting: number;
      kpis: { inquirers: number; inquiryConversion: number | null; revenue: number };
    };
    // The demo shop has today's chats and orders: figures that are not all zero.
    expect(live.kpis.inquirers).toBeGreaterThan(0);
    const value = async (id: string) => (await card.getByTestId(id).locator('.ant-statistic-content').innerText()).replace(/[\s,]/g, ''); // Statistic groups thousands: 1,425.20
    expect(await value('home-inquirers')).toBe(String(live.kpis.inquirers));
    expect(await value('home-waiting')).toBe(String(live.waiting));
    const rate = live.kpis.inquiryConversion === null ? '—' : `${(Math.round(live.kpis.inquiryConversion * 1000) / 10).toFixed(1)}%`;
    expect(await value('home-conversion')).toBe(rate);
    expect(await value('home-revenue')).toBe(live.kpis.revenue.toFixed(2));
    expect(await card.innerText()).not.toContain('上线后');
    await card.getByRole('button', { name: /数据看板/ }).click();
    await page.waitForURL(/\/dashboard$/);
  });

  it('shows the generic error for a wrong password and stays on the login page', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/login`);
    await page.locator('input#email').fill(h.demo.email);
    await page.locator('input#password').fill('definitely-wrong-password');
    await page.locator('input#password').press('Enter');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('邮箱或密码不正确');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByTestId('main-menu').count()).toBe(0);
  });

  it('lets the owner invite an agent and shows the one-time password, which signs in', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/settings/agents`);
    await page.getByText('owner@demo.kefu').waitFor();
    await page.getByTestId('invite-agent').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input#email').fill('xiaolan@demo.kefu');
    await dialog.locator('input#displayName').fill('小兰');
    await dialog.getByRole('button', { name: /发送邀请/ }).click();
    const pwd = page.getByTestId('initial-password');
    await pwd.waitFor();
    const password = (await pwd.innerText()).trim();
    expect(password.length).toBeGreaterThanOrEqual(10);
    await page.getByTestId('initial-password-done').click();
    await page.getByRole('cell', { name: 'xiaolan@demo.kefu' }).waitFor();

    const other = await h.newPage();
    await h.login(other, { email: 'xiaolan@demo.kefu', password });
    await expect.poll(() => other.getByTestId('greeting').textContent()).toBe('欢迎回来，小兰');
  });

  it('switches the language to English and the menu follows (and stays after reload)', async () => {
    const page = await h.newPage();
    await h.login(page);
    expect(await page.getByTestId('main-menu').innerText()).toContain('接待台');
    await page.getByTestId('language-switch').click();
    await page.getByTitle('English').click();
    await expect.poll(() => page.getByTestId('main-menu').innerText()).toContain('Inbox');
    expect(await page.getByTestId('main-menu').innerText()).not.toContain('接待台');
    await page.reload();
    await expect.poll(() => page.getByTestId('greeting').textContent()).toBe('Welcome back, 林掌柜');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  });
});
