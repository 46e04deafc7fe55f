import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKefu, type KefuHarness } from './harness.js';

describe('settings: auto replies and routing', () => {
  let h: KefuHarness;
  beforeAll(async () => {
    h = await startKefu();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lets the owner switch the greeting to greeting + promotion, edit it and keep it after reload', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/settings/auto-reply`);
    await page.locator('textarea#greeting_greeting').waitFor();
    expect(await page.getByTestId('autoreply-variables').innerText()).toContain('{shop}');

    await page.getByTestId('autoreply-variant').getByText('问候 + 活动').click();
    const promo = page.locator('textarea#greeting_promotion');
    await promo.waitFor({ state: 'visible' });
    await promo.fill('本周全场满 299 减 50，欢迎选购！');
    await expect.poll(() => page.getByTestId('autoreply-preview').innerText()).toContain('本周全场满 299 减 50');
    await page.getByTestId('autoreply-save').click();
    await page.getByText('已保存').waitFor();

    await page.reload();
    await page.locator('textarea#greeting_promotion').waitFor({ state: 'visible' });
    expect(await page.locator('textarea#greeting_promotion').inputValue()).toBe('本周全场满 299 减 50，欢迎选购！');
    expect(await page.getByTestId('autoreply-variant').locator('input[value="greeting_promotion"]').isChecked()).toBe(true);
  });

  it('lets the owner create an after-sales group with 小雅 and lists it', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/settings/routing`);
    await page.getByTestId('routing-rules').waitFor();
    expect(await page.getByTestId('routing-rules').innerText()).toContain('排队');
    await page.getByTestId('new-group').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input#name').fill('售后组');
    await dialog.locator('.ant-form-item').filter({ hasText: '类型' }).locator('.ant-select').click();
    await page.locator('.ant-select-item-option[title="售后"]').click();
    await dialog.locator('.ant-form-item').filter({ hasText: '成员' }).locator('.ant-select').click();
    await page.locator('.ant-select-item-option[title="小雅"]').click();
    await dialog.locator('input#name').click();
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('分组已创建').waitFor();

    const row = page.getByTestId('groups-table').getByRole('row').filter({ hasText: '售后组' });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('售后');
    expect(text).toContain('小雅');
  });
});
