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

  it('shows the English dashboard', async () => {
    const page = await h.newPage({ lang: 'en', width: 1366, height: 768 });
    await h.login(page);
    await page.goto(`${h.baseUrl}/dashboard`);
    await page.getByTestId('agent-table').waitFor();
    await expect.poll(() => page.getByTestId('chart-trend').locator('canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('period-figures').innerText()).toContain('Enquirers');
  });
});
