import { defaultLadder } from '@kefu/core';
import { describe, expect, it } from 'vitest';
import { blockedMessage, blockingFlags, blockingSet, validateLadder } from './quality.policy.js';

describe('quality policy', () => {
  it('off-platform contact always blocks; other flags only when chosen; unknown ids are ignored', () => {
    expect([...blockingSet([])]).toEqual(['off_platform_contact']);
    expect(blockingSet(['cold_tone', 'nope']).has('cold_tone')).toBe(true);
    expect(blockingSet(['cold_tone', 'nope']).has('nope')).toBe(false);
    const flags = [
      { id: 'cold_tone' as const, start: 0, end: 2, message: '生硬' },
      { id: 'not_warm' as const, start: 0, end: 4, message: '不亲切' },
    ];
    expect(blockingFlags(flags, blockingSet(['cold_tone'])).map((f) => f.id)).toEqual(['cold_tone']);
    expect(blockingFlags(flags, blockingSet([]))).toEqual([]);
  });
  it('names the offending words in the blocked message', () => {
    expect(blockedMessage([{ id: 'off_platform_contact', start: 2, end: 4, message: '不要留站外联系方式' }], '加我微信')).toBe('消息未发送：「微信」不要留站外联系方式');
  });
  it('accepts the default ladder and refuses duplicates, a price cut before other steps, and a cut over the maximum', () => {
    expect(validateLadder(defaultLadder())).toEqual([]);
    const d = defaultLadder();
    expect(validateLadder({ ...d, steps: [...d.steps, d.steps[0]!] })).toContain('每种让步只能出现一次');
    expect(validateLadder({ ...d, steps: [...d.steps].reverse() })).toContain('直接降价必须是最后一步');
    expect(validateLadder({ maxPriceOff: 3, steps: [{ kind: 'price_off', amount: 5, label: '便宜5元' }] })[0]).toMatch(/超过/);
  });
});
