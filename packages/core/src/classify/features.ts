/** Tokenisation, clause splitting and feature extraction over `normalizeText` output. */

const UNIT_RE = /<[a-z]+>|[a-z]+|[?!]|[^\s\p{P}\p{S}]|\p{S}/gu;
const CLAUSE_SPLIT_RE = /[?!,.;~、…。，！？；～:：]+|(?<=[\u4e00-\u9fff>])\s+(?=[\u4e00-\u9fff<])/u;

/** Most clauses looked at in one message; keeps a 512-char line of commas cheap. */
export const MAX_CLAUSES = 12;

/** Splits a normalised message into units: placeholders, ASCII words, `?`/`!`, single characters. */
export function toUnits(norm: string): string[] {
  return norm.match(UNIT_RE) ?? [];
}

/** Splits a normalised message into clauses on punctuation and on spaces between Chinese words. */
export function splitClauses(norm: string): string[] {
  const out: string[] = [];
  for (const part of norm.split(CLAUSE_SPLIT_RE)) {
    const t = part.trim();
    if (t && /[^\s\p{P}]/u.test(t)) out.push(t);
    if (out.length >= MAX_CLAUSES) break;
  }
  return out;
}

/** The length-bucket feature of a unit count. */
export function lengthBucket(n: number): string {
  if (n <= 1) return 'len:1';
  if (n <= 3) return 'len:2-3';
  if (n <= 6) return 'len:4-6';
  if (n <= 12) return 'len:7-12';
  return 'len:13+';
}

/** Character uni/bi/tri-grams (bigrams with ^/$ boundaries) plus token-class features of one unit list. */
export function extractFeatures(units: readonly string[]): string[] {
  const f: string[] = [];
  const content = units.filter((u) => u !== '?' && u !== '!');
  const n = content.length;
  f.push(lengthBucket(n));
  if (n !== units.length) f.push('cls:question');
  let placeholders = 0;
  let ascii = 0;
  for (let i = 0; i < n; i++) {
    const u = content[i]!;
    f.push('u:' + u);
    if (u.charCodeAt(0) === 60) placeholders++;
    else if (u.charCodeAt(0) < 128) ascii++;
    const prev = i === 0 ? '^' : content[i - 1]!;
    f.push('b:' + prev + u);
    if (i >= 1) f.push('t:' + (i === 1 ? '^' : content[i - 2]!) + prev + u);
  }
  if (n > 0) {
    f.push('b:' + content[n - 1]! + '$');
    f.push('t:' + (n >= 2 ? content[n - 2]! : '^') + content[n - 1]! + '$');
  }
  if (n > 0 && placeholders === n) f.push('cls:only-placeholders');
  if (n > 0 && ascii === n) f.push('cls:only-ascii');
  if (n === 0) f.push('cls:empty');
  return f;
}
