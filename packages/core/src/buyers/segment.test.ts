import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { PRESET_SEGMENTS, matchesSegment, normalizeTags, segment, type SegmentableBuyer } from './segment.js';

const now = new Date('2024-06-30T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

const buyers: Array<SegmentableBuyer & { id: string }> = [
  { id: 'vip-old', group: 'vip', lastPaidAt: daysAgo(120), paidOrders: 5, paidAmount: 2000, tags: ['爱穿黑色'] },
  { id: 'vip-90', group: 'vip', lastPaidAt: daysAgo(90), paidOrders: 3, paidAmount: 800 },
  { id: 'vip-new', group: 'vip', lastPaidAt: daysAgo(10), paidOrders: 4, paidAmount: 1500, tags: ['爱穿黑色', '学生'] },
  { id: 'buyer', group: 'buyer', lastPaidAt: daysAgo(200), paidOrders: 1, paidAmount: 99, demands: ['price_sensitive'] },
  { id: 'inq', group: 'inquirer', lastPaidAt: null, temperament: 'analytical' },
];
const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

describe('segment', () => {
  it('VIPs who have not bought for 90 days (boundary included)', () => {
    expect(ids(segment(buyers, { group: 'vip', noPurchaseDays: 90 }, now))).toEqual(['vip-old', 'vip-90']);
  });
  it('never bought counts as not bought', () => {
    expect(ids(segment(buyers, { noPurchaseDays: 30 }, now))).toEqual(['vip-old', 'vip-90', 'buyer', 'inq']);
  });
  it('bought recently', () => {
    expect(ids(segment(buyers, { purchasedWithinDays: 30 }, now))).toEqual(['vip-new']);
  });
  it('several groups, amount and order count', () => {
    expect(ids(segment(buyers, { group: ['buyer', 'vip'], minPaidAmount: 1000, minPaidOrders: 4 }, now))).toEqual(['vip-old', 'vip-new']);
  });
  it('tags all / any / none', () => {
    expect(ids(segment(buyers, { tagsAll: ['爱穿黑色', '学生'] }, now))).toEqual(['vip-new']);
    expect(ids(segment(buyers, { tagsAny: ['学生', '老师'] }, now))).toEqual(['vip-new']);
    expect(ids(segment(buyers, { group: 'vip', tagsNone: ['学生'] }, now))).toEqual(['vip-old', 'vip-90']);
  });
  it('temperament and demand', () => {
    expect(ids(segment(buyers, { temperament: 'analytical' }, now))).toEqual(['inq']);
    expect(ids(segment(buyers, { demand: 'price_sensitive' }, now))).toEqual(['buyer']);
  });
  it('an empty rule keeps everyone; a bad number is rejected', () => {
    expect(segment(buyers, {}, now)).toHaveLength(buyers.length);
    expect(() => segment(buyers, { noPurchaseDays: -1 }, now)).toThrow(DomainError);
  });
  it('the dormant-VIP preset matches a VIP 91 days quiet but not 89', () => {
    const rule = PRESET_SEGMENTS[0].rule;
    expect(matchesSegment({ group: 'vip', lastPaidAt: daysAgo(91) }, rule, now)).toBe(true);
    expect(matchesSegment({ group: 'vip', lastPaidAt: daysAgo(89) }, rule, now)).toBe(false);
    expect(matchesSegment({ group: 'buyer', lastPaidAt: daysAgo(91) }, rule, now)).toBe(false);
  });
});

describe('normalizeTags', () => {
  it('trims and de-duplicates', () => {
    expect(normalizeTags([' 学生 ', '学生', '', '爱穿  黑色'])).toEqual(['学生', '爱穿 黑色']);
  });
  it('rejects an over-long tag', () => {
    expect(() => normalizeTags(['很'.repeat(21)])).toThrow(DomainError);
  });
});
