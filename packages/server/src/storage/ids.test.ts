import { describe, expect, it } from 'vitest';
import { newId, newToken } from './ids.js';

describe('newId', () => {
  it('is prefix_ + 10 time chars + 16 random chars of the Crockford alphabet', () => {
    expect(newId('msg', 1_700_000_000_000)).toMatch(/^msg_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('sorts by creation time', () => {
    const a = newId('conv', 1_700_000_000_000);
    const b = newId('conv', 1_700_000_000_001);
    const c = newId('conv', 1_800_000_000_000);
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });

  it('never repeats within one millisecond, across refills of the random pool', () => {
    const t = Date.now();
    const ids = new Set<string>();
    // 2,000 ids use the 4 KiB pool about eight times over.
    for (let i = 0; i < 2_000; i++) ids.add(newId('msg', t));
    expect(ids.size).toBe(2_000);
  });

  it('spreads the random part over the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) for (const ch of newId('x', 0).slice(12)) seen.add(ch);
    expect(seen.size).toBe(32);
  });
});

describe('newToken', () => {
  it('is base64url of the requested size', () => {
    expect(newToken(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken(32)).not.toBe(newToken(32));
  });
});
