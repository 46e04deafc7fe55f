import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '@kefu/contracts';
import { lintReply } from './lint.js';
import { COACH_FLAG_IDS } from './types.js';

const valid = (reply: string, flags: ReturnType<typeof lintReply>) => {
  for (const f of flags) {
    expect(COACH_FLAG_IDS).toContain(f.id);
    expect(Number.isInteger(f.start) && Number.isInteger(f.end)).toBe(true);
    expect(f.start).toBeGreaterThanOrEqual(0);
    expect(f.end).toBeLessThanOrEqual(reply.length);
    expect(f.start).toBeLessThanOrEqual(f.end);
    expect(f.message.length).toBeGreaterThan(0);
  }
};

describe('bad input gives valid output', () => {
  it('handles an empty draft and an empty buyer message', () => {
    expect(lintReply({ buyer: '', reply: '', platform: 'taobao' })).toEqual([]);
    const flags = lintReply({ buyer: '在吗', reply: '', platform: 'taobao' });
    expect(flags).toEqual([expect.objectContaining({ id: 'too_short', start: 0, end: 0 })]);
  });
  it('handles an emoji-only draft (warm, but too short)', () => {
    const reply = '😊👍🌹';
    const flags = lintReply({ buyer: '好的谢谢', reply, platform: 'jd' });
    valid(reply, flags);
    expect(flags.map((f) => f.id)).toEqual(['too_short']);
  });
  it('keeps UTF-16 offsets right after emoji (surrogate pairs)', () => {
    const reply = '😊😊亲，加我微信';
    const f = lintReply({ buyer: '', reply, platform: 'jd' }).find((x) => x.id === 'off_platform_contact');
    expect(reply.slice(f!.start, f!.end)).toBe('加我微信');
  });
  it('handles mixed scripts: traditional, full-width, Latin, Japanese, Arabic', () => {
    const reply = '親，ＱＱ號發您 hello こんにちは مرحبا 絕對正品';
    const flags = lintReply({ buyer: 'このTシャツ有货吗?', reply, platform: 'jd' });
    valid(reply, flags);
    const got = flags.map((f) => `${f.id}:${reply.slice(f.start, f.end)}`);
    expect(got).toContain('off_platform_contact:ＱＱ號');
    expect(got).toContain('absolute_promise:絕對');
  });
  it('handles a 50 KB draft on every platform', () => {
    const chunk = '亲，这款是最好的，绝对正品，加我微信13812345678，不能改价。我们天猫京东都有店哦~ ';
    const reply = chunk.repeat(Math.ceil(51_200 / chunk.length));
    for (const platform of PLATFORMS) {
      const flags = lintReply({ buyer: '有货吗？', reply, platform });
      valid(reply, flags);
      expect(flags.filter((f) => f.id === 'off_platform_contact').length).toBeGreaterThan(100);
    }
  });
  it('handles lone surrogates, control characters and a buyer of 50 KB', () => {
    const reply = '\ud83d亲\u0000好的\ud800';
    const buyer = '问'.repeat(51_200);
    const flags = lintReply({ buyer, reply, platform: 'pdd' });
    valid(reply, flags);
    expect(flags.map((f) => f.id)).toContain('too_short');
  });
});
