import { SCENARIO_IDS, type ScenarioId } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { NEVER_AUTO_SCENARIOS } from '../assist/auto-answer.js';
import { fillVariables } from '../assist/variables.js';
import { DEFAULT_URGING_SCRIPT_IDS } from '../urging/scripts.js';
import { AFTER_PAYMENT_REPLIES, AUTO_REPLIES, DEMO_SHOP_SEED, FAQ, PRODUCTS, QUICK_REPLIES, URGING_SCRIPTS, demoSuggestItems } from './index.js';

// A small local check; the full reply coach lives in its own area.
const FORBIDDEN: readonly [string, RegExp][] = [
  ['站外联系方式', /微信|weixin|vx|v信|qq|扣扣|加我|手机号|电话号/i],
  ['绝对化承诺', /绝对|保证|肯定|一定|百分之?百|100%|永远|永不/],
  ['广告法极限词', /最|第一(?!次)|顶级|极品|全网|唯一|独家|国家级|万能|首选/],
  ['冷硬拒绝', /从来不降价|找别家|就是这样的|坚决不|爱买不买/],
];

function violations(text: string): string[] {
  return FORBIDDEN.filter(([, re]) => re.test(text)).map(([name]) => name);
}

const allTexts: { where: string; text: string }[] = [
  ...QUICK_REPLIES.flatMap((r) => [
    { where: r.id, text: r.text },
    { where: `${r.id}.title`, text: r.title },
  ]),
  ...AUTO_REPLIES.map((r) => ({ where: r.id, text: r.text })),
  ...AFTER_PAYMENT_REPLIES.map((r) => ({ where: r.id, text: r.text })),
  ...URGING_SCRIPTS.map((r) => ({ where: r.id, text: r.text })),
  ...FAQ.flatMap((f) => [
    { where: f.id, text: f.answer },
    { where: `${f.id}.q`, text: f.question },
  ]),
];

const count = (scenario: ScenarioId) => QUICK_REPLIES.filter((r) => r.scenario === scenario).length;

describe('quick-reply library', () => {
  it('has at least three replies for every scenario', () => {
    const thin = SCENARIO_IDS.filter((id) => count(id) < 3);
    expect(thin).toEqual([]);
  });

  it('has at least five replies for the scenarios agents meet most', () => {
    const busy: ScenarioId[] = ['greeting', 'bargain', 'size', 'shipping_fee', 'authenticity', 'quality', 'color_diff', 'payment', 'return_refund', 'logistics', 'exchange', 'complaint'];
    expect(busy.filter((id) => count(id) < 5)).toEqual([]);
  });

  it('uses only known scenario ids', () => {
    expect(QUICK_REPLIES.filter((r) => !SCENARIO_IDS.includes(r.scenario))).toEqual([]);
  });

  it('has unique shortcuts and ids in the /abc1 form', () => {
    const shortcuts = QUICK_REPLIES.map((r) => r.shortcut);
    expect(new Set(shortcuts).size).toBe(shortcuts.length);
    expect(new Set(QUICK_REPLIES.map((r) => r.id)).size).toBe(QUICK_REPLIES.length);
    expect(shortcuts.filter((s) => !/^\/[a-z]{2,4}\d{0,2}$/.test(s))).toEqual([]);
  });

  it('names its provenance: a seed section or authored', () => {
    const sources = [...QUICK_REPLIES, ...AUTO_REPLIES, ...AFTER_PAYMENT_REPLIES, ...URGING_SCRIPTS, ...FAQ].map((x) => x.source);
    expect(sources.filter((s) => s !== 'authored' && !/^seed:00[0-4] §\S/.test(s))).toEqual([]);
    // Most of the library must come from the seeds, not be invented.
    expect(QUICK_REPLIES.filter((r) => r.source.startsWith('seed:')).length).toBeGreaterThan(QUICK_REPLIES.length / 2);
  });

  it('keeps to the seeds’ wording rules in every seeded text', () => {
    const bad = allTexts.map((t) => ({ ...t, found: violations(t.text) })).filter((t) => t.found.length > 0);
    expect(bad).toEqual([]);
  });

  it('the wording check catches what it must catch', () => {
    expect(violations('亲，加我微信发图')).toEqual(['站外联系方式']);
    expect(violations('你QQ多少')).toEqual(['站外联系方式']);
    expect(violations('绝对正品，保证不起球')).toEqual(['绝对化承诺']);
    expect(violations('全网最低价')).toEqual(['广告法极限词']);
    expect(violations('本店坚决不议价，你找别家看看吧')).toEqual(['冷硬拒绝']);
    expect(violations('亲，我们支持7天无理由退换，您可以放心购买～')).toEqual([]);
    expect(violations('第一次爬山穿哪双？')).toEqual([]);
    expect(violations('销量第一')).toEqual(['广告法极限词']);
  });

  it('uses only known variables', () => {
    const unknown = allTexts.filter((t) => fillVariables(t.text, {}).unknown.length > 0).map((t) => t.where);
    expect(unknown).toEqual([]);
  });

  it('speaks warmly: replies address the buyer as 亲 or by honorific, or thank them', () => {
    const cold = QUICK_REPLIES.filter((r) => !/亲|\{买家称呼\}|欢迎|谢谢|感谢/.test(r.text)).map((r) => r.id);
    expect(cold).toEqual([]);
  });

  it('marks as safe for auto-answer only replies of scenarios that may be auto-answered', () => {
    expect(QUICK_REPLIES.filter((r) => r.safeForAuto && NEVER_AUTO_SCENARIOS.has(r.scenario)).map((r) => r.id)).toEqual([]);
    expect(QUICK_REPLIES.some((r) => r.safeForAuto)).toBe(true);
  });
});

describe('auto-replies, after-payment and urging', () => {
  it('covers every reception auto-reply kind with the seeds’ wording', () => {
    const kinds = new Set(AUTO_REPLIES.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['busy', 'greeting', 'greeting_promotion', 'greeting_reminder', 'out_of_hours', 'returning']);
    expect(AUTO_REPLIES.find((r) => r.kind === 'busy')!.text).toContain('请亲把问题一并列出');
    expect(AUTO_REPLIES.find((r) => r.kind === 'returning')!.text).toContain('欢迎亲再次光临');
    expect(AUTO_REPLIES.find((r) => r.kind === 'out_of_hours')!.text).toContain('{营业时间}');
  });

  it('after payment confirms address and courier and asks for review and favourite', () => {
    expect(new Set(AFTER_PAYMENT_REPLIES.map((r) => r.kind))).toEqual(new Set(['confirm_address', 'courier', 'review', 'favorite', 'thanks']));
    expect(AFTER_PAYMENT_REPLIES.find((r) => r.kind === 'confirm_address')!.text).toContain('{收货地址}');
  });

  it('has the five urging scripts of seed 001, in order', () => {
    expect(URGING_SCRIPTS.map((s) => s.source)).toEqual([1, 2, 3, 4, 5].map((n) => `seed:001 §催付 回复${n}`));
    expect(URGING_SCRIPTS.map((s) => s.id)).toEqual([...DEFAULT_URGING_SCRIPT_IDS]);
  });
});

describe('FAQ', () => {
  it('has at least 25 entries, at least five of each seed-000 kind', () => {
    expect(FAQ.length).toBeGreaterThanOrEqual(25);
    for (const kind of ['product', 'recommend', 'transaction'] as const) expect(FAQ.filter((f) => f.kind === kind).length).toBeGreaterThanOrEqual(5);
  });

  it('has unique ids, keywords, and product references that exist', () => {
    expect(new Set(FAQ.map((f) => f.id)).size).toBe(FAQ.length);
    expect(FAQ.filter((f) => f.keywords.length === 0)).toEqual([]);
    const skus = new Set(PRODUCTS.map((p) => p.sku));
    expect(FAQ.filter((f) => f.productSku !== undefined && !skus.has(f.productSku))).toEqual([]);
  });
});

describe('product files', () => {
  it('has at least six products across outdoor shoes and women’s clothing', () => {
    expect(PRODUCTS.length).toBeGreaterThanOrEqual(6);
    expect(PRODUCTS.filter((p) => p.category === 'outdoor_shoes').length).toBeGreaterThanOrEqual(3);
    expect(PRODUCTS.filter((p) => p.category === 'womens_clothing').length).toBeGreaterThanOrEqual(3);
    expect(new Set(PRODUCTS.map((p) => p.sku)).size).toBe(PRODUCTS.length);
  });

  it('keeps stock, size chart and related products consistent', () => {
    const skus = new Set(PRODUCTS.map((p) => p.sku));
    for (const p of PRODUCTS) {
      expect(Object.keys(p.stock).sort(), p.sku).toEqual([...p.colors].sort());
      for (const c of p.colors) expect(Object.keys(p.stock[c]!).sort(), `${p.sku} ${c}`).toEqual([...p.sizes].sort());
      expect(p.sizeChart.rows.map((r) => r.size), p.sku).toEqual([...p.sizes]);
      expect(p.sizeChart.kind, p.sku).toBe(p.category === 'outdoor_shoes' ? 'shoe' : 'clothing');
      expect(p.relatedSkus.filter((s) => s === p.sku || !skus.has(s)), p.sku).toEqual([]);
      expect(p.sellingPoints.length, p.sku).toBeGreaterThan(0);
      expect(p.cautions.length, p.sku).toBeGreaterThan(0);
      expect(p.material.length, p.sku).toBeGreaterThan(0);
    }
  });

  it('has some sold-out sizes so stock answers are not trivially yes', () => {
    const zero = PRODUCTS.flatMap((p) => Object.values(p.stock).flatMap((row) => Object.values(row))).filter((q) => q === 0);
    expect(zero.length).toBeGreaterThan(0);
  });

  it('product text follows the same wording rules', () => {
    const texts = PRODUCTS.flatMap((p) => [...p.sellingPoints, ...p.cautions, p.sizeChart.note]);
    expect(texts.filter((t) => violations(t).length > 0)).toEqual([]);
  });
});

describe('demo seed bundle', () => {
  it('turns replies and FAQ into suggestion items with unique ids', () => {
    const items = demoSuggestItems();
    expect(items.length).toBe(QUICK_REPLIES.length + FAQ.length);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(DEMO_SHOP_SEED.urgingScripts).toBe(URGING_SCRIPTS);
  });
});
