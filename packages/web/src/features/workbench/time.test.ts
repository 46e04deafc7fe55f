import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGET_SEC, isLate, targetSecOf } from './time.js';

describe('response target', () => {
  it("takes the shop's target, the default when the shop has none", () => {
    expect(targetSecOf({ responseTargetSec: 45 })).toBe(45);
    expect(targetSecOf({ responseTargetSec: 5 })).toBe(5);
    expect(targetSecOf({})).toBe(DEFAULT_TARGET_SEC);
    expect(targetSecOf(null)).toBe(30);
    expect(targetSecOf({ responseTargetSec: 0 })).toBe(30);
    expect(targetSecOf({ responseTargetSec: Number.NaN })).toBe(30);
  });

  it('turns a wait late only past the target', () => {
    expect(isLate(null, 30)).toBe(false);
    expect(isLate(29_999, 30)).toBe(false);
    expect(isLate(30_000, 30)).toBe(false);
    expect(isLate(30_001, 30)).toBe(true);
    // A 45 s shop: 40 s is on time there, late in a 30 s shop.
    expect(isLate(40_000, 45)).toBe(false);
    expect(isLate(40_000, 30)).toBe(true);
  });
});
