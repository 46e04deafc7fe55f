import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKefu, type KefuHarness } from './harness.js';

describe('KPI dashboard', () => {
  let h: KefuHarness;
  beforeAll(async () => {
    h = await startKefu();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("renders the demo shop's charts and opens the buyers behind an agent's conversion", async () => {
    const page = await h.newPage({ width: 1366, height: 768 });
    await h.login(page);
    const answer = page.waitForResponse((r) => /\/kpis\?/.test(r.url()) && r.request().method() === 'GET');
    await page.goto(`${h.baseUrl}/dashboard`);
    await page.getByTestId('agent-table').waitFor();
    // Payment reminders of the period, by script title, as the API computed them (the demo has two weeks of them).
    const urging = ((await (await answer).json()) as { urging: Array<{ title: string; reminded: number; paid: number }> }).urging;
    expect(urging.length).toBeGreaterThan(1);
    const urgeRows = page.getByTestId('urge-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => urgeRows.count()).toBe(urging.length);
    for (const [i, u] of urging.entries()) {
      const cells = await urgeRows.nth(i).locator('td').allInnerTexts();
      expect(cells.slice(0, 3)).toEqual([u.title, String(u.reminded), String(u.paid)]);
    }
    // A script's count opens the orders behind it, success marked: the script with the fewest (the demo's figures move
    // with the date), so they fit on the drawer's first page.
    const first = [...urging].filter((u) => u.reminded > 0).sort((x, y) => x.reminded - y.reminded)[0]! as { script: string; title: string; reminded: number; paid: number };
    await page.getByTestId(`urge-reminded-${first.script}`).click();
    await expect.poll(() => page.getByTestId('drill-total').innerText().catch(() => ''), { timeout: 15_000 }).toContain(`共 ${first.reminded} 条`);
    expect(await page.locator('.ant-drawer-title').innerText()).toContain(first.title);
    // Under 20 orders (one page): each paid one is marked.
    expect(first.reminded).toBeLessThanOrEqual(20);
    expect(await page.locator('.ant-drawer-body').getByText('是', { exact: true }).count()).toBe(first.paid);
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('drill-drawer').waitFor({ state: 'detached' });
    // ECharts draws on canvas: each chart holds one once it has data.
    for (const chart of ['chart-trend', 'chart-funnel', 'chart-scenarios']) {
      await expect.poll(() => page.getByTestId(chart).locator('canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    }
    const inquirers = Number((await page.getByTestId('kpi-inquirers').locator('.ant-statistic-content-value').innerText()).replace(/,/g, ''));
    expect(inquirers).toBeGreaterThan(100);

    const link = page.getByTestId('agent-conversion-小美');
    await link.click();
    const drawer = page.getByTestId('drill-drawer');
    await drawer.waitFor();
    await expect.poll(() => page.getByTestId('drill-row').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const title = await page.locator('.ant-drawer-title').innerText();
    expect(title).toContain('小美');
    expect(title).toContain('询单→付款');
    const total = await page.getByTestId('drill-total').innerText();
    const rows = Number(/共 (\d+) 条/.exec(total)?.[1]);
    // The drawer lists exactly the payers behind 小美's conversion.
    const payersCell = await page.getByTestId('agent-table').locator('tr', { hasText: '小美' }).locator('td').nth(2).innerText();
    expect(rows).toBe(Number(payersCell));
    expect(await page.locator('.ant-drawer-body').innerText()).toContain('小美');
  });

  it('a settings change rebuilds in the background and the figures follow; an interrupted rebuild can be started again', async () => {
    const page = await h.newPage({ width: 1366, height: 768 });
    await h.login(page);
    const db = h.server.ctx.storage.db;
    const shop = await db.selectFrom('shops').select('id').where('name', '=', '山野户外旗舰店').executeTakeFirstOrThrow();
    const payers = async () => Number((await page.getByTestId('kpi-payers').locator('.ant-statistic-content-value').innerText()).replace(/,/g, ''));
    await page.goto(`${h.baseUrl}/dashboard`);
    await page.getByTestId('agent-table').waitFor();
    const before = await payers();

    // Attribution window 72 h → 1 h: fewer buyers pay within it. The save returns at once; the banner (or, on a fast
    // machine, the done message) follows, and the figures are the new ones.
    await page.getByRole('button', { name: /统计设置/ }).click();
    const win = page.locator('.ant-drawer input#attributionWindowHours');
    await win.fill('1');
    await page.locator('.ant-drawer').getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存，正在后台按新设置重算汇总').waitFor();
    await expect.poll(async () => (await db.selectFrom('kpi_settings').select('built_with').where('shop_id', '=', shop.id).executeTakeFirstOrThrow()).built_with, { timeout: 20_000 }).not.toMatch(/^rebuilding:/);
    await expect.poll(payers, { timeout: 20_000 }).toBeLessThan(before);
    expect(await page.getByTestId('rebuild-progress').count()).toBe(0);

    // A rebuild whose process stopped: the dashboard says so and an owner starts it again.
    await db.updateTable('kpi_settings').set({ built_with: 'rebuilding:gone', attribution_window_hours: 72 }).where('shop_id', '=', shop.id).execute();
    await page.reload();
    const due = page.getByTestId('rebuild-due');
    await due.waitFor();
    expect(await due.innerText()).toContain('上次重算中断');
    await page.getByTestId('rebuild-start').click();
    await page.getByText('汇总已按新设置重算完成').waitFor({ timeout: 20_000 });
    await due.waitFor({ state: 'detached' });
    await expect.poll(payers, { timeout: 10_000 }).toBe(before);
  });

  it('shows the English dashboard', async () => {
    const page = await h.newPage({ lang: 'en', width: 1366, height: 768 });
    await h.login(page);
    await page.goto(`${h.baseUrl}/dashboard`);
    await page.getByTestId('agent-table').waitFor();
    await expect.poll(() => page.getByTestId('chart-trend').locator('canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('period-figures').innerText()).toContain('Enquirers');
  });
});
