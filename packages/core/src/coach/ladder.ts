import { foldText } from './text.js';
import type { CoachFlagExt } from './types.js';

/** Kinds of concession a shop can give a bargaining buyer, cheapest first by default (seed 000, seed 002). */
export const CONCESSION_KINDS = ['free_shipping', 'coupon', 'member', 'points', 'price_off'] as const;
export type ConcessionKind = (typeof CONCESSION_KINDS)[number];

export interface ConcessionStep {
  kind: ConcessionKind;
  /** Yuan: coupon value or price cut. */
  amount?: number;
  /** What the agent offers, in the buyer's words (包邮, 5元优惠券 …). */
  label: string;
}

/** A shop's bargaining ladder: steps in the order they may be offered, and the most it may cut the price. */
export interface ConcessionLadder {
  steps: ConcessionStep[];
  /** Yuan; a price cut above this is never offered. */
  maxPriceOff: number;
}

/** Default ladder: free shipping → coupon → member card / points → a small price cut (seed 000 §一.3, seed 002). */
export function defaultLadder(maxPriceOff = 10): ConcessionLadder {
  return {
    steps: [
      { kind: 'free_shipping', label: '包邮' },
      { kind: 'coupon', amount: 5, label: '一张5元店铺优惠券' },
      { kind: 'member', label: 'VIP会员卡（积分可以抵现）' },
      { kind: 'price_off', amount: Math.min(5, maxPriceOff), label: `再便宜${Math.min(5, maxPriceOff)}元` },
    ],
    maxPriceOff,
  };
}

/** The next step to offer, or null when the ladder is used up. Only one step at a time. */
export function nextConcession(ladder: ConcessionLadder, alreadyOffered: readonly ConcessionKind[]): ConcessionStep | null {
  const done = new Set(alreadyOffered);
  return ladder.steps.find((s) => !done.has(s.kind)) ?? null;
}

/** A concession found in a draft. `floor` marks an offer of the bottom price (底价/成本价). */
export interface DetectedConcession {
  kind: ConcessionKind;
  start: number;
  end: number;
  amount?: number;
  floor?: boolean;
}

const KIND_WORDS: Array<[ConcessionKind, RegExp]> = [
  ['free_shipping', /包邮|免邮|免运费|包个邮|不收运费|运费我们(?:出|承担|来出)|邮费我们(?:出|承担)/g],
  ['coupon', /优惠券|抵价券|代金券|抵用券|店铺券|满减券|优惠卷|红包|满[0-9]+减[0-9]+|[0-9]+元(?:的)?券|一张券/g],
  ['member', /会员卡|vip卡|vip|会员价|会员/g],
  ['points', /积分/g],
];

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Parses 5, 12.5, 五, 十五, 二十, 一百 (up to 999). */
export function parseAmount(raw: string): number | undefined {
  if (/^[0-9]+(?:\.[0-9]+)?$/.test(raw)) return Number(raw);
  let total = 0;
  let digit = 0;
  for (const ch of raw) {
    if (ch in CN_DIGITS) digit = CN_DIGITS[ch]!;
    else if (ch === '十') {
      total += (digit || 1) * 10;
      digit = 0;
    } else if (ch === '百') {
      total += (digit || 1) * 100;
      digit = 0;
    } else return undefined;
  }
  return total + digit;
}

const AMOUNT = '([0-9]+(?:\\.[0-9]+)?|[零一二两三四五六七八九十百]+)';
const PRICE_CUT = new RegExp(`(?:便宜|少收|少算|少|减|优惠|让|降|抹)(?:了|您|你|个)?\\s*${AMOUNT}\\s*(?:元|块|圆|rmb)`, 'g');
const DISCOUNT = /打?([0-9](?:\.[0-9])?|[一二三四五六七八九]{1,2})折/g;
const PRICE_VAGUE = /便宜(?:一)?点|便宜些|改(?:个)?价|抹(?:个)?零|减点/g;
const FLOOR = /(?:给|按|算)(?:您|你)?(?:个|按)?(?:底价|最低价|成本价|进货价|出厂价)/g;
const NEGATION = /(?:不|没|别|无法|不能|不会)[^，。！？,.!?]{0,3}$/;

/** Finds the concessions a draft offers (negated mentions like 不能改价 are not offers). */
export function detectConcessions(reply: string): DetectedConcession[] {
  const norm = foldText(reply);
  const out: DetectedConcession[] = [];
  const negated = (start: number) => NEGATION.test(norm.slice(Math.max(0, start - 6), start));
  const add = (d: DetectedConcession) => {
    if (!negated(d.start) && !out.some((o) => d.start < o.end && o.start < d.end)) out.push(d);
  };
  for (const re of [FLOOR]) {
    re.lastIndex = 0;
    for (let m = re.exec(norm); m !== null; m = re.exec(norm)) add({ kind: 'price_off', start: m.index, end: m.index + m[0].length, floor: true });
  }
  PRICE_CUT.lastIndex = 0;
  for (let m = PRICE_CUT.exec(norm); m !== null; m = PRICE_CUT.exec(norm)) {
    if (/满[0-9]+$/.test(norm.slice(Math.max(0, m.index - 6), m.index))) continue;
    const amount = parseAmount(m[1]!);
    add({ kind: 'price_off', start: m.index, end: m.index + m[0].length, ...(amount !== undefined ? { amount } : {}) });
  }
  for (const re of [DISCOUNT, PRICE_VAGUE]) {
    re.lastIndex = 0;
    for (let m = re.exec(norm); m !== null; m = re.exec(norm)) add({ kind: 'price_off', start: m.index, end: m.index + m[0].length });
  }
  for (const [kind, re] of KIND_WORDS) {
    re.lastIndex = 0;
    for (let m = re.exec(norm); m !== null; m = re.exec(norm)) add({ kind, start: m.index, end: m.index + m[0].length });
  }
  return out.sort((a, b) => a.start - b.start);
}

const KIND_ZH: Record<ConcessionKind, string> = {
  free_shipping: '包邮',
  coupon: '优惠券',
  member: '会员卡',
  points: '积分',
  price_off: '降价',
};

/**
 * Warns (extension flag `concession_jump`, not printed by `kefu lint`) when a draft cuts the price or offers the
 * floor before the cheaper steps of the ladder were used, or cuts more than `maxPriceOff` (seed 002: 降价要分步骤).
 */
export function checkConcessionJump(reply: string, ladder: ConcessionLadder, alreadyOffered: readonly ConcessionKind[]): CoachFlagExt[] {
  const offers = detectConcessions(reply);
  const offeredNow = new Set(offers.map((o) => o.kind));
  const done = new Set(alreadyOffered);
  const priceIndex = ladder.steps.findIndex((s) => s.kind === 'price_off');
  const cheaper = (priceIndex === -1 ? ladder.steps : ladder.steps.slice(0, priceIndex)).filter((s) => !done.has(s.kind) && !offeredNow.has(s.kind));
  const next = nextConcession(ladder, alreadyOffered);
  const flags: CoachFlagExt[] = [];
  for (const o of offers) {
    if (o.kind !== 'price_off') continue;
    const suggestion = next && next.kind !== 'price_off' ? `亲，价格已经是实价了呢，不过今天拍下可以给您${next.label}哦~` : undefined;
    if (o.floor) {
      flags.push({
        id: 'concession_jump',
        start: o.start,
        end: o.end,
        message: '一次就报到底价会封死后路，买家下次还会使劲砍价：降价要分步骤，每次让一小步。',
        ...(suggestion ? { suggestion } : {}),
      });
    } else if (cheaper.length > 0) {
      flags.push({
        id: 'concession_jump',
        start: o.start,
        end: o.end,
        message: `还没用上更便宜的让步（${cheaper.map((s) => KIND_ZH[s.kind]).join('、')}）就直接降价：先给${next ? next.label : KIND_ZH[cheaper[0]!.kind]}，一步一步来。`,
        ...(suggestion ? { suggestion } : {}),
      });
    } else if (o.amount !== undefined && o.amount > ladder.maxPriceOff) {
      flags.push({
        id: 'concession_jump',
        start: o.start,
        end: o.end,
        message: `让价${o.amount}元超过了店铺设定的最多${ladder.maxPriceOff}元：降价幅度不宜太大。`,
        suggestion: `最多再便宜${ladder.maxPriceOff}元`,
      });
    }
  }
  return flags;
}
