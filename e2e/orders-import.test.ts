import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKefu, type KefuHarness } from './harness.js';

const fixture = fileURLToPath(new URL('../packages/server/src/cli/commands/fixtures/ExportOrderList-utf8.csv', import.meta.url));

describe('orders: importing a Taobao export in the browser', () => {
  let h: KefuHarness;
  beforeAll(async () => {
    h = await startKefu();
  });
  afterAll(async () => h?.close());

  it('shows progress, then a summary with the skipped lines and their reasons; the orders appear in the list', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/orders`);
    await page.getByTestId('orders-table').waitFor();
    await page.getByTestId('open-import').click();
    await page.locator('[data-testid="import-upload"] input[type="file"], .ant-upload input[type="file"]').first().setInputFiles(fixture);
    await page.getByTestId('import-progress').waitFor({ timeout: 20_000 });
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 30_000 });
    const text = await summary.innerText();
    expect(text).toMatch(/新增\s*\n?\s*[4-9]/);
    expect(text).toContain('跳过');
    const errors = page.getByTestId('import-errors');
    await expect(errors.innerText()).resolves.toContain('订单创建时间看不懂：昨天下午');
    expect(await page.getByTestId('import-progress').innerText()).toMatch(/100%|已处理 \d+ \/ \d+ 行/);
    await page.locator('.ant-modal-footer button.ant-btn-primary').click();
    // Other demo data fills the first pages: find the imported unpaid order by its number.
    await page.getByPlaceholder('订单号、买家或商品').fill('2013090112345602');
    await page.getByPlaceholder('订单号、买家或商品').press('Enter');
    const row = page.getByTestId('orders-table').locator('tr', { hasText: '星星点灯' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toContain('待付款');
  });
});
