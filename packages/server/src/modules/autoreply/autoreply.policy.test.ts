import { ALL_DAY } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTO_REPLY } from './autoreply.defaults.js';
import { type AutoReplyInput, autoRepliesFor } from './autoreply.policy.js';
import { describeHours, isOpenAt, localTime } from './business-hours.js';

const base: AutoReplyInput = {
  settings: DEFAULT_AUTO_REPLY,
  shopName: '山野户外旗舰店',
  hoursText: '每天 08:30-23:59',
  openNow: true,
  returning: false,
  routed: { status: 'assigned', queuePosition: null, anyoneOnline: true },
};
const withVariant = (variant: 'greeting' | 'greeting_promotion' | 'greeting_reminder') => ({
  ...base,
  settings: { ...DEFAULT_AUTO_REPLY, greeting: { ...DEFAULT_AUTO_REPLY.greeting, variant } },
});

describe('autoRepliesFor', () => {
  it('greets a first-time buyer with the shop name filled in', () => {
    const r = autoRepliesFor(base);
    expect(r.map((x) => x.kind)).toEqual(['greeting']);
    expect(r[0]!.text).toContain('欢迎光临山野户外旗舰店');
  });
  it('appends the promotion or the reminder for those variants', () => {
    expect(autoRepliesFor(withVariant('greeting_promotion'))[0]!.text).toContain('正在搞活动');
    expect(autoRepliesFor(withVariant('greeting_reminder'))[0]!.text).toContain('温馨提示');
    expect(autoRepliesFor(withVariant('greeting'))[0]!.text).not.toMatch(/活动|温馨提示/);
  });
  it('greets a returning buyer differently', () => {
    const r = autoRepliesFor({ ...base, returning: true });
    expect(r.map((x) => x.kind)).toEqual(['returning']);
    expect(r[0]!.text).toContain('欢迎亲再次光临');
  });
  it('adds the busy reply when queued with nobody online or a long queue, not when assigned', () => {
    expect(autoRepliesFor({ ...base, routed: { status: 'waiting', queuePosition: 1, anyoneOnline: false } }).map((x) => x.kind)).toEqual(['greeting', 'busy']);
    expect(autoRepliesFor({ ...base, routed: { status: 'waiting', queuePosition: 5, anyoneOnline: true } }).map((x) => x.kind)).toEqual(['greeting', 'busy']);
    expect(autoRepliesFor({ ...base, routed: { status: 'waiting', queuePosition: 2, anyoneOnline: true } }).map((x) => x.kind)).toEqual(['greeting']);
    const busy = autoRepliesFor({ ...base, routed: { status: 'waiting', queuePosition: 9, anyoneOnline: true } })[1]!;
    expect(busy.text).toContain('请亲把问题一并列出');
  });
  it('out of hours sends only the off-hours reply with the hours', () => {
    const r = autoRepliesFor({ ...base, openNow: false, routed: { status: 'waiting', queuePosition: 1, anyoneOnline: false } });
    expect(r.map((x) => x.kind)).toEqual(['off_hours']);
    expect(r[0]!.text).toContain('每天 08:30-23:59');
  });
  it('sends nothing that is disabled', () => {
    const s = { ...DEFAULT_AUTO_REPLY, greeting: { ...DEFAULT_AUTO_REPLY.greeting, enabled: false }, offHours: { ...DEFAULT_AUTO_REPLY.offHours, enabled: false } };
    expect(autoRepliesFor({ ...base, settings: s })).toEqual([]);
    expect(autoRepliesFor({ ...base, settings: s, openNow: false })).toEqual([]);
  });
});

describe('business hours', () => {
  const nineToSix = { days: Array.from({ length: 7 }, (_, d) => (d === 0 ? [] : [{ start: '09:00', end: '18:00' }])) };
  // 2026-11-23 is a Monday; 02:00 UTC = 10:00 in Shanghai, 11:00 UTC = 19:00.
  const mon10 = Date.UTC(2026, 10, 23, 2, 0);
  const mon19 = Date.UTC(2026, 10, 23, 11, 0);
  const sun10 = Date.UTC(2026, 10, 22, 2, 0);
  it('is open inside a range in the shop time zone, closed outside and on closed days', () => {
    expect(isOpenAt(nineToSix, 'Asia/Shanghai', mon10)).toBe(true);
    expect(isOpenAt(nineToSix, 'Asia/Shanghai', mon19)).toBe(false);
    expect(isOpenAt(nineToSix, 'Asia/Shanghai', sun10)).toBe(false);
    // The same instant is 02:00 in London: closed.
    expect(isOpenAt(nineToSix, 'Europe/London', mon10)).toBe(false);
  });
  it('reads each zone with its own cached formatter; an unknown zone reads as Shanghai', () => {
    // Alternating zones: a formatter cached for one must never answer for another.
    for (let i = 0; i < 3; i++) {
      expect(localTime('Asia/Shanghai', mon10)).toEqual({ weekday: 1, minutes: 600 });
      expect(localTime('Europe/London', mon10)).toEqual({ weekday: 1, minutes: 120 });
      expect(localTime('America/New_York', mon10)).toEqual({ weekday: 0, minutes: 21 * 60 });
    }
    expect(localTime('Mars/Base', mon19)).toEqual(localTime('Asia/Shanghai', mon19));
  });
  it('treats 24:00 as the end of the day', () => {
    expect(isOpenAt(ALL_DAY, 'Asia/Shanghai', Date.UTC(2026, 10, 23, 15, 59))).toBe(true);
  });
  it('describes hours for buyers', () => {
    expect(describeHours(ALL_DAY)).toBe('每天 00:00-24:00');
    expect(describeHours(nineToSix)).toContain('周日 休息');
  });
});
