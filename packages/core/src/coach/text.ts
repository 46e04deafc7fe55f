// Text helpers shared by the coach and the guard. All are length-preserving so offsets stay valid.

/** Traditional → simplified pairs for the characters the word lists use (seed 000 is in traditional script). */
const TRAD_PAIRS =
  '們们從从來来價价別别這这樣样堅坚決决議议買买愛爱說说隨随麼么沒没辦办絕绝對对證证確确遠远萬万無无頂顶級级國国網网' +
  '獨独個个銷销軍军極极寶宝貓猫東东號号碼码維维掃扫電电話话機机郵邮聯联繫系係系親亲請请謝谢還还識识會会員员積积優优' +
  '裡里壞坏嗎吗幾几問问題题為为錢钱貨货發发運运費费讓让給给幫帮應应該该過过時时間间單单訂订寫写歡欢臨临務务戶户點点' +
  '開开關关煩烦氣气實实際际質质賣卖傳传檔档圖图張张線线轉转帳账賬账銀银導导專专業业產产廣广長长勢势領领獎奖驚惊驗验' +
  '顆颗淨净數数歲岁鮮鲜歷历緊紧謂谓麵面兒儿聽听囉啰種种適适嘆叹纔才處处換换當当後后盡尽試试嚴严騙骗罵骂滾滚瘋疯噁恶' +
  '惡恶覺觉體体驢驴麗丽簡简態态詞词謊谎賠赔償偿倆俩隻只條条則则齊齐鄭郑歐欧標标準准兩两擔担負负責责禮礼慮虑詢询較较' +
  '頭头腳脚紅红區区鐘钟鬆松緩缓鎖锁訊讯鏈链盜盗竊窃憑凭據据讀读擇择爭争顯显釋释鑑鉴餘余冊册獲获賴赖慣惯歸归屬属雖虽' +
  '溫温隱隐誤误錯错皺皱';

const TRAD = (() => {
  const m = new Map<number, number>();
  for (let i = 0; i + 1 < TRAD_PAIRS.length; i += 2) m.set(TRAD_PAIRS.charCodeAt(i), TRAD_PAIRS.charCodeAt(i + 1));
  return m;
})();

/**
 * Folds text for matching without changing its length: ASCII to lower case, full-width ASCII
 * (ＱＱ，１３８) to half-width, ideographic space to space, common traditional characters to simplified.
 */
export function foldText(text: string): string {
  let codes: number[] | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let f = c;
    if (c >= 65 && c <= 90) f = c + 32;
    else if (c >= 0xff01 && c <= 0xff5e) {
      f = c - 0xfee0;
      if (f >= 65 && f <= 90) f += 32;
    } else if (c === 0x3000) f = 32;
    else if (c >= 0x4e00) f = TRAD.get(c) ?? c;
    if (f !== c && codes === null) {
      codes = new Array<number>(text.length);
      for (let j = 0; j < i; j++) codes[j] = text.charCodeAt(j);
    }
    if (codes !== null) codes[i] = f;
  }
  if (codes === null) return text;
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return s;
}

const CONTENT_RE = /[\p{L}\p{N}]/gu;

/** Counts characters other than punctuation, symbols (emoji) and white space, by code point. */
export function countContent(text: string): number {
  let n = 0;
  CONTENT_RE.lastIndex = 0;
  while (CONTENT_RE.exec(text) !== null) n++;
  return n;
}

/** True when the code unit is an ASCII letter (for word boundaries of Latin entries like qq, vx). */
export function isAsciiLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

export function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Sentence terminators: a refusal's reason must be in the same sentence. */
export const SENTENCE_END = new Set(['。', '！', '!', '？', '?', '；', ';', '\n', '\r', '…']);
/** Clause delimiters: sentence terminators plus commas, colons and spaces. */
export const CLAUSE_END = new Set([...SENTENCE_END, '，', ',', '、', '：', ':', ' ', '\t']);

/** [start, end) of the sentence around position `at` (terminator excluded). */
export function sentenceAround(text: string, from: number, to: number, ends: ReadonlySet<string> = SENTENCE_END): [number, number] {
  let s = from;
  while (s > 0 && !ends.has(text[s - 1]!)) s--;
  let e = to;
  while (e < text.length && !ends.has(text[e]!)) e++;
  return [s, e];
}

/** The run of terminator characters right after `end` (used to see whether a sentence ends in ？). */
export function trailingTerminators(text: string, end: number): string {
  let e = end;
  while (e < text.length && SENTENCE_END.has(text[e]!)) e++;
  return text.slice(end, e);
}

/** Splits into clauses; each with the delimiters that followed it. Empty clauses are dropped. */
export function clauses(text: string, ends: ReadonlySet<string> = CLAUSE_END): Array<{ text: string; start: number; end: number; tail: string }> {
  const out: Array<{ text: string; start: number; end: number; tail: string }> = [];
  let i = 0;
  while (i < text.length) {
    let s = i;
    while (s < text.length && ends.has(text[s]!)) s++;
    let e = s;
    while (e < text.length && !ends.has(text[e]!)) e++;
    let t = e;
    while (t < text.length && ends.has(text[t]!)) t++;
    if (e > s) out.push({ text: text.slice(s, e), start: s, end: e, tail: text.slice(e, t) });
    else if (out.length > 0 && t > s) out[out.length - 1]!.tail += text.slice(s, t);
    i = t > i ? t : i + 1;
  }
  return out;
}

const PICTO_RE = /\p{Extended_Pictographic}/u;
const PICTO_G = /\p{Extended_Pictographic}/gu;

/** True when the text holds an emoji. */
export function hasEmoji(text: string): boolean {
  return PICTO_RE.test(text);
}

/** All emoji in the text with their offsets. */
export function emojiSpans(text: string): Array<{ text: string; start: number; end: number }> {
  const out: Array<{ text: string; start: number; end: number }> = [];
  PICTO_G.lastIndex = 0;
  for (let m = PICTO_G.exec(text); m !== null; m = PICTO_G.exec(text)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

const BRACKET_EMOTICON = /\[([\u4e00-\u9fff]{1,4})\]/g;

/** Bracket emoticons as QQ/旺旺/WeChat insert them: [微笑] [握手]. */
export function bracketEmoticons(text: string): Array<{ name: string; start: number; end: number }> {
  const out: Array<{ name: string; start: number; end: number }> = [];
  BRACKET_EMOTICON.lastIndex = 0;
  for (let m = BRACKET_EMOTICON.exec(text); m !== null; m = BRACKET_EMOTICON.exec(text)) {
    out.push({ name: m[1]!, start: m.index, end: m.index + m[0].length });
  }
  return out;
}
