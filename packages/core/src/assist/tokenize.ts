import { T2S } from '../classify/t2s.js';

/**
 * Character-bigram features for Chinese text (no spaces between words): each Han character
 * and each run of ASCII letters/digits is one unit; features are adjacent unit pairs.
 */

const VARIABLE_RE = /\{[^{}]{1,16}\}/g;

function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

function isAsciiWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122);
}

/** Units of one text: Han characters and ASCII words; `null` marks a break (punctuation, space, emoji). */
function units(text: string): (string | null)[] {
  // NFKC folds full-width letters/digits (ＧＴＸ３８) into ASCII.
  const s = text.replace(VARIABLE_RE, ' ').normalize('NFKC').toLowerCase();
  const out: (string | null)[] = [];
  let word = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isAsciiWord(c)) {
      word += s[i];
      continue;
    }
    if (word) {
      out.push(word);
      word = '';
    }
    // Traditional → simplified so 「運費」 meets 运费 (the library is written in simplified Chinese).
    out.push(isHan(c) ? (T2S.get(s[i]!) ?? s[i]!) : null);
  }
  if (word) out.push(word);
  return out;
}

/**
 * Distinct features of a text: adjacent-unit bigrams, plus ASCII words of 2+ characters (gtx, 38),
 * plus the lone unit when the text has a single one ("在").
 */
export function bigrams(text: string): string[] {
  const u = units(text);
  const seen = new Set<string>();
  let count = 0;
  let last: string | undefined;
  for (let i = 0; i < u.length; i++) {
    const a = u[i];
    if (a === null || a === undefined) continue;
    count++;
    last = a;
    if (a.length >= 2) seen.add(a);
    const b = u[i + 1];
    if (b !== null && b !== undefined) seen.add(a + b);
  }
  if (seen.size === 0 && count === 1 && last !== undefined) seen.add(last);
  return [...seen];
}
