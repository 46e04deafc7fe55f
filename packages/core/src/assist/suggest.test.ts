import type { ScenarioId } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { demoSuggestItems } from '../seed/index.js';
import { recordFeedback } from './feedback.js';
import { createSuggestionIndex, learnedPreference, suggest, type PickStats, type SuggestItem } from './suggest.js';

const library = demoSuggestItems();
const seeded = createSuggestionIndex(library);
const scenarioOf = new Map(library.map((i) => [i.id, i.scenario]));

const item = (id: string, scenario: ScenarioId, title: string, text: string, extra: Partial<SuggestItem> = {}): SuggestItem => ({
  id,
  kind: 'reply',
  scenario,
  title,
  text,
  ...extra,
});

describe('suggest: scenario', () => {
  it('puts bargaining replies on top for a bargaining message', () => {
    const top = suggest(seeded, { scenario: 'bargain', text: '老板能便宜点吗' });
    expect(top).toHaveLength(5);
    expect(top.map((s) => scenarioOf.get(s.id))).toEqual(Array(5).fill('bargain'));
    expect(top[0]!.reasons.map((r) => r.label)).toContain('场景：议价');
  });

  it('does not offer bargaining replies for a postage question', () => {
    const top = suggest(seeded, { scenario: 'shipping_fee', text: '包邮吗' });
    expect(top.filter((s) => scenarioOf.get(s.id) === 'bargain')).toEqual([]);
    expect(scenarioOf.get(top[0]!.id)).toBe('shipping_fee');
  });

  it('adds alternative scenarios below the primary, weighted by classifier score', () => {
    const items = [
      item('size-1', 'size', '标准码', '亲，标准码'),
      item('ex-1', 'exchange', '换货', '亲，收到马上换'),
      item('bye-1', 'thanks_bye', '再见', '亲，再见'),
    ];
    const index = createSuggestionIndex(items);
    expect(suggest(index, { scenario: 'size', text: '嗯' }).map((s) => s.id)).toEqual(['size-1']);
    const withAlt = suggest(index, { scenario: 'size', text: '嗯', alternatives: [{ scenario: 'exchange', score: 0.4 }] });
    expect(withAlt.map((s) => s.id)).toEqual(['size-1', 'ex-1']);
    expect(withAlt[1]!.score).toBeCloseTo(0.36, 3);
    expect(withAlt[1]!.reasons[0]!.code).toBe('alternative');
  });

  it('when the classifier says other, lets word matches lead over generic replies', () => {
    const top = suggest(seeded, { scenario: 'other', text: '鞋底会不会打滑' });
    expect(top[0]!.id).toBe('faq-p03');
  });
});

describe('suggest: words', () => {
  it('lifts the FAQ whose question matches the buyer message', () => {
    const top = suggest(seeded, { scenario: 'product_info', text: '下雨天穿会不会进水' });
    expect(top[0]!.id).toBe('faq-p01');
    expect(top[0]!.reasons.find((r) => r.code === 'words')!.label).toMatch(/雨天|进水/);
  });

  it('without overlapping words, the same FAQ does not lead', () => {
    const top = suggest(seeded, { scenario: 'product_info', text: '你好' });
    expect(top[0]!.id).not.toBe('faq-p01');
  });

  it('matches a size question to the size FAQ over generic size replies', () => {
    const top = suggest(seeded, { scenario: 'size', text: '平时穿38的拍几码' });
    expect(top[0]!.id).toBe('faq-p11');
  });

  it('can surface a strong word match from another scenario, below in-scenario items without overlap', () => {
    const items = [item('a', 'size', '标准码', '亲，标准码'), item('b', 'shipping_fee', '偏远地区运费', '亲，新疆西藏需要补运费')];
    const index = createSuggestionIndex(items);
    const top = suggest(index, { scenario: 'size', text: '新疆运费' });
    expect(top.map((s) => s.id)).toEqual(['a', 'b']);
    expect(top[1]!.score).toBeGreaterThan(0);
  });
});

describe('suggest: product', () => {
  const items = [
    item('faq-a', 'product_info', '防水吗', '这双鞋防水', { kind: 'faq', productSku: 'A' }),
    item('faq-b', 'product_info', '防水吗', '这双鞋防水', { kind: 'faq', productSku: 'B' }),
    item('general', 'product_info', '防水吗', '这双鞋防水', { kind: 'faq' }),
  ];
  const index = createSuggestionIndex(items);

  it('ranks the conversation product first and another product last', () => {
    expect(suggest(index, { scenario: 'product_info', text: '防水吗', productSku: 'B' }).map((s) => s.id)).toEqual(['faq-b', 'general', 'faq-a']);
  });

  it('without a product in context prefers general answers', () => {
    expect(suggest(index, { scenario: 'product_info', text: '防水吗' }).map((s) => s.id)).toEqual(['general', 'faq-a', 'faq-b']);
  });
});

describe('suggest: learning', () => {
  it('an unseen item has neutral preference; picks raise it, misses lower it', () => {
    expect(learnedPreference(undefined)).toBe(0);
    expect(learnedPreference({ shown: 0, picked: 0 })).toBeCloseTo(0, 10);
    expect(learnedPreference({ shown: 40, picked: 30 })).toBeGreaterThan(0.4);
    expect(learnedPreference({ shown: 40, picked: 0 })).toBeLessThan(0);
    expect(learnedPreference({ shown: 1, picked: 1 })).toBeLessThan(learnedPreference({ shown: 20, picked: 20 }));
  });

  it('a reply the agents keep picking rises to the top', () => {
    const query = { scenario: 'bargain' as const, text: '便宜点' };
    const before = suggest(seeded, query, 8).map((s) => s.id);
    const favourite = before[before.length - 1]!;
    expect(before[0]).not.toBe(favourite);
    let stats: Map<string, PickStats> = new Map();
    for (let round = 0; round < 15; round++) {
      const shown = suggest(seeded, { ...query, shopStats: stats }, 5).map((s) => s.id);
      stats = recordFeedback(stats, shown, favourite);
    }
    const after = suggest(seeded, { ...query, shopStats: stats }, 5);
    expect(after[0]!.id).toBe(favourite);
    expect(after[0]!.reasons.some((r) => r.code === 'learned')).toBe(true);
  });

  it('a new reply is not buried under replies that agents keep ignoring', () => {
    const items = [item('old-1', 'bargain', '老话术', '亲，不能便宜'), item('old-2', 'bargain', '老话术', '亲，不能便宜'), item('new', 'bargain', '新话术', '亲，不能便宜')];
    const index = createSuggestionIndex(items);
    const stats = new Map<string, PickStats>([
      ['old-1', { shown: 50, picked: 1 }],
      ['old-2', { shown: 50, picked: 2 }],
    ]);
    expect(suggest(index, { scenario: 'bargain', text: '便宜点', shopStats: stats })[0]!.id).toBe('new');
  });

  it('uses the item’s own stats when the shop has none, and the shop’s when present', () => {
    const items = [item('x', 'greeting', '欢迎', '亲您好'), item('y', 'greeting', '欢迎', '亲您好', { stats: { uses: 30, picks: 25 } })];
    const index = createSuggestionIndex(items);
    expect(suggest(index, { scenario: 'greeting', text: '在吗' })[0]!.id).toBe('y');
    const shop = new Map<string, PickStats>([['y', { shown: 30, picked: 0 }]]);
    expect(suggest(index, { scenario: 'greeting', text: '在吗', shopStats: shop })[0]!.id).toBe('x');
  });
});

describe('suggest: mechanics', () => {
  it('keeps library order on ties', () => {
    const items = ['a', 'b', 'c', 'd'].map((id) => item(id, 'greeting', '欢迎光临', '亲您好'));
    expect(suggest(createSuggestionIndex(items), { scenario: 'greeting', text: '在吗' }, 3).map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(suggest(createSuggestionIndex([...items].reverse()), { scenario: 'greeting', text: '在吗' }, 3).map((s) => s.id)).toEqual(['d', 'c', 'b']);
  });

  it('respects limit, kinds, and empty inputs', () => {
    expect(suggest(seeded, { scenario: 'size', text: '拍几码' }, 2)).toHaveLength(2);
    expect(suggest(seeded, { scenario: 'size', text: '拍几码' }, 0)).toEqual([]);
    expect(suggest(createSuggestionIndex([]), { scenario: 'size', text: '拍几码' })).toEqual([]);
    const faqs = suggest(seeded, { scenario: 'size', text: '拍几码', kinds: ['faq'] });
    expect(faqs.length).toBeGreaterThan(0);
    expect(faqs.every((s) => s.kind === 'faq')).toBe(true);
  });

  it('returns nothing when neither scenario nor words match', () => {
    const index = createSuggestionIndex([item('a', 'greeting', '欢迎', '亲您好')]);
    expect(suggest(index, { scenario: 'invoice', text: '发票' })).toEqual([]);
  });

  it('gives the same answer on repeated queries (scratch buffers are reset)', () => {
    const q = { scenario: 'logistics' as const, text: '快递怎么还没到' };
    const first = suggest(seeded, q);
    suggest(seeded, { scenario: 'bargain', text: '便宜点' });
    expect(suggest(seeded, q)).toEqual(first);
  });

  it('answers over a 10,000-item library', () => {
    const big: SuggestItem[] = [];
    for (let v = 0; big.length < 10_000; v++) for (const it of library) if (big.length < 10_000) big.push({ ...it, id: `${it.id}#${v}`, title: `${it.title}${v}` });
    const index = createSuggestionIndex(big);
    expect(index.size).toBe(10_000);
    const top = suggest(index, { scenario: 'shipping_fee', text: '新疆包邮吗' });
    expect(top).toHaveLength(5);
    expect(top.every((s) => scenarioOf.get(s.id.split('#')[0]!) === 'shipping_fee')).toBe(true);
  });
});
