import { SCENARIOS, type ScenarioId } from '@kefu/contracts';
import { bigrams } from './tokenize.js';

/** Pick counts of one suggestion: how often it was offered to an agent and how often chosen. */
export interface PickStats {
  shown: number;
  picked: number;
}

/** A quick reply or FAQ answer that can be suggested. */
export interface SuggestItem {
  id: string;
  kind: 'reply' | 'faq';
  scenario: ScenarioId;
  title: string;
  text: string;
  keywords?: readonly string[];
  productSku?: string;
  /** Counts carried by the item itself (e.g. from the library); `uses` = times offered, `picks` = times chosen. */
  stats?: { uses: number; picks: number };
}

export interface SuggestQuery {
  scenario: ScenarioId;
  /** Other scenarios the classifier considered, with their scores (0..1). */
  alternatives?: readonly { scenario: ScenarioId; score: number }[];
  /** The buyer message. */
  text: string;
  /** Product the conversation is about, when known. */
  productSku?: string;
  /** The shop's learned pick counts; when present for an id they take precedence over `item.stats`. */
  shopStats?: ReadonlyMap<string, PickStats>;
  /** Restrict to replies or FAQ answers. */
  kinds?: readonly ('reply' | 'faq')[];
}

export type SuggestReasonCode = 'scenario' | 'alternative' | 'words' | 'product' | 'other_product' | 'product_specific' | 'learned';

/** Why an item was ranked where it is; `score` is its share of the total, `label` is UI copy. */
export interface SuggestReason {
  code: SuggestReasonCode;
  score: number;
  label: string;
}

export interface Suggestion {
  id: string;
  kind: 'reply' | 'faq';
  score: number;
  reasons: SuggestReason[];
}

/** Weights of the ranking; exported so docs, tests and the bench speak of the same numbers. */
export const RANKING = {
  /** Item scenario equals the classified scenario. */
  primary: 1,
  /** …when that scenario is `other`: the classifier found nothing, so words should lead. */
  otherPrimary: 0.5,
  /** Item scenario is an alternative: this × the classifier's score for it. */
  alternative: 0.9,
  /** × idf-weighted share of the buyer message's bigrams found in the item (0..1). */
  words: 1.2,
  /** Field weights inside `words`: title, keywords and the FAQ question count more than body text. */
  titleField: 1,
  textField: 0.6,
  /** Damps the share when the message has few known bigrams (one shared "包邮" is not a full match). */
  wordsDamping: 1,
  /** Words count this much on items outside the primary and alternative scenarios (a stray "便宜" must not beat the right scenario). */
  offScenarioWords: 0.7,
  /** Item is about the conversation's product. */
  product: 0.4,
  /** Item is about another product than the conversation's. */
  otherProduct: -0.5,
  /** Item is about a product while the conversation has none. */
  productUnknown: -0.1,
  /** × (posterior pick rate − prior mean). */
  learned: 0.8,
  /** Beta prior of the pick rate: mean α/(α+β) = 0.2, worth α+β = 5 showings. */
  priorPicks: 1,
  priorMisses: 4,
} as const;

const PRIOR_MEAN = RANKING.priorPicks / (RANKING.priorPicks + RANKING.priorMisses);

/** Learned preference of one item: posterior pick rate minus the prior mean, so an unseen item scores 0. */
export function learnedPreference(stats: PickStats | undefined): number {
  if (!stats) return 0;
  const shown = Math.max(0, stats.shown, stats.picked);
  const picked = Math.max(0, stats.picked);
  const rate = (picked + RANKING.priorPicks) / (shown + RANKING.priorPicks + RANKING.priorMisses);
  return rate - PRIOR_MEAN;
}

const SCENARIO_ZH = new Map<string, string>(SCENARIOS.map((s) => [s.id, s.zh]));

/** A prebuilt index over a library: scenario buckets, product ids and a bigram inverted index. */
export interface SuggestIndex {
  readonly size: number;
  /** @internal */ readonly items: readonly SuggestItem[];
  /** @internal */ readonly docOf: ReadonlyMap<string, number>;
  /** @internal */ readonly byScenario: ReadonlyMap<string, Int32Array>;
  /** @internal product of each item as a small id, -1 when none */ readonly skuOf: Int32Array;
  /** @internal */ readonly skuIds: ReadonlyMap<string, number>;
  /** @internal items of each product id */ readonly bySku: readonly Int32Array[];
  /** @internal 0 reply, 1 faq */ readonly kindOf: Uint8Array;
  /** @internal learned preference from `item.stats` */ readonly itemPref: Float64Array;
  /** @internal */ readonly gramIds: ReadonlyMap<string, number>;
  /** @internal */ readonly grams: readonly string[];
  /** @internal */ readonly idf: Float64Array;
  /** @internal */ readonly postDocs: readonly Int32Array[];
  /** @internal */ readonly postWeights: readonly Float32Array[];
  /** @internal sorted gram ids of each item, for explaining matches */ readonly itemGrams: readonly Int32Array[];
  /** @internal preferences per shop-stats map, computed once per map instance */ readonly prefCache: WeakMap<ReadonlyMap<string, PickStats>, Float64Array>;
  /** @internal per-query scratch, reused so a query allocates almost nothing */ readonly scratch: Scratch;
}

interface Scratch {
  epoch: number;
  stamp: Uint32Array;
  words: Float64Array;
  scen: Float64Array;
  scenFrom: Int32Array;
  touched: Int32Array;
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const statsOf = (item: SuggestItem): PickStats | undefined => (item.stats ? { shown: item.stats.uses, picked: item.stats.picks } : undefined);

/** Builds the index once per library version; `suggest` then answers in microseconds. */
export function createSuggestionIndex(items: readonly SuggestItem[]): SuggestIndex {
  const n = items.length;
  const docOf = new Map<string, number>();
  const byScenario = new Map<string, number[]>();
  const skuIds = new Map<string, number>();
  const skuOf = new Int32Array(n).fill(-1);
  const bySku: number[][] = [];
  const kindOf = new Uint8Array(n);
  const itemPref = new Float64Array(n);
  const gramIds = new Map<string, number>();
  const grams: string[] = [];
  const posting: { docs: number[]; weights: number[] }[] = [];
  const itemGrams: Int32Array[] = [];

  for (let d = 0; d < n; d++) {
    const item = items[d]!;
    if (!docOf.has(item.id)) docOf.set(item.id, d);
    pushTo(byScenario, item.scenario, d);
    if (item.productSku) {
      if (!skuIds.has(item.productSku)) {
        skuIds.set(item.productSku, skuIds.size);
        bySku.push([]);
      }
      const sku = skuIds.get(item.productSku)!;
      skuOf[d] = sku;
      bySku[sku]!.push(d);
    }
    kindOf[d] = item.kind === 'faq' ? 1 : 0;
    itemPref[d] = learnedPreference(statsOf(item));
    const fieldWeight = new Map<string, number>();
    for (const part of [item.title, ...(item.keywords ?? [])]) for (const g of bigrams(part)) fieldWeight.set(g, RANKING.titleField);
    for (const g of bigrams(item.text)) if (!fieldWeight.has(g)) fieldWeight.set(g, RANKING.textField);
    const ids: number[] = [];
    for (const [g, w] of fieldWeight) {
      let id = gramIds.get(g);
      if (id === undefined) {
        id = grams.length;
        gramIds.set(g, id);
        grams.push(g);
        posting.push({ docs: [], weights: [] });
      }
      const p = posting[id]!;
      p.docs.push(d);
      p.weights.push(w);
      ids.push(id);
    }
    itemGrams.push(Int32Array.from(ids).sort());
  }

  const idf = new Float64Array(grams.length);
  for (let g = 0; g < grams.length; g++) idf[g] = Math.log(1 + n / posting[g]!.docs.length);

  return {
    size: n,
    items,
    docOf,
    byScenario: new Map([...byScenario].map(([k, v]) => [k, Int32Array.from(v)] as const)),
    skuOf,
    skuIds,
    bySku: bySku.map((b) => Int32Array.from(b)),
    kindOf,
    itemPref,
    gramIds,
    grams,
    idf,
    postDocs: posting.map((p) => Int32Array.from(p.docs)),
    postWeights: posting.map((p) => Float32Array.from(p.weights)),
    itemGrams,
    prefCache: new WeakMap(),
    scratch: {
      epoch: 0,
      stamp: new Uint32Array(n),
      words: new Float64Array(n),
      scen: new Float64Array(n),
      scenFrom: new Int32Array(n),
      touched: new Int32Array(n),
    },
  };
}

/** Item preferences with the shop's stats laid over the items' own; cached per map instance. */
function preferences(index: SuggestIndex, shopStats: ReadonlyMap<string, PickStats> | undefined): Float64Array {
  if (!shopStats || shopStats.size === 0) return index.itemPref;
  let prefs = index.prefCache.get(shopStats);
  if (!prefs) {
    prefs = Float64Array.from(index.itemPref);
    for (const [id, stats] of shopStats) {
      const d = index.docOf.get(id);
      if (d !== undefined) prefs[d] = learnedPreference(stats);
    }
    index.prefCache.set(shopStats, prefs);
  }
  return prefs;
}

function hasGram(sorted: Int32Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Product part of the score; `querySku` is -1 when the conversation has no product, -2 when its product has no items. */
function productScore(itemSku: number, querySku: number): number {
  if (itemSku < 0) return 0;
  if (querySku === -1) return RANKING.productUnknown;
  return itemSku === querySku ? RANKING.product : RANKING.otherProduct;
}

const MAX_LEARNED = RANKING.learned * (1 - PRIOR_MEAN);
const MAX_PRODUCT = RANKING.product;

function wordsOf(s: Scratch, d: number, wordsScale: number): number {
  const w = s.words[d]! * wordsScale;
  return s.scen[d]! > 0 ? w : w * RANKING.offScenarioWords;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Ranks the library for one buyer message: scenario match (primary, or an alternative weighted by
 * the classifier's score) + bigram overlap with title/keywords/text + product match + learned
 * preference. Ties keep library order. Pure apart from reusing the index's scratch buffers and
 * caching preferences per `shopStats` map (treat that map as immutable; `recordFeedback` returns a new one).
 */
export function suggest(index: SuggestIndex, query: SuggestQuery, limit = 5): Suggestion[] {
  if (limit <= 0 || index.size === 0) return [];
  const s = index.scratch;
  s.epoch++;
  if (s.epoch === 0xffffffff) {
    s.stamp.fill(0);
    s.epoch = 1;
  }
  const epoch = s.epoch;
  const { stamp, words, scen, scenFrom, touched } = s;
  let tc = 0;

  // Words: idf-weighted coverage of the message's known bigrams, term at a time.
  const queryGrams: number[] = [];
  let idfSum = 0;
  for (const g of bigrams(query.text)) {
    const id = index.gramIds.get(g);
    if (id === undefined) continue;
    queryGrams.push(id);
    const w = index.idf[id]!;
    idfSum += w;
    const docs = index.postDocs[id]!;
    const fw = index.postWeights[id]!;
    for (let i = 0, len = docs.length; i < len; i++) {
      const d = docs[i]!;
      if (stamp[d] !== epoch) {
        stamp[d] = epoch;
        words[d] = w * fw[i]!;
        scen[d] = 0;
        scenFrom[d] = -1;
        touched[tc++] = d;
      } else words[d]! += w * fw[i]!;
    }
  }
  const wordsScale = idfSum > 0 ? RANKING.words / (idfSum + RANKING.wordsDamping) : 0;

  // Scenarios: primary first so an alternative never lowers it.
  const scenarioWeights: [ScenarioId, number][] = [[query.scenario, query.scenario === 'other' ? RANKING.otherPrimary : RANKING.primary]];
  for (const alt of query.alternatives ?? []) {
    const w = RANKING.alternative * Math.min(1, Math.max(0, alt.score));
    if (w > 0) scenarioWeights.push([alt.scenario, w]);
  }
  for (let k = 0; k < scenarioWeights.length; k++) {
    const [scenario, w] = scenarioWeights[k]!;
    const bucket = index.byScenario.get(scenario);
    if (!bucket) continue;
    for (let i = 0, len = bucket.length; i < len; i++) {
      const d = bucket[i]!;
      if (stamp[d] !== epoch) {
        stamp[d] = epoch;
        words[d] = 0;
        scen[d] = w;
        scenFrom[d] = k;
        touched[tc++] = d;
      } else if (w > scen[d]!) {
        scen[d] = w;
        scenFrom[d] = k;
      }
    }
  }

  const querySku = query.productSku === undefined ? -1 : (index.skuIds.get(query.productSku) ?? -2);
  if (querySku >= 0) {
    // Items of the conversation's product are candidates even without scenario or words.
    const bucket = index.bySku[querySku]!;
    for (let i = 0, len = bucket.length; i < len; i++) {
      const d = bucket[i]!;
      if (stamp[d] !== epoch) {
        stamp[d] = epoch;
        words[d] = 0;
        scen[d] = 0;
        scenFrom[d] = -1;
        touched[tc++] = d;
      }
    }
  }

  // Top-k by insertion; once full, skip candidates that cannot reach the k-th score even with full learned preference.
  const kindMask = query.kinds && query.kinds.length > 0 ? (query.kinds.includes('reply') ? 1 : 0) | (query.kinds.includes('faq') ? 2 : 0) : 3;
  const prefs = preferences(index, query.shopStats);
  const skuOf = index.skuOf;
  const kindOf = index.kindOf;
  const offWords = wordsScale * RANKING.offScenarioWords;
  const topDoc: number[] = [];
  const topScore: number[] = [];
  let kth = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < tc; t++) {
    const d = touched[t]!;
    if ((kindMask & (1 << kindOf[d]!)) === 0) continue;
    const sc = scen[d]!;
    const base = sc + words[d]! * (sc > 0 ? wordsScale : offWords);
    if (topDoc.length >= limit && base + MAX_PRODUCT + MAX_LEARNED < kth) continue;
    const score = base + productScore(skuOf[d]!, querySku) + RANKING.learned * prefs[d]!;
    if (topDoc.length >= limit && score < kth) continue;
    let pos = topDoc.length;
    while (pos > 0 && (topScore[pos - 1]! < score || (topScore[pos - 1] === score && topDoc[pos - 1]! > d))) pos--;
    if (pos >= limit) continue;
    topDoc.splice(pos, 0, d);
    topScore.splice(pos, 0, score);
    if (topDoc.length > limit) {
      topDoc.pop();
      topScore.pop();
    }
    if (topDoc.length >= limit) kth = topScore[limit - 1]!;
  }

  return topDoc.map((d, i) => {
    const item = index.items[d]!;
    return { id: item.id, kind: item.kind, score: round(topScore[i]!), reasons: explain(index, query, d, queryGrams, wordsScale, scenarioWeights, querySku) };
  });
}

function explain(
  index: SuggestIndex,
  query: SuggestQuery,
  d: number,
  queryGrams: readonly number[],
  wordsScale: number,
  scenarioWeights: readonly [ScenarioId, number][],
  querySku: number,
): SuggestReason[] {
  const s = index.scratch;
  const item = index.items[d]!;
  const reasons: SuggestReason[] = [];
  const from = s.scenFrom[d]!;
  if (from >= 0) {
    const [scenario, w] = scenarioWeights[from]!;
    const zh = SCENARIO_ZH.get(scenario) ?? scenario;
    reasons.push(from === 0 ? { code: 'scenario', score: round(w), label: `场景：${zh}` } : { code: 'alternative', score: round(w), label: `可能的场景：${zh}` });
  }
  const words = wordsOf(s, d, wordsScale);
  if (words > 0) {
    const own = index.itemGrams[d]!;
    const shared = queryGrams.filter((g) => hasGram(own, g)).sort((a, b) => index.idf[b]! - index.idf[a]!);
    const shown = shared.slice(0, 4).map((g) => index.grams[g]!);
    reasons.push({ code: 'words', score: round(words), label: `与买家消息重合：${shown.join('、')}` });
  }
  const product = productScore(index.skuOf[d]!, querySku);
  if (product > 0) reasons.push({ code: 'product', score: round(product), label: '当前咨询的商品' });
  else if (product < 0 && querySku !== -1) reasons.push({ code: 'other_product', score: round(product), label: '属于其他商品' });
  else if (product < 0) reasons.push({ code: 'product_specific', score: round(product), label: '只针对某个商品' });
  const stats = query.shopStats?.get(item.id) ?? statsOf(item);
  if (stats && stats.shown > 0) {
    const learned = RANKING.learned * learnedPreference(stats);
    reasons.push({ code: 'learned', score: round(learned), label: `客服选用 ${stats.picked}/${Math.max(stats.shown, stats.picked)} 次` });
  }
  return reasons;
}
