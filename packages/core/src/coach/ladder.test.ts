import { describe, expect, it } from 'vitest';
import { checkConcessionJump, defaultLadder, detectConcessions, nextConcession, parseAmount, type ConcessionLadder } from './ladder.js';

describe('nextConcession', () => {
  const ladder = defaultLadder(10);
  it('walks the default ladder one step at a time: free shipping → coupon → member → price', () => {
    expect(nextConcession(ladder, [])?.kind).toBe('free_shipping');
    expect(nextConcession(ladder, ['free_shipping'])?.kind).toBe('coupon');
    expect(nextConcession(ladder, ['free_shipping', 'coupon'])?.kind).toBe('member');
    expect(nextConcession(ladder, ['free_shipping', 'coupon', 'member'])?.kind).toBe('price_off');
    expect(nextConcession(ladder, ['free_shipping', 'coupon', 'member', 'price_off'])).toBeNull();
  });
  it('keeps the default price step within maxPriceOff', () => {
    expect(defaultLadder(3).steps.at(-1)).toMatchObject({ kind: 'price_off', amount: 3 });
  });
  it('follows a shop-defined order', () => {
    const custom: ConcessionLadder = { steps: [{ kind: 'points', label: '双倍积分' }, { kind: 'free_shipping', label: '包邮' }], maxPriceOff: 0 };
    expect(nextConcession(custom, [])?.label).toBe('双倍积分');
    expect(nextConcession(custom, ['points'])?.label).toBe('包邮');
  });
});

describe('detectConcessions', () => {
  it('finds each kind, with amounts in digits or Chinese numerals', () => {
    const found = detectConcessions('亲，给您包邮，再送一张5元优惠券，加会员卡送积分，再便宜五块');
    expect(found.map((f) => f.kind)).toEqual(['free_shipping', 'coupon', 'member', 'points', 'price_off']);
    expect(found.at(-1)?.amount).toBe(5);
  });
  it('does not read a refusal as an offer', () => {
    expect(detectConcessions('亲，不能随意改价的呢').filter((f) => f.kind === 'price_off')).toEqual([]);
    expect(detectConcessions('亲，这个价格已经不能再便宜点了')).toEqual([]);
  });
  it('marks an offer of the floor price', () => {
    expect(detectConcessions('亲，直接给您底价吧')[0]).toMatchObject({ kind: 'price_off', floor: true });
  });
  it('parses Chinese amounts', () => {
    expect(parseAmount('十五')).toBe(15);
    expect(parseAmount('二十')).toBe(20);
    expect(parseAmount('一百')).toBe(100);
    expect(parseAmount('12.5')).toBe(12.5);
    expect(parseAmount('abc')).toBeUndefined();
  });
});

describe('checkConcessionJump (seed 002: 降价要分步骤，避免一次性降至底价)', () => {
  const ladder = defaultLadder(10);
  it('warns when the price is cut before cheaper steps were offered', () => {
    const reply = '亲，那给您便宜10元吧';
    const flags = checkConcessionJump(reply, ladder, []);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ id: 'concession_jump' });
    expect(reply.slice(flags[0]!.start, flags[0]!.end)).toBe('便宜10元');
    expect(flags[0]!.suggestion).toContain('包邮');
  });
  it('accepts a small price cut after the cheaper steps', () => {
    expect(checkConcessionJump('亲，那再便宜5元给您哦', ladder, ['free_shipping', 'coupon', 'member'])).toEqual([]);
  });
  it('accepts a price cut offered together with the remaining cheaper steps', () => {
    expect(checkConcessionJump('亲，给您包邮，再送5元优惠券和会员卡，再便宜5块', ladder, [])).toEqual([]);
  });
  it('does not warn about non-price steps in any order', () => {
    expect(checkConcessionJump('给您包个邮，再送您一张VIP会员卡', ladder, [])).toEqual([]);
  });
  it('warns on a cut above maxPriceOff', () => {
    const flags = checkConcessionJump('亲，那便宜30元吧', ladder, ['free_shipping', 'coupon', 'member']);
    expect(flags[0]?.message).toContain('10元');
  });
  it('always warns on offering the floor price at once', () => {
    expect(checkConcessionJump('亲，直接给您底价吧', ladder, ['free_shipping', 'coupon', 'member'])).toHaveLength(1);
  });
});
