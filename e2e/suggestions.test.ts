import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBuyer, startKefu, type KefuHarness, type TestBuyer } from './harness.js';

describe('suggested replies (assist)', () => {
  let h: KefuHarness;
  let buyer: TestBuyer | undefined;
  let publicKey: string;
  beforeAll(async () => {
    h = await startKefu();
    const shop = await h.server.ctx.storage.db.selectFrom('shops').select(['public_key']).where('name', '=', '山野户外旗舰店').executeTakeFirstOrThrow();
    publicKey = shop.public_key;
  });
  afterAll(async () => {
    buyer?.close();
    await h?.close();
  });

  it('a buyer asks 能便宜点吗: bargaining replies come first and Alt+1, Enter sends one', async () => {
    const page = await h.newPage();
    // The suggestions frames as they arrive on the workbench's socket (items already sent come as numbers).
    const pushed: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => typeof f.payload === 'string' && f.payload.startsWith('{"type":"suggestions"') && pushed.push(f.payload)));
    await h.login(page);
    await page.goto(`${h.baseUrl}/workbench`);
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('已连接');
    buyer = await connectBuyer(h.server.url, publicKey, '想砍价的小周');
    await buyer.say('能便宜点吗');
    await page.getByTestId('conversation-filters').getByText('全部').click();
    await page.getByTestId('conversation-row').filter({ hasText: '想砍价的小周' }).click();
    await page.getByTestId('msg-buyer').filter({ hasText: '能便宜点吗' }).waitFor();
    if ((await page.getByTestId('accept-conversation').count()) > 0) await page.getByTestId('accept-conversation').click();

    const items = page.getByTestId('suggestion');
    await items.first().waitFor();
    expect(await page.getByTestId('suggestions-scenario').textContent()).toBe('议价');
    const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
    const rows = await h.server.ctx.storage.db.selectFrom('quick_replies').select(['id', 'scenario']).where('id', 'in', ids.slice(0, 2)).execute();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.scenario === 'bargain')).toBe(true);
    const firstText = (await items.first().locator('div > div').nth(1).textContent())!.trim();
    expect(firstText.length).toBeGreaterThan(5);

    // Two keystrokes: Alt+1 selects the first suggestion, Enter sends it.
    await page.keyboard.press('Alt+Digit1');
    await page.keyboard.press('Enter');
    await page.getByTestId('msg-agent').filter({ hasText: firstText.slice(0, 12) }).waitFor();
    await expect.poll(() => buyer!.frames.some((f) => f.type === 'message' && (f.message as { sender: string; text?: string }).sender === 'agent' && (f.message as { text?: string }).text === firstText)).toBe(true);
    // The pick was recorded for the shop's ranking.
    await expect
      .poll(async () => (await h.server.ctx.storage.db.selectFrom('suggestion_stats').select('picked').where('item_id', '=', ids[0]!).executeTakeFirst())?.picked ?? 0)
      .toBe(1);
    // Answered: the list goes away until the buyer writes again.
    await expect.poll(() => items.count()).toBe(0);

    // The next question's suggestions come with the socket's push: no request for them.
    const asked: string[] = [];
    page.on('request', (r) => {
      if (/\/conversations\/[^/]+\/suggestions$/.test(new URL(r.url()).pathname)) asked.push(r.url());
    });
    await buyer.say('包邮吗，新疆能发吗');
    await page.getByTestId('msg-buyer').filter({ hasText: '新疆能发吗' }).waitFor();
    await items.first().waitFor();
    expect(await page.getByTestId('suggestions-scenario').textContent()).toBe('运费');
    expect(asked).toEqual([]);

    // Asked again, the bargaining replies come as numbers on the socket, and the workbench shows them in full.
    const before = pushed.length;
    await buyer.say('能便宜点吗？');
    await page.getByTestId('msg-buyer').filter({ hasText: '能便宜点吗？' }).waitFor();
    await expect.poll(() => page.getByTestId('suggestions-scenario').textContent()).toBe('议价');
    // (The ranking learned from the pick, so the list may differ; items shown before come by number.)
    await expect.poll(() => pushed.slice(before).some((f) => f.includes('"ref":'))).toBe(true);
    const again = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
    expect(again.some((id) => ids.includes(id))).toBe(true);
    const texts = await Promise.all(again.map(async (_, i) => ((await items.nth(i).locator('div > div').nth(1).textContent()) ?? '').trim()));
    expect(texts.every((t) => t.length > 5)).toBe(true);
    const shown = await h.server.ctx.storage.db.selectFrom('quick_replies').select(['id', 'text']).where('id', 'in', again).execute();
    for (const r of shown) expect(texts[again.indexOf(r.id)]).toBe(r.text.replace('{买家称呼}', '亲'));
    expect(asked).toEqual([]);

    // The very same question again: the very same ranked list, sent as its number alone, shown in full.
    const shipping = pushed.find((f) => f.includes('"scenario":"shipping_fee"'))!;
    const listNo = (JSON.parse(shipping) as { items: { list: number } }).items.list;
    const beforeRepeat = pushed.length;
    await buyer.say('包邮吗，新疆能发吗');
    await expect.poll(() => page.getByTestId('suggestions-scenario').textContent()).toBe('运费');
    await expect.poll(() => pushed.slice(beforeRepeat).some((f) => f.includes(`"items":{"list":${listNo}}`))).toBe(true);
    const repeated = await items.evaluateAll((els) => els.map((e) => ((e.querySelector('div > div:nth-child(2)')?.textContent ?? '').trim())));
    expect(repeated.length).toBeGreaterThan(0);
    expect(repeated.every((t) => t.length > 5)).toBe(true);
    expect(asked).toEqual([]);
  });

  it('shows the library grouped by scenario and the knowledge base, in zh-CN and en', async () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const page = await h.newPage({ lang });
      await h.login(page);
      await page.goto(`${h.baseUrl}/quick-replies`);
      await page.getByTestId('quick-replies-page').waitFor();
      await page.getByRole('menuitem').filter({ hasText: lang === 'en' ? 'Bargaining' : '议价' }).first().click().catch(async () => {
        await page.getByRole('menuitem').nth(6).click();
      });
      await page.getByText('/jj1').first().waitFor();
      await page.goto(`${h.baseUrl}/knowledge`);
      await page.getByTestId('knowledge-page').waitFor();
      await page.getByRole('tab').nth(1).click();
      await page.getByTestId('product-card').first().waitFor();
      expect(await page.getByTestId('product-card').count()).toBe(3);
      await page.getByTestId('product-card').first().click();
      await page.locator('.ant-drawer-body').getByText(/尺码表|Size chart/).first().waitFor();
    }
  });
});
