// The classifier's fast paths (guarded normalisation passes, trie feature lookup, top-N selection) against the
// straightforward implementation they replaced: same normalised text and same classification, score for score, on
// every shipped example (training and hold-out) and on edge cases. Keep this reference as it was written.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ScenarioId } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { extractFeatures, splitClauses, toUnits } from './features.js';
import { classify, createDefaultClassifier, DEFAULT_SCENARIO_EXAMPLES, loadClassifier, type ClassifierJSON, type ScenarioClassification } from './index.js';
import { normalizeText } from './normalize.js';
import { applyScenarioRules } from './rules.js';
import { T2S } from './t2s.js';

const MAX = 512;

// ---- reference normalisation (the implementation before the fast paths) --------------------------------------------
const EXTRA_T2S: ReadonlyMap<string, string> = new Map([
  ['麽', '么'], ['妳', '你'], ['甚', '什'],
]);

/** Masks of the JD/Taobao exports and emoticon codes → placeholders (before anything else touches brackets). */
const MASKS: readonly [RegExp, string][] = [
  [/#e-s\[数字x\]|#e-[a-z]\[[^\]]{0,8}\]/g, '<emoji>'],
  [/\[订单(?:编号)?x\]/g, '<order>'],
  [/\[金额x\]/g, '<amount>'],
  [/\[数字x\]/g, '<num>'],
  [/\[日期x\]/g, '<date>'],
  [/\[时间x\]/g, '<time>'],
  [/\[地址x\]/g, '<addr>'],
  [/\[站点x\]/g, '<site>'],
  [/\[姓名x\]/g, '<name>'],
  [/\[链接x\]/g, '<link>'],
  [/\[(?:电话|手机)x\]/g, '<phone>'],
  [/\[组织机构x\]/g, '<org>'],
  [/\[邮箱x\]/g, '<email>'],
  [/\[身份证号x\]/g, '<num>'],
];

/** Cards a chat widget inserts (order summary, "consulting order …"): metadata, not the buyer's words → one `<order>`. */
const CARDS: readonly [RegExp, string][] = [
  [/\[?订单编号:\s*<order>\s*,?\s*订单金额:\s*<amount>\s*,?\s*下单时间:\s*<date>\s*(?:<time>)?\]?/g, '<order>'],
  [/(?:咨询|查询)?订单号:\s*<order>\s*,?\s*(?:商品(?:id|号):\s*<num>|订单金额:\s*<amount>\s*,?\s*下单时间:\s*<date>\s*(?:<time>)?)?/g, '<order>'],
  [/顾客通过点击.{0,20}?信息发送:?/g, ' '],
];

const URL_RE = /(?:https?:\/\/|www\.)[^\s\u4e00-\u9fff]*|[a-z0-9-]+\.(?:com|cn|net|top|cc|vip|xyz)(?:\/[^\s\u4e00-\u9fff]*)?/g;
const EMOJI_RE = /\p{Extended_Pictographic}(?:\ufe0f|\u200d\p{Extended_Pictographic}|[\u{1f3fb}-\u{1f3ff}])*/gu;
const EMOTICON_RE = /[oO]\(∩_∩\)[oO]|\^[_\-.]?\^|[:;]-?[)(dpDP]|\(?[╯╥T][_▽︿﹏][╰╥T]\)?|\/[:：]?[a-z]{1,6}(?=\s|$)/g;

/** Whole ASCII words of shop-chat pinyin abbreviations and slang → Chinese (only a whole word is replaced). */
const PINYIN_ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['by', '包邮'], ['zp', '正品'], ['yf', '运费'], ['kd', '快递'], ['sf', '顺丰'], ['fp', '发票'],
  ['th', '退货'], ['tk', '退款'], ['hh', '换货'], ['wx', '微信'], ['vx', '微信'], ['v', '微信'],
  ['jg', '价格'], ['zk', '折扣'], ['yh', '优惠'], ['yhq', '优惠券'], ['cm', '尺码'], ['zl', '质量'],
  ['wl', '物流'], ['fh', '发货'], ['sfh', '是否发货'], ['tj', '推荐'], ['hb', '花呗'], ['bjy', '便宜'],
  ['pp', '便宜'], ['sc', '色差'], ['cz', '材质'], ['dd', '订单'], ['ddh', '订单号'], ['kf', '客服'],
  ['ts', '投诉'], ['tous', '投诉'], ['zaima', '在吗'], ['zai', '在'], ['ma', '吗'], ['xiexie', '谢谢'],
  ['thx', '谢谢'], ['thanks', '谢谢'], ['thank', '谢谢'], ['xx', '谢谢'], ['3q', '谢谢'], ['bye', '拜拜'],
  ['baibai', '拜拜'], ['ok', '好的'], ['okk', '好的'], ['okay', '好的'], ['oj', '好的'], ['en', '嗯'],
  ['hhh', '哈哈'], ['hhhh', '哈哈'], ['haha', '哈哈'], ['hahaha', '哈哈'], ['mei', '没'], ['you', '有'],
]);

/** Typos and homophones buyers type (IME slips) → the intended words; applied after T→S. */
const TYPOS: readonly [RegExp, string][] = [
  [/包[由油有游]/g, '包邮'],
  [/发[或火]/g, '发货'],
  [/退[欵歀]/g, '退款'],
  [/顺风/g, '顺丰'],
  [/[薇威维胃]信/g, '微信'],
  [/微信?号/g, '微信号'],
  [/企鹅/g, 'qq'],
  [/扣扣/g, 'qq'],
  [/神马|什麼/g, '什么'],
  [/肿么|咋/g, '怎么'],
  [/木有|冇/g, '没有'],
  [/酱紫/g, '这样'],
  [/灰常/g, '非常'],
  [/宝贝儿/g, '宝贝'],
  [/啥/g, '什么'],
  [/付歀/g, '付款'],
  [/有木有/g, '有没有'],
  [/(?<![怎什这那多要为干])[么嘛麽莫摸](?=[\s?？!！。，,~～]|$)/g, '吗'],
];

const CJK_ONLY_RE = /^[\u4e00-\u9fff]+$/;
const FULLWIDTH_RE = /[\uff01-\uff5e]/g;
const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd\ufeff\u200b-\u200c\u2028\u2029]/g;

function toHalfWidth(s: string): string {
  return s.replace(FULLWIDTH_RE, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

function toSimplified(s: string): string {
  let out = '';
  for (const ch of s) out += T2S.get(ch) ?? EXTRA_T2S.get(ch) ?? ch;
  return out;
}

function expandAscii(word: string): string {
  const hit = PINYIN_ABBREVIATIONS.get(word);
  if (hit !== undefined) return hit;
  if (/^h{3,}$/.test(word)) return '哈哈';
  if (/\d/.test(word)) {
    // Digits become <num>; the letter tail of "220v" / "5g" / "170cm" stays as a unit.
    return word.replace(/\d+(?:\.\d+)?/g, '<num>');
  }
  return word;
}

/**
 * Normalises one buyer message for classification: caps the length, maps JD/Taobao masks to placeholders,
 * full-width→half-width, lowercase, traditional→simplified, emoji/emoticons → `<emoji>`, URLs → `<url>`,
 * pinyin abbreviations and frequent typos → Chinese words, numbers → `<num>`, runs of 3+ equal chars → 2.
 * Never throws; returns '' for empty or garbage-only input.
 */
function referenceNormalize(input: string): string {
  if (typeof input !== 'string' || input.length === 0) return '';
  let s = input.length > MAX * 2 ? input.slice(0, MAX * 2) : input;
  s = s.replace(CONTROL_RE, ' ');
  s = toHalfWidth(s).toLowerCase();
  s = Array.from(s).slice(0, MAX).join('');
  for (const [re, rep] of MASKS) s = s.replace(re, rep);
  for (const [re, rep] of CARDS) s = s.replace(re, rep);
  s = s.replace(URL_RE, '<url>');
  s = s.replace(EMOJI_RE, '<emoji>').replace(EMOTICON_RE, '<emoji>');
  s = toSimplified(s);
  for (const [re, rep] of TYPOS) s = s.replace(re, rep);
  s = s.replace(/12315/g, '投诉热线');
  s = s.replace(/(^|[^a-z0-9<])v(?=信)/g, '$1微');
  s = s.replace(/(<[a-z]+>)|([a-z0-9]+(?:\.[0-9]+)?)/g, (m, ph: string | undefined, _w, at: number, all: string) => {
    if (ph) return m;
    // "88"/"886" is goodbye only as a word of its own; "88元" is a price.
    if (/^8{2}6?$/.test(m) && !/[\u4e00-\u9fffa-z0-9]/.test(all.charAt(at + m.length))) return '拜拜';
    const out = expandAscii(m);
    // Chinese expansions join their neighbours (so "by吗" reads as one clause); ASCII words stay apart.
    return CJK_ONLY_RE.test(out) || out.startsWith('<') ? out : ` ${out} `;
  });
  s = s.replace(/(.)\1{2,}/gu, '$1$1');
  s = s.replace(/(<[a-z]+>)(?:\s*\1){2,}/g, '$1$1');
  return s.replace(/\s+/g, ' ').trim();
}

// ---- reference classification (string features looked up in a Map, full sort of the classes) -----------------------

const LOW = new Set<ScenarioId>(['greeting', 'thanks_bye', 'other']);

function referenceClassifier(json: ClassifierJSON) {
  const k = json.classes.length;
  const index = new Map(json.features.map((f, i) => [f, i]));
  const weights = Float64Array.from(json.weights);
  const distribution = (norm: string): Float64Array => {
    const logits = Float64Array.from(json.bias);
    for (const f of extractFeatures(toUnits(norm))) {
      const row = index.get(f);
      if (row === undefined) continue;
      for (let c = 0; c < k; c++) logits[c]! += weights[row * k + c]!;
    }
    for (const [s, b] of applyScenarioRules(norm).boosts) {
      const c = json.classes.indexOf(s);
      if (c >= 0) logits[c]! += b;
    }
    let max = -Infinity;
    for (const x of logits) if (x > max) max = x;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += logits[i] = Math.exp(logits[i]! - max);
    for (let i = 0; i < k; i++) logits[i]! /= sum;
    return logits;
  };
  const argmax = (p: Float64Array) => p.reduce((b, x, i) => (x > p[b]! ? i : b), 0);
  return (text: string, topN: number): ScenarioClassification => {
    const norm = referenceNormalize(text);
    if (!toUnits(norm).some((u) => u !== '?' && u !== '!')) return { text, scenario: 'other', confidence: 0, top: [{ scenario: 'other', score: 0 }], rules: [] };
    const whole = distribution(norm);
    let p = whole;
    const clauses = splitClauses(norm);
    if (clauses.length > 1) {
      const wt = argmax(whole);
      let best: { p: Float64Array; conf: number } | undefined;
      for (const c of clauses) {
        const d = distribution(c);
        const t = argmax(d);
        if (LOW.has(json.classes[t]!)) continue;
        if (!best || d[t]! > best.conf) best = { p: d, conf: d[t]! };
      }
      if (best && (LOW.has(json.classes[wt]!) || best.conf > whole[wt]!) && best.conf >= 0.3) p = whole.map((x, i) => 0.4 * x + 0.6 * best.p[i]!);
    }
    const idx = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]! || a - b);
    const top = idx.slice(0, topN).map((i) => ({ scenario: json.classes[i]!, score: Math.round(p[i]! * 1e4) / 1e4 }));
    return { text, scenario: top[0]!.scenario, confidence: top[0]!.score, top, rules: applyScenarioRules(norm).ids };
  };
}

const holdout = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../data/scenarios/holdout.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text);
const EDGE = [
  '', '   ', '？？？', '在', '亲在吗？这个能便宜点吗', '好的谢谢，什么时候发货', 'by吗', '88', '88元', '886', 'hhhh', 'ＧＴＸ３８码　在吗',
  '運費多少 能開發票嗎', 'www.abc.com 看看', 'http://x/y 点开', '😀😀😀 好', '𠀀𠀀𠀀𠀀', '\u0000\ud800abc', 'v信多少', '加我薇信 12315',
  '[订单编号:[订单x]，订单金额:[金额x]，下单时间:[日期x] [时间x]] 你好', '咨询订单号:[订单x]    商品ID:[数字x]', '顾客通过点击商品信息发送：链接',
  '亲亲亲亲在吗？？？', '<num><num><num>', '^_^ O(∩_∩)O :) 好', 'a'.repeat(2000), '好'.repeat(700), '，'.repeat(600), '𠀀'.repeat(600),
  '包由吗 发或了吗 有木有 神马 咋办 啥时候 酱紫 在么', 'thx 3q ok 220v 5g 170cm 1.5', '$ ^ 包邮$',
];
const TEXTS = [...DEFAULT_SCENARIO_EXAMPLES.map((e) => e.text), ...holdout, ...EDGE];

describe('classifier fast paths', () => {
  it('normalise every shipped example and edge case exactly as the reference does', () => {
    const diff = TEXTS.filter((t) => normalizeText(t) !== referenceNormalize(t));
    expect(diff).toEqual([]);
  });

  it('classify every shipped example and edge case exactly as the reference does (all 25 scores, top 1 and top 3)', () => {
    const json = createDefaultClassifier().toJSON();
    const model = loadClassifier(json);
    const reference = referenceClassifier(json);
    for (const topN of [1, 3, 25]) {
      const diff = TEXTS.filter((t) => JSON.stringify(classify(model, t, topN)) !== JSON.stringify(reference(t, topN)));
      expect(diff, `top ${topN}`).toEqual([]);
    }
  });
});
