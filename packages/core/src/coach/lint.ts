import type { Platform } from '@kefu/contracts';
import { defaultCoachRules } from './rules.js';
import {
  CLAUSE_END,
  bracketEmoticons,
  clauses,
  countContent,
  emojiSpans,
  foldText,
  isAsciiLetter,
  sentenceAround,
  trailingTerminators,
} from './text.js';
import { COACH_FLAG_IDS, type CoachFlag, type CoachFlagId, type CoachRules, type PhraseRule } from './types.js';

type ListKey = 'cold' | 'absolute' | 'adLaw' | 'platformForbidden' | 'offPlatform';
const LIST_KEYS: readonly ListKey[] = ['cold', 'absolute', 'adLaw', 'platformForbidden', 'offPlatform'];
const LIST_FLAG: Record<ListKey, CoachFlagId> = {
  cold: 'cold_tone',
  absolute: 'absolute_promise',
  adLaw: 'ad_law_extreme',
  platformForbidden: 'platform_forbidden',
  offPlatform: 'off_platform_contact',
};

interface Entry {
  list: number;
  rule: PhraseRule;
  phrase: string;
  latinStart: boolean;
  latinEnd: boolean;
  notBefore: string[];
  notAfter: string[];
  unlessSentenceHas: string[];
}

interface Compiled {
  rules: CoachRules;
  index: Map<number, Entry[]>;
  enabled: Set<CoachFlagId>;
  softeners: string[];
  reasons: string[];
  warm: string[];
  emoticons: string[];
  coldEmoticons: Set<string>;
  questionWords: string[];
  questionEndings: string[];
  notQuestionWords: string[];
  pleasantries: string[];
  numberContexts: string[];
}

const PLATFORM_ZH: Record<Platform, string> = {
  taobao: '淘宝',
  tmall: '天猫',
  jd: '京东',
  pdd: '拼多多',
  douyin: '抖音',
  wechat: '微信',
  web: '本站',
};

const PICTO = /\p{Extended_Pictographic}/u;
const STAY_ON_PLATFORM = '亲，有问题您直接在这里留言就可以，我会一直为您跟进的哦~';

function compile(rules: CoachRules): Compiled {
  const index = new Map<number, Entry[]>();
  LIST_KEYS.forEach((key, list) => {
    for (const rule of rules[key]) {
      const phrase = foldText(rule.phrase);
      if (phrase.length === 0) continue;
      const entry: Entry = {
        list,
        rule,
        phrase,
        latinStart: isAsciiLetter(phrase.charCodeAt(0)),
        latinEnd: isAsciiLetter(phrase.charCodeAt(phrase.length - 1)),
        notBefore: (rule.notBefore ?? []).map(foldText),
        notAfter: (rule.notAfter ?? []).map(foldText),
        unlessSentenceHas: (rule.unlessSentenceHas ?? []).map(foldText),
      };
      const code = phrase.charCodeAt(0);
      const bucket = index.get(code);
      if (bucket) bucket.push(entry);
      else index.set(code, [entry]);
    }
  });
  for (const bucket of index.values()) bucket.sort((a, b) => b.phrase.length - a.phrase.length);
  const byLength = (words: string[]) => words.map(foldText).filter((w) => w.length > 0).sort((a, b) => b.length - a.length);
  return {
    rules,
    index,
    enabled: new Set(COACH_FLAG_IDS.filter((id) => !rules.disabled.includes(id))),
    softeners: byLength(rules.softeners),
    reasons: byLength(rules.reasonMarkers),
    warm: byLength(rules.warmMarkers),
    emoticons: byLength(rules.emoticons),
    coldEmoticons: new Set(rules.cold.map((r) => r.phrase).filter((p) => p.startsWith('[') || PICTO.test(p))),
    questionWords: byLength(rules.tooShort.questionWords),
    questionEndings: byLength(rules.tooShort.questionEndings),
    notQuestionWords: byLength(rules.tooShort.notQuestionWords),
    pleasantries: byLength(rules.tooShort.pleasantries),
    numberContexts: byLength(rules.numberContexts),
  };
}

const cache = new WeakMap<CoachRules, Compiled>();
const defaults = new Map<Platform, CoachRules>();

/** Compiled form of a rules object, cached per object: treat rules as immutable once used (copy to edit). */
function compiled(rules: CoachRules): Compiled {
  let c = cache.get(rules);
  if (!c) {
    c = compile(rules);
    cache.set(rules, c);
  }
  return c;
}

function defaultRules(platform: Platform): CoachRules {
  let r = defaults.get(platform);
  if (!r) {
    r = defaultCoachRules(platform);
    defaults.set(platform, r);
  }
  return r;
}

const containsAny = (text: string, words: readonly string[]): boolean => words.some((w) => text.includes(w));

/** Does a cold phrase at [start,end) survive its context (docs/COACH.md "cold_tone")? */
function coldInContext(c: Compiled, norm: string, start: number, end: number, mode: PhraseRule['mode']): boolean {
  if (mode === undefined || mode === 'always') return true;
  const [s, e] = sentenceAround(norm, start, end);
  if (trailingTerminators(norm, e).includes('?')) return false;
  if (mode === 'unsoftened') {
    const after = norm.slice(end, e);
    if (containsAny(after, c.softeners)) return false;
    return !(containsAny(norm.slice(s, start), c.reasons) || containsAny(after, c.reasons));
  }
  const [cs, ce] = sentenceAround(norm, start, end, CLAUSE_END);
  const rest = norm.slice(cs, start) + norm.slice(end, ce);
  if (containsAny(rest, c.softeners)) return false;
  return countContent(rest.replace(/[了的啊吧]/g, '')) === 0;
}

function messageFor(key: ListKey, phrase: string, platform: Platform): string {
  switch (key) {
    case 'cold':
      return `“${phrase}”语气冷硬，买家容易直接离开：拒绝也要先表示理解，说明原因，再给一个替代方案（包邮、优惠券、会员卡、积分）。`;
    case 'absolute':
      return `“${phrase}”是绝对化的承诺，做不到就会引起纠纷：凡事留有余地，说“尽量”“一般”“会尽力”。`;
    case 'adLaw':
      return `“${phrase}”属于《广告法》第九条禁止的极限用语，平台会按违规处理：换成客观的描述。`;
    case 'platformForbidden':
      return `在${PLATFORM_ZH[platform]}的聊天里提到“${phrase}”会被判定为站外引流，可能被处罚甚至封店：改说“其他平台”或不提。`;
    case 'offPlatform':
      return `“${phrase}”是在引导买家到站外联系（QQ、微信、电话、邮箱、二维码、私下交易），违反平台规则，买家截图投诉会被处罚：请在平台内沟通。`;
  }
}

function scanLists(c: Compiled, norm: string, reply: string, out: CoachFlag[]): void {
  const nextFree = [0, 0, 0, 0, 0];
  const active = LIST_KEYS.map((k) => c.enabled.has(LIST_FLAG[k]));
  const n = norm.length;
  for (let i = 0; i < n; i++) {
    const bucket = c.index.get(norm.charCodeAt(i));
    if (bucket === undefined) continue;
    let decided = 0;
    for (const en of bucket) {
      const bit = 1 << en.list;
      if (decided & bit || i < nextFree[en.list]! || !active[en.list]) continue;
      if (!norm.startsWith(en.phrase, i)) continue;
      const end = i + en.phrase.length;
      if (en.latinStart && i > 0 && isAsciiLetter(norm.charCodeAt(i - 1))) continue;
      if (en.latinEnd && end < n && isAsciiLetter(norm.charCodeAt(end))) continue;
      decided |= bit;
      if (en.notBefore.some((w) => i >= w.length && norm.startsWith(w, i - w.length))) continue;
      if (en.notAfter.some((w) => norm.startsWith(w, end))) continue;
      if (en.unlessSentenceHas.length > 0) {
        const [s, e] = sentenceAround(norm, i, end);
        const sentence = norm.slice(s, e);
        if (containsAny(sentence, en.unlessSentenceHas)) continue;
      }
      const key = LIST_KEYS[en.list]!;
      if (key === 'cold' && !coldInContext(c, norm, i, end, en.rule.mode)) continue;
      nextFree[en.list] = end;
      const flag: CoachFlag = {
        id: LIST_FLAG[key],
        start: i,
        end,
        message: en.rule.message ?? messageFor(key, reply.slice(i, end), c.rules.platform),
      };
      const suggestion = en.rule.suggestion ?? (key === 'offPlatform' ? STAY_ON_PLATFORM : undefined);
      if (suggestion !== undefined) flag.suggestion = suggestion;
      out.push(flag);
    }
  }
}

const MOBILE = /(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])/g;
const LANDLINE = /(?<![0-9])(?:0[1-9][0-9]{1,2}[ -]?[2-9][0-9]{6,7}|400[ -]?[0-9]{3}[ -]?[0-9]{4})(?![0-9])/g;
const EMAIL = /(?<![a-z0-9._%+-])[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/g;

function scanContacts(c: Compiled, norm: string, out: CoachFlag[]): void {
  if (!c.enabled.has('off_platform_contact')) return;
  const p = c.rules.contactPatterns;
  const run = (re: RegExp, what: string, checkContext: boolean) => {
    re.lastIndex = 0;
    for (let m = re.exec(norm); m !== null; m = re.exec(norm)) {
      const start = m.index;
      if (checkContext && containsAny(norm.slice(Math.max(0, start - 8), start), c.numberContexts)) continue;
      out.push({
        id: 'off_platform_contact',
        start,
        end: start + m[0].length,
        message: `回复里有${what}，等于把买家引到站外联系，违反平台规则：请在平台内沟通。`,
        suggestion: STAY_ON_PLATFORM,
      });
    }
  };
  if (p.mobile) run(MOBILE, '手机号码', true);
  if (p.landline) run(LANDLINE, '电话号码', true);
  if (p.email && norm.includes('@')) run(EMAIL, '邮箱地址', false);
}

function isWarm(c: Compiled, norm: string): boolean {
  if (containsAny(norm, c.warm) || containsAny(norm, c.emoticons)) return true;
  for (const e of emojiSpans(norm)) if (!c.coldEmoticons.has(e.text)) return true;
  for (const b of bracketEmoticons(norm)) if (!c.coldEmoticons.has(`[${b.name}]`)) return true;
  return false;
}

/** Number of buyer clauses that ask something (？/? or a question word), for 问答对等. */
export function countQuestions(buyer: string, rules?: CoachRules): number {
  const c = compiled(rules ?? defaultRules('web'));
  return questionsIn(c, foldText(buyer));
}

function questionsIn(c: Compiled, norm: string): number {
  let n = 0;
  for (const cl of clauses(norm)) {
    if (cl.tail.includes('?')) {
      n++;
      continue;
    }
    let t = cl.text;
    for (const w of c.notQuestionWords) if (t.includes(w)) t = t.split(w).join(' ');
    if (containsAny(t, c.questionWords) || c.questionEndings.some((w) => t.endsWith(w))) n++;
  }
  return n;
}

/** Number of reply clauses that say something beyond greetings and particles. */
export function countAnswers(reply: string, rules?: CoachRules): number {
  const c = compiled(rules ?? defaultRules('web'));
  return answersIn(c, foldText(reply));
}

function answersIn(c: Compiled, norm: string): number {
  let n = 0;
  for (const cl of clauses(norm)) {
    let t = cl.text;
    for (const w of c.pleasantries) if (t.includes(w)) t = t.split(w).join('');
    if (countContent(t) > 0) n++;
  }
  return n;
}

function tooShort(c: Compiled, buyer: string, reply: string, norm: string): CoachFlag | null {
  const asked = countContent(buyer);
  const said = countContent(reply);
  const problems: string[] = [];
  if (said < asked * c.rules.tooShort.ratio) {
    problems.push(`回复只有${said}个字，比买家的${asked}个字还短：问答对等，买家问多少字，至少回多少字。`);
  }
  const questions = questionsIn(c, foldText(buyer));
  if (questions > 0) {
    const answers = answersIn(c, norm);
    if (answers < questions) {
      problems.push(`买家问了${questions}个问题，回复只答了${answers}句：买家问几句就回答几句，不要几个问题合并成一句。`);
    }
  }
  if (problems.length === 0) return null;
  return { id: 'too_short', start: 0, end: reply.length, message: problems.join(' ') };
}

function notWarmSuggestion(reply: string): string {
  const body = reply.trim().replace(/[。.！!]+$/u, '');
  if (body.length === 0 || body.length > 200) return '在开头加上“亲，”，句尾加上“哦~”或一个微笑表情。';
  return `亲，${body}哦~`;
}

/**
 * Checks an agent's draft against the service rules (CONTRACT.md `kefu lint`).
 * Pure; `rules` defaults to `defaultCoachRules(platform)`. Flags are sorted by start, then end.
 */
export function lintReply(input: { buyer: string; reply: string; platform: Platform }, rules?: CoachRules): CoachFlag[] {
  const c = compiled(rules ?? defaultRules(input.platform));
  const reply = input.reply ?? '';
  const buyer = input.buyer ?? '';
  const norm = foldText(reply);
  const out: CoachFlag[] = [];
  if (c.enabled.has('too_short')) {
    const f = tooShort(c, buyer, reply, norm);
    if (f) out.push(f);
  }
  if (c.enabled.has('not_warm') && reply.trim().length > 0 && !isWarm(c, norm)) {
    out.push({
      id: 'not_warm',
      start: 0,
      end: reply.length,
      message: '回复里没有一个亲切用语：加上“亲”“您”“请”“谢谢”，或“哦”“呢”这样的语气词和善意的表情，让文字温暖起来。',
      suggestion: notWarmSuggestion(reply),
    });
  }
  scanLists(c, norm, reply, out);
  scanContacts(c, norm, out);
  const order = new Map<CoachFlagId, number>(COACH_FLAG_IDS.map((id, i) => [id, i]));
  out.sort((a, b) => a.start - b.start || a.end - b.end || order.get(a.id)! - order.get(b.id)!);
  const seen = new Set<string>();
  return out.filter((f) => {
    const k = `${f.id}:${f.start}:${f.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
