// Suggestion ranking latency over a 10,000-item quick-reply/FAQ library (docs/ASSIST.md).
import { performance } from 'node:perf_hooks';
import { createSuggestionIndex, demoSuggestItems, suggest, type PickStats, type SuggestItem, type SuggestQuery } from '@kefu/core';
import type { ScenarioId } from '@kefu/contracts';
import { metric, percentile, result, type Bench } from './lib.js';

const LIBRARY_SIZE = 10_000;

// Buyer messages written for this bench (not taken from any real chat log), with the scenario a
// classifier would give and, for some, a runner-up.
const MESSAGES: { scenario: ScenarioId; text: string; alt?: { scenario: ScenarioId; score: number }; sku?: string }[] = [
  { scenario: 'greeting', text: '在吗' },
  { scenario: 'greeting', text: '掌柜的在不在呀' },
  { scenario: 'product_info', text: '这双登山鞋下雨天能穿吗，会不会进水', sku: 'QH-HK01' },
  { scenario: 'product_info', text: '鞋底防滑吗，走石头路会不会打滑' },
  { scenario: 'product_info', text: '连衣裙透不透，要不要穿打底', sku: 'QH-W02' },
  { scenario: 'recommend', text: '第一次去爬山买哪双比较好' },
  { scenario: 'recommend', text: '想给我妈买一双走路穿的，推荐一下', alt: { scenario: 'size', score: 0.2 } },
  { scenario: 'stock', text: '42码的军绿色还有货吗', sku: 'QH-HK01' },
  { scenario: 'stock', text: '米白色什么时候补货啊' },
  { scenario: 'size', text: '我平时穿38，脚有点宽，拍几码合适', alt: { scenario: 'recommend', score: 0.3 } },
  { scenario: 'size', text: '身高160体重105斤穿什么码' },
  { scenario: 'size', text: '这个鞋偏大还是偏小' },
  { scenario: 'bargain', text: '老板能便宜点吗' },
  { scenario: 'bargain', text: '便宜20我马上拍，不行就算了' },
  { scenario: 'bargain', text: '别家都打折你们怎么不打' },
  { scenario: 'promotion', text: '现在有什么活动吗，有没有优惠券' },
  { scenario: 'promotion', text: '买两件有赠品吗', alt: { scenario: 'bargain', score: 0.4 } },
  { scenario: 'shipping_fee', text: '新疆包邮吗' },
  { scenario: 'shipping_fee', text: '运费能不能少点', alt: { scenario: 'bargain', score: 0.5 } },
  { scenario: 'authenticity', text: '是正品吗，能去专柜验货吗' },
  { scenario: 'authenticity', text: '会不会是假货啊' },
  { scenario: 'quality', text: '针织衫会起球吗', sku: 'QH-W01' },
  { scenario: 'quality', text: '质量怎么样，耐穿吗' },
  { scenario: 'color_diff', text: '实物和图片颜色一样吗，有没有色差' },
  { scenario: 'ship_time', text: '今天拍什么时候发货，几天能到上海' },
  { scenario: 'courier', text: '能发顺丰吗' },
  { scenario: 'payment', text: '付款一直失败怎么回事', alt: { scenario: 'other', score: 0.2 } },
  { scenario: 'payment', text: '可以用花呗吗' },
  { scenario: 'invoice', text: '能开发票吗，公司报销用' },
  { scenario: 'order_change', text: '地址写错了帮我改一下' },
  { scenario: 'order_change', text: '拍错颜色了，想要黑色的' },
  { scenario: 'logistics', text: '快递怎么还没到，都三天了' },
  { scenario: 'logistics', text: '物流显示签收了但我没收到' },
  { scenario: 'quality_problem', text: '鞋子穿了两次就开胶了', alt: { scenario: 'return_refund', score: 0.3 } },
  { scenario: 'exchange', text: '小了，能换大一码吗', alt: { scenario: 'return_shipping', score: 0.3 } },
  { scenario: 'return_refund', text: '不喜欢想退货，退款多久到账' },
  { scenario: 'return_shipping', text: '换货运费谁出' },
  { scenario: 'complaint', text: '什么破服务，我要投诉，给你差评' },
  { scenario: 'thanks_bye', text: '好的谢谢' },
  { scenario: 'off_platform', text: '加个好友吧，我发视频给你看' },
  { scenario: 'other', text: '你们店在哪个城市' },
];

// Paraphrased FAQ questions and the FAQ each should surface (quality check on the seeded library).
const FAQ_PROBES: { scenario: ScenarioId; text: string; expect: string }[] = [
  { scenario: 'product_info', text: '雨天穿着湿不湿脚', expect: 'faq-p01' },
  { scenario: 'product_info', text: '夏天穿会不会很闷很热', expect: 'faq-p02' },
  { scenario: 'product_info', text: '石头路上容易滑倒吗', expect: 'faq-p03' },
  { scenario: 'product_info', text: '这鞋沉不沉，穿久了累不累', expect: 'faq-p04' },
  { scenario: 'product_info', text: '里面那个垫子能抽出来洗吗', expect: 'faq-p05' },
  { scenario: 'product_info', text: '皮面脏了怎么打理', expect: 'faq-p06' },
  { scenario: 'quality', text: '开衫穿久了会不会毛毛躁躁的', expect: 'faq-p07' },
  { scenario: 'quality', text: '卫衣洗完会变小吗', expect: 'faq-p09' },
  { scenario: 'product_info', text: '高帮的和低帮的有啥不同', expect: 'faq-p10' },
  { scenario: 'size', text: '我一般穿38的，这双要不要拍大一码', expect: 'faq-p11' },
  { scenario: 'recommend', text: '头一回爬山，不知道穿什么鞋', expect: 'faq-r01' },
  { scenario: 'recommend', text: '给家里老人挑双好走路的', expect: 'faq-r03' },
  { scenario: 'recommend', text: '冬天去长白山看雪穿哪双', expect: 'faq-r05' },
  { scenario: 'shipping_fee', text: '寄西藏那边运费怎么算', expect: 'faq-t02' },
  { scenario: 'ship_time', text: '下午三点付款今天能发出去吗', expect: 'faq-t03' },
  { scenario: 'return_shipping', text: '退回去的邮费我出还是你们出', expect: 'faq-t06' },
  { scenario: 'order_change', text: '码数选错了能帮我换一下吗', expect: 'faq-t08' },
  { scenario: 'payment', text: '支持分期付吗', expect: 'faq-t09' },
];

// Deterministic generator so every run builds the same library.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

const OPENERS = ['', '亲，', '亲亲，', '您好，', '{买家称呼}，'];
const CLOSERS = ['', '～', '哦～', '呢', '，谢谢亲～'];
const SKUS = ['QH-HK01', 'QH-HK02', 'QH-HK03', 'QH-W01', 'QH-W02', 'QH-W03', 'QH-W04', 'QH-W05'];

/** Seeded replies and FAQ × variations (openers, closers, product-bound copies) up to `size` items. */
export function buildLibrary(size: number): { items: SuggestItem[]; shopStats: Map<string, PickStats> } {
  const base = demoSuggestItems();
  const rnd = lcg(42);
  const items: SuggestItem[] = [];
  const shopStats = new Map<string, PickStats>();
  for (let v = 0; items.length < size; v++) {
    for (const it of base) {
      if (items.length >= size) break;
      const opener = OPENERS[Math.floor(rnd() * OPENERS.length)]!;
      const closer = CLOSERS[Math.floor(rnd() * CLOSERS.length)]!;
      const item: SuggestItem = {
        ...it,
        id: v === 0 ? it.id : `${it.id}~${v}`,
        title: v === 0 ? it.title : `${it.title}（${v}）`,
        text: v === 0 ? it.text : `${opener}${it.text.replace(/^亲，/, '')}${closer}`,
        ...(v > 0 && rnd() < 0.3 ? { productSku: SKUS[Math.floor(rnd() * SKUS.length)]! } : {}),
      };
      items.push(item);
      if (rnd() < 0.3) {
        const shown = Math.floor(rnd() * 200);
        shopStats.set(item.id, { shown, picked: Math.floor(rnd() * (shown + 1)) });
      }
    }
  }
  return { items, shopStats };
}

/** The baseline: a linear scan scoring every item by scenario equality only, then a sort. */
function linearScan(items: readonly SuggestItem[], scenario: ScenarioId, limit: number): string[] {
  const scored: { id: string; score: number; i: number }[] = [];
  for (let i = 0; i < items.length; i++) scored.push({ id: items[i]!.id, score: items[i]!.scenario === scenario ? 1 : 0, i });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).filter((s) => s.score > 0).map((s) => s.id);
}

/** Quality baseline: scenario equality plus keywords found verbatim in the message (what a simple keyword FAQ does). */
function keywordScan(items: readonly SuggestItem[], scenario: ScenarioId, text: string, limit: number): string[] {
  const scored = items.map((it, i) => ({ id: it.id, i, score: (it.scenario === scenario ? 1 : 0) + (it.keywords ?? []).filter((k) => text.includes(k)).length }));
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).filter((s) => s.score > 0).map((s) => s.id);
}

function toQuery(m: (typeof MESSAGES)[number], shopStats: Map<string, PickStats>): SuggestQuery {
  return { scenario: m.scenario, text: m.text, shopStats, ...(m.alt ? { alternatives: [m.alt] } : {}), ...(m.sku ? { productSku: m.sku } : {}) };
}

export const bench: Bench = {
  name: 'suggest',
  async run({ quick }) {
    const queries = quick ? 3_000 : 50_000;
    const { items, shopStats } = buildLibrary(LIBRARY_SIZE);

    const t0 = performance.now();
    const index = createSuggestionIndex(items);
    const buildMs = performance.now() - t0;

    const prepared = MESSAGES.map((m) => toQuery(m, shopStats));
    for (let i = 0; i < 500; i++) suggest(index, prepared[i % prepared.length]!);
    for (let i = 0; i < 50; i++) linearScan(items, MESSAGES[i % MESSAGES.length]!.scenario, 5);

    // Interleave the two so both see the same machine state.
    const fast: number[] = [];
    const naive: number[] = [];
    const naiveEvery = quick ? 3 : 10;
    let sink = 0;
    for (let i = 0; i < queries; i++) {
      const q = prepared[i % prepared.length]!;
      let t = performance.now();
      sink += suggest(index, q).length;
      fast.push(performance.now() - t);
      if (i % naiveEvery === 0) {
        t = performance.now();
        sink += linearScan(items, q.scenario, 5).length;
        naive.push(performance.now() - t);
      }
    }
    if (sink === 0) throw new Error('no suggestions returned');

    // Quality: does the intended FAQ reach the top 3 on the seeded library?
    const seeded = demoSuggestItems();
    const seededIndex = createSuggestionIndex(seeded);
    const hits = FAQ_PROBES.filter((p) => suggest(seededIndex, { scenario: p.scenario, text: p.text }, 3).some((s) => s.id === p.expect)).length;
    const naiveHits = FAQ_PROBES.filter((p) => keywordScan(seeded, p.scenario, p.text, 3).includes(p.expect)).length;

    const p99 = percentile(fast, 99);
    const p50 = percentile(fast, 50);
    return result(
      'suggest',
      [
        metric('suggest_p99_ms', p99, 'ms', 'linear scan, scenario equality only (p99)', percentile(naive, 99), '< 1 ms', (m) => m.value < 1),
        metric('suggest_p50_ms', p50, 'ms', 'linear scan, scenario equality only (p50)', percentile(naive, 50), '< 0.25 ms', (m) => m.value < 0.25),
        metric('faq_hit_at_3', hits / FAQ_PROBES.length, 'share', 'scenario + verbatim keyword match', naiveHits / FAQ_PROBES.length, '>= 0.85 and > baseline', (m) => m.value >= 0.85 && m.value > m.baselineValue),
      ],
      {
        notes: `${items.length} items (${seeded.length} seeded × variations), ${queries} queries over ${MESSAGES.length} buyer messages, shop stats on ${shopStats.size} items; index build ${buildMs.toFixed(0)} ms; FAQ probes ${hits}/${FAQ_PROBES.length} vs ${naiveHits}/${FAQ_PROBES.length}`,
      },
    );
  },
};
