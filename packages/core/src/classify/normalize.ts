import { T2S } from './t2s.js';

/** Longest input considered; the rest of a very long line is ignored (bounded work per message). */
export const CLASSIFY_MAX_CHARS = 512;

/** Placeholder tokens produced by `normalizeText`; each counts as one unit for the n-grams. */
export const PLACEHOLDERS = [
  '<order>', '<amount>', '<num>', '<date>', '<time>', '<addr>', '<site>', '<name>', '<url>', '<emoji>',
  '<link>', '<phone>', '<org>', '<email>',
] as const;

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
export const PINYIN_ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
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

/**
 * Typos and homophones buyers type (IME slips) → the intended words; applied after T→S. The third part lists
 * literals of which a match must contain one: a rule whose literals are all absent is skipped without a regex pass.
 */
const TYPOS: readonly [RegExp, string, readonly string[]][] = [
  [/包[由油有游]/g, '包邮', ['包']],
  [/发[或火]/g, '发货', ['发']],
  [/退[欵歀]/g, '退款', ['欵', '歀']],
  [/顺风/g, '顺丰', ['顺风']],
  [/[薇威维胃]信/g, '微信', ['信']],
  [/微信?号/g, '微信号', ['微']],
  [/企鹅/g, 'qq', ['企鹅']],
  [/扣扣/g, 'qq', ['扣扣']],
  [/神马|什麼/g, '什么', ['神马', '什麼']],
  [/肿么|咋/g, '怎么', ['肿么', '咋']],
  [/木有|冇/g, '没有', ['木有', '冇']],
  [/酱紫/g, '这样', ['酱紫']],
  [/灰常/g, '非常', ['灰常']],
  [/宝贝儿/g, '宝贝', ['宝贝儿']],
  [/啥/g, '什么', ['啥']],
  [/付歀/g, '付款', ['付歀']],
  [/有木有/g, '有没有', ['有木有']],
  [/(?<![怎什这那多要为干])[么嘛麽莫摸](?=[\s?？!！。，,~～]|$)/g, '吗', ['么', '嘛', '麽', '莫', '摸']],
];

function includesAny(s: string, literals: readonly string[]): boolean {
  for (const l of literals) if (s.includes(l)) return true;
  return false;
}

const CJK_ONLY_RE = /^[\u4e00-\u9fff]+$/;
const FULLWIDTH_RE = /[\uff01-\uff5e]/g;
const WIDE_TEST_RE = /[\uff01-\uff5e\u3000]/;
const ASCII_WORD_TEST_RE = /[a-z0-9]/;
const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd\ufeff\u200b-\u200c\u2028\u2029]/g;

function toHalfWidth(s: string): string {
  if (!WIDE_TEST_RE.test(s)) return s;
  return s.replace(FULLWIDTH_RE, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** Every traditional character of the tables (all in the BMP), for one replace pass that touches only them. */
const TRADITIONAL_RE = new RegExp(`[${[...T2S.keys(), ...EXTRA_T2S.keys()].join('')}]`, 'gu');

function toSimplified(s: string): string {
  return s.replace(TRADITIONAL_RE, (ch) => T2S.get(ch) ?? EXTRA_T2S.get(ch) ?? ch);
}

/** Whether `s` may hold a run of 3+ equal code points: two equal code units at distance 1 (BMP) or 2 (surrogate pairs). */
function mayRepeat(s: string): boolean {
  for (let i = 0; i + 2 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === s.charCodeAt(i + 1) || c === s.charCodeAt(i + 2)) return true;
  }
  return false;
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
export function normalizeText(input: string): string {
  if (typeof input !== 'string' || input.length === 0) return '';
  // Each step below is skipped when a literal that any of its matches must contain is absent (same output, fewer passes).
  let s = input.length > CLASSIFY_MAX_CHARS * 2 ? input.slice(0, CLASSIFY_MAX_CHARS * 2) : input;
  s = s.replace(CONTROL_RE, ' ');
  s = toHalfWidth(s).toLowerCase();
  // At most CLASSIFY_MAX_CHARS code points (a string of that many code units or fewer has no more).
  if (s.length > CLASSIFY_MAX_CHARS) s = Array.from(s).slice(0, CLASSIFY_MAX_CHARS).join('');
  if (s.includes('[')) for (const [re, rep] of MASKS) s = s.replace(re, rep);
  if (s.includes('订单编号:')) s = s.replace(CARDS[0]![0], CARDS[0]![1]);
  if (s.includes('订单号:')) s = s.replace(CARDS[1]![0], CARDS[1]![1]);
  if (s.includes('顾客通过点击')) s = s.replace(CARDS[2]![0], CARDS[2]![1]);
  if (s.includes('.') || s.includes('://')) s = s.replace(URL_RE, '<url>');
  s = s.replace(EMOJI_RE, '<emoji>').replace(EMOTICON_RE, '<emoji>');
  s = toSimplified(s);
  for (const [re, rep, literals] of TYPOS) if (includesAny(s, literals)) s = s.replace(re, rep);
  if (s.includes('12315')) s = s.replace(/12315/g, '投诉热线');
  if (s.includes('v信')) s = s.replace(/(^|[^a-z0-9<])v(?=信)/g, '$1微');
  if (ASCII_WORD_TEST_RE.test(s)) {
    s = s.replace(/(<[a-z]+>)|([a-z0-9]+(?:\.[0-9]+)?)/g, (m, ph: string | undefined, _w, at: number, all: string) => {
      if (ph) return m;
      // "88"/"886" is goodbye only as a word of its own; "88元" is a price.
      if (/^8{2}6?$/.test(m) && !/[\u4e00-\u9fffa-z0-9]/.test(all.charAt(at + m.length))) return '拜拜';
      const out = expandAscii(m);
      // Chinese expansions join their neighbours (so "by吗" reads as one clause); ASCII words stay apart.
      return CJK_ONLY_RE.test(out) || out.startsWith('<') ? out : ` ${out} `;
    });
  }
  if (mayRepeat(s)) s = s.replace(/(.)\1{2,}/gu, '$1$1');
  if (s.includes('<')) s = s.replace(/(<[a-z]+>)(?:\s*\1){2,}/g, '$1$1');
  return s.replace(/\s+/g, ' ').trim();
}
