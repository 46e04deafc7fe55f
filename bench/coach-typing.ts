import type { Page } from 'playwright-core';
import { connectBuyer, startKefu, type KefuHarness } from '../e2e/harness.js';
import { metric, percentile, result, type Bench } from './lib.js';

/**
 * Typing in the workbench with the reply coach on vs off, in headless Chromium on the built web app.
 * An in-page driver types a reply one character per `intervalMs` into the real composer (React-compatible input
 * events), with a pause every 12 characters so the debounced coach runs mid-reply; per keystroke it records the time
 * from when the key was due to the next painted frame (rAF + a message-channel tick). Lateness caused by a long
 * task (a lint run) counts, because the clock starts at the due time, not when the handler ran.
 */
interface TypingRun {
  latencies: number[];
  /** Synchronous cost of each input event (React renders discrete input events synchronously). */
  sync: number[];
  totalMs: number;
  flagsSeen: number;
}

const REPLY =
  '亲，这款是最好的面料，保证不起球哦~ 您好，我是客服小雅，M码有货的，面料是100%纯棉，透气不闷热，京东同款，今天拍下今天发货，不满意随时联系我们，加我微信也可以的~';

// Plain JS run in the page (a string, so the TS loader's helpers never leak into it).
const DRIVER = `async ({ text, intervalMs }) => {
  const ta = document.querySelector('[data-testid="composer-input"]');
  if (!ta) throw new Error('composer not found');
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
  function nextPaint() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () {
        const ch = new MessageChannel();
        ch.port1.onmessage = function () { resolve(performance.now()); };
        ch.port2.postMessage(0);
      });
    });
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  async function clear() {
    setter.call(ta, '');
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    await sleep(400);
  }
  function flags() { return document.querySelectorAll('[data-testid="coach-flag"]').length; }
  await clear();
  ta.focus();
  const latencies = [];
  const sync = [];
  let flagsSeen = 0;
  const start = performance.now();
  let due = start;
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    due += intervalMs + (i > 0 && i % 12 === 0 ? 250 : 0);
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    setter.call(ta, ta.value + chars[i]);
    const t0 = performance.now();
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    sync.push(performance.now() - t0);
    latencies.push((await nextPaint()) - due);
    flagsSeen = Math.max(flagsSeen, flags());
  }
  const totalMs = performance.now() - start;
  await sleep(500);
  flagsSeen = Math.max(flagsSeen, flags());
  await clear();
  return { latencies, sync, totalMs, flagsSeen };
}`;

async function typeIn(page: Page, text: string, intervalMs: number): Promise<TypingRun> {
  return (await page.evaluate(`(${DRIVER})(${JSON.stringify({ text, intervalMs })})`)) as TypingRun;
}

async function openConversation(h: KefuHarness, coach: boolean, shopId: string, nickname: string): Promise<Page> {
  const page = await h.newPage();
  await page.addInitScript(
    ({ id, off }: { id: string; off: boolean }) => {
      localStorage.setItem('kefu.shop', id);
      if (off) localStorage.setItem('kefu.coach', 'off');
      else localStorage.removeItem('kefu.coach');
    },
    { id: shopId, off: !coach },
  );
  await h.login(page);
  await page.goto(`${h.baseUrl}/workbench`);
  await page.getByTestId('conversation-filters').getByText(/全部|All/).click();
  const row = page.getByTestId('conversation-row').filter({ hasText: nickname });
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await page.getByTestId('composer-input').waitFor();
  return page;
}

export const bench: Bench = {
  name: 'coach-typing',
  async run({ quick }) {
    const h = await startKefu(process.env.KEFU_BENCH_WEB_DIST ? { webDist: process.env.KEFU_BENCH_WEB_DIST } : {});
    try {
      const shop = await h.server.ctx.storage.db.selectFrom('shops').select(['id', 'public_key']).where('name', '=', '小雅女装').executeTakeFirstOrThrow();
      const buyer = await connectBuyer(h.server.url, shop.public_key, '试穿的阿秀');
      await buyer.say('这条裙子有M码吗？面料是纯棉的吗？能便宜点吗？');
      const rounds = quick ? 1 : 3;
      const text = quick ? REPLY.slice(0, 48) : REPLY;
      // 80 ms a key = 12.5 keys/s, a fast typist (pinyin IMEs commit fewer, larger inputs).
      const intervalMs = 80;
      const runs: Record<'on' | 'off', TypingRun[]> = { on: [], off: [] };
      const pages = { on: await openConversation(h, true, shop.id, '试穿的阿秀'), off: await openConversation(h, false, shop.id, '试穿的阿秀') };
      await typeIn(pages.on, '热身', intervalMs);
      await typeIn(pages.off, '热身', intervalMs);
      // Alternate on/off so drift (GC, JIT, other load) hits both sides alike.
      for (let r = 0; r < rounds; r++) {
        runs.off.push(await typeIn(pages.off, text, intervalMs));
        runs.on.push(await typeIn(pages.on, text, intervalMs));
      }
      buyer.close();
      const all = (k: 'on' | 'off') => runs[k].flatMap((x) => x.latencies);
      const syncOf = (k: 'on' | 'off') => runs[k].flatMap((x) => x.sync);
      const total = (k: 'on' | 'off') => runs[k].reduce((s, x) => s + x.totalMs, 0) / runs[k].length;
      const flagsOn = Math.max(...runs.on.map((x) => x.flagsSeen));
      const flagsOff = Math.max(...runs.off.map((x) => x.flagsSeen));
      if (flagsOn === 0) throw new Error('coach on but no flag appeared: the measurement would not show coach cost');
      if (flagsOff !== 0) throw new Error('coach off but flags appeared');
      const p50on = percentile(all('on'), 50);
      const p50off = percentile(all('off'), 50);
      const p95on = percentile(all('on'), 95);
      const p95off = percentile(all('off'), 95);
      const maxOn = Math.max(...all('on'));
      const maxOff = Math.max(...all('off'));
      return result(
        'coach-typing',
        [
          metric('keystroke_render_p50_ms', percentile(syncOf('on'), 50), 'ms', 'coach off (same page, same run)', percentile(syncOf('off'), 50), '<= off + 4 ms', (m) => m.value <= m.baselineValue + 4),
          metric('keystroke_render_p95_ms', percentile(syncOf('on'), 95), 'ms', 'coach off (same page, same run)', percentile(syncOf('off'), 95), '<= off + 8 ms', (m) => m.value <= m.baselineValue + 8),
          metric('keystroke_to_paint_p50_ms', p50on, 'ms', 'coach off (same page, same run)', p50off, '<= off + 16 ms (one frame)', (m) => m.value <= m.baselineValue + 16),
          metric('keystroke_to_paint_p95_ms', p95on, 'ms', 'coach off (same page, same run)', p95off, '<= off + 16 ms (one frame)', (m) => m.value <= m.baselineValue + 16),
          metric('keystroke_to_paint_max_ms', maxOn, 'ms', 'coach off (same page, same run)', maxOff, '<= off + 50 ms (no perceptible stall)', (m) => m.value <= m.baselineValue + 50),
          metric('time_to_type_reply_ms', total('on'), 'ms', 'coach off (same page, same run)', total('off'), '<= 1.05 (typing is not slowed)', (m) => m.ratio <= 1.05),
        ],
        {
          notes: `${rounds} round(s) × ${[...text].length} chars at ${intervalMs} ms/key (+250 ms pause every 12), ${all('on').length} keystrokes per side; up to ${flagsOn} coach flags shown while typing; headless Chromium, built web app, ${quick ? 'quick' : 'full'} run.`,
        },
      );
    } finally {
      await h.close();
    }
  },
};
