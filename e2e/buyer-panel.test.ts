import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKefu, type KefuHarness } from './harness.js';

function shanghai(ms: number): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

describe('buyer panel: urging state of the demo shop', () => {
  let h: KefuHarness;
  beforeAll(async () => {
    h = await startKefu();
  });
  afterAll(async () => h?.close());

  it("shows the unpaid order's next reminder time, the masked phone, and the strategies with evidence", async () => {
    const db = h.server.ctx.storage.db;
    const order = await db.selectFrom('orders').select(['id', 'buyer_id']).where('external_id', '=', 'DEMO-UNPAID-1').executeTakeFirstOrThrow();
    const plan = await db.selectFrom('urge_plans').select(['next_due_at']).where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(Number(plan.next_due_at)).toBeGreaterThan(Date.now());

    const page = await h.newPage();
    await h.login(page);
    await page.goto(`${h.baseUrl}/buyers`);
    await page.getByTestId('buyers-table').getByText('犹豫的小鹿').click();
    const panel = page.getByTestId('buyer-panel-commerce');
    const next = panel.getByTestId('next-reminder');
    await next.waitFor({ timeout: 15_000 });
    expect(await next.innerText()).toBe(`下次提醒：${shanghai(Number(plan.next_due_at))}`);
    expect(await page.getByTestId('buyer-drawer').innerText()).toContain('价格敏感');
    expect(await panel.innerText()).toContain('便宜');

    // The list shows the phone masked.
    await page.keyboard.press('Escape');
    const row = page.getByTestId('buyers-table').locator('tr', { hasText: '犹豫的小鹿' });
    expect(await row.innerText()).toContain('138****0000');
  });
});
