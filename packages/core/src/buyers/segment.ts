import { DomainError } from '../errors.js';
import type { BuyerGroup } from './groups.js';
import type { DemandPole, TemperamentId } from './traits.js';

const DAY_MS = 86_400_000;

/** The buyer facts a segment rule looks at. */
export interface SegmentableBuyer {
  group: BuyerGroup;
  lastPaidAt?: string | null;
  paidOrders?: number;
  paidAmount?: number;
  tags?: readonly string[];
  temperament?: TemperamentId | null;
  demands?: readonly DemandPole[];
}

/** A segment (客户分群); every given condition must hold. */
export interface SegmentRule {
  group?: BuyerGroup | readonly BuyerGroup[];
  /** No paid order in the last N days (never bought counts as not bought). */
  noPurchaseDays?: number;
  /** At least one paid order in the last N days. */
  purchasedWithinDays?: number;
  minPaidOrders?: number;
  minPaidAmount?: number;
  tagsAll?: readonly string[];
  tagsAny?: readonly string[];
  tagsNone?: readonly string[];
  temperament?: TemperamentId;
  demand?: DemandPole;
}

/** Ready-made segments for the buyer list. */
export const PRESET_SEGMENTS = [
  { id: 'dormant_vip', zh: '90 天未购的 VIP', rule: { group: 'vip', noPurchaseDays: 90 } },
  { id: 'recent_buyers', zh: '30 天内购买的客户', rule: { group: ['buyer', 'vip'], purchasedWithinDays: 30 } },
  { id: 'never_bought', zh: '只咨询未购买', rule: { group: 'inquirer' } },
  { id: 'price_sensitive', zh: '价格敏感的客户', rule: { demand: 'price_sensitive' } },
] as const satisfies ReadonlyArray<{ id: string; zh: string; rule: SegmentRule }>;

function checkRule(rule: SegmentRule): void {
  for (const k of ['noPurchaseDays', 'purchasedWithinDays', 'minPaidOrders', 'minPaidAmount'] as const) {
    const v = rule[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new DomainError('request.invalid', `${k} 必须是非负数`, { field: k, value: v });
  }
}

/** True when the buyer falls in the segment at `now`. */
export function matchesSegment(buyer: SegmentableBuyer, rule: SegmentRule, now: Date): boolean {
  checkRule(rule);
  if (rule.group !== undefined) {
    const groups: readonly BuyerGroup[] = typeof rule.group === 'string' ? [rule.group] : rule.group;
    if (!groups.includes(buyer.group)) return false;
  }
  const last = buyer.lastPaidAt ? Date.parse(buyer.lastPaidAt) : NaN;
  const sinceDays = Number.isFinite(last) ? (now.getTime() - last) / DAY_MS : Infinity;
  if (rule.noPurchaseDays !== undefined && sinceDays < rule.noPurchaseDays) return false;
  if (rule.purchasedWithinDays !== undefined && !(sinceDays <= rule.purchasedWithinDays)) return false;
  if (rule.minPaidOrders !== undefined && (buyer.paidOrders ?? 0) < rule.minPaidOrders) return false;
  if (rule.minPaidAmount !== undefined && (buyer.paidAmount ?? 0) < rule.minPaidAmount) return false;
  const tags = new Set(buyer.tags ?? []);
  if (rule.tagsAll && !rule.tagsAll.every((t) => tags.has(t))) return false;
  if (rule.tagsAny && rule.tagsAny.length && !rule.tagsAny.some((t) => tags.has(t))) return false;
  if (rule.tagsNone && rule.tagsNone.some((t) => tags.has(t))) return false;
  if (rule.temperament && buyer.temperament !== rule.temperament) return false;
  if (rule.demand && !(buyer.demands ?? []).includes(rule.demand)) return false;
  return true;
}

/** The buyers in the segment, in their given order. */
export function segment<T extends SegmentableBuyer>(buyers: readonly T[], rule: SegmentRule, now: Date): T[] {
  checkRule(rule);
  return buyers.filter((b) => matchesSegment(b, rule, now));
}

export const MAX_TAG_LENGTH = 20;
export const MAX_TAGS = 30;

/** Trimmed, de-duplicated tags (seed 002: group and note what you learn about a buyer). */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const s = t.trim().replace(/\s+/g, ' ');
    if (!s) continue;
    if ([...s].length > MAX_TAG_LENGTH) throw new DomainError('request.invalid', `标签不能超过 ${MAX_TAG_LENGTH} 个字`, { field: 'tags', value: s });
    if (!out.includes(s)) out.push(s);
  }
  if (out.length > MAX_TAGS) throw new DomainError('request.invalid', `标签最多 ${MAX_TAGS} 个`, { field: 'tags', value: out.length });
  return out;
}
