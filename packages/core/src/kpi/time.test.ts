import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  formatDuration,
  formatMoney,
  formatRate,
  makeBusinessClock,
  makeZone,
  parseDay,
  parseTime,
  roundHalfUp,
  roundRatio,
  resolveKpiSettings,
} from './index.js';

describe('rounding and display', () => {
  it('rounds half up despite binary floats', () => {
    expect(roundHalfUp(2879.9 / 50, 2)).toBe(57.6);
    expect(roundHalfUp(2879.9 / 55, 2)).toBe(52.36);
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(0.125, 2)).toBe(0.13);
    expect(roundHalfUp(-1.005, 2)).toBe(-1.01);
    expect(roundRatio(2 / 7)).toBe(0.2857);
    expect(roundRatio(null)).toBeNull();
  });

  it('formats rates, money and durations as KPIS.md says', () => {
    expect(formatRate(2 / 7)).toBe('28.6%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
    expect(formatMoney(57.598)).toBe('57.60');
    expect(formatMoney(2879.9)).toBe('2879.90');
    expect(formatDuration(25)).toBe('25.0秒');
    expect(formatDuration(119.9)).toBe('119.9秒');
    expect(formatDuration(150)).toBe('2.5分钟');
  });
});

describe('zones and times', () => {
  const sh = makeZone('Asia/Shanghai');

  it('reads ISO with offset, wall-clock strings in the zone, and Excel-resaved dates', () => {
    const iso = Date.parse('2013-09-10T02:05:33Z');
    expect(parseTime('2013-09-10T10:05:33+08:00', sh)).toBe(iso);
    expect(parseTime('2013-09-10 10:05:33', sh)).toBe(iso);
    expect(parseTime('2013/9/10 10:05', sh)).toBe(iso - 33_000);
    expect(parseTime('2013-09-10', sh)).toBe(Date.parse('2013-09-09T16:00:00Z'));
    expect(parseTime('2013-02-30 10:00', sh)).toBeNaN();
    expect(parseTime('昨天', sh)).toBeNaN();
    expect(parseTime('', sh)).toBeNaN();
  });

  it('finds local days and offsets, also across daylight saving', () => {
    expect(sh.dayOf(Date.parse('2013-08-31T23:30:00Z'))).toBe(parseDay('2013-09-01'));
    expect(sh.toIso(Date.parse('2013-08-31T23:30:00Z'))).toBe('2013-09-01T07:30:00+08:00');
    const ny = makeZone('America/New_York');
    expect(ny.toIso(Date.parse('2013-07-01T12:00:00Z'))).toBe('2013-07-01T08:00:00-04:00');
    expect(ny.toIso(Date.parse('2013-12-01T12:00:00Z'))).toBe('2013-12-01T07:00:00-05:00');
    expect(ny.dayStartUtc(parseDay('2013-07-01')!)).toBe(Date.parse('2013-07-01T04:00:00Z'));
    expect(parseDay('2013-13-01')).toBeNull();
  });

  it('counts only open time on the business clock', () => {
    const clock = makeBusinessClock([{ days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' }], sh);
    const d = (a: string, b: string): number => (clock.at(Date.parse(b)) - clock.at(Date.parse(a))) / 1000;
    expect(d('2013-09-02T08:00:00+08:00', '2013-09-02T08:30:00+08:00')).toBe(0);
    expect(d('2013-09-02T17:00:00+08:00', '2013-09-03T10:00:00+08:00')).toBe(7200);
    expect(d('2013-09-06T17:00:00+08:00', '2013-09-09T09:30:00+08:00')).toBe(5400);
    const allDay = makeBusinessClock([{ days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' }], sh);
    expect(allDay.at(123456)).toBe(123456);
    expect(() => makeBusinessClock([{ days: [1], open: '18:00', close: '09:00' }], sh)).toThrow(RangeError);
  });

  it('rejects bad settings', () => {
    expect(() => resolveKpiSettings({ from: '2013-09-31', to: '2013-09-30' })).toThrow(RangeError);
    expect(() => resolveKpiSettings({ from: '2013-09-02', to: '2013-09-01' })).toThrow(RangeError);
    expect(() => resolveKpiSettings({ from: '2013-09-01', to: '2013-09-01', tz: 'Mars/Olympus' })).toThrow(RangeError);
    expect(resolveKpiSettings({ from: '2013-09-01', to: '2013-09-01' })).toMatchObject({
      tz: 'Asia/Shanghai',
      attributionWindowHours: 72,
      creditOn: 'payment',
    });
  });
});

describe('isValidTimeZone', () => {
  it('knows IANA zones, refuses others, and answers the same when asked again', () => {
    for (let i = 0; i < 2; i++) {
      expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
      expect(isValidTimeZone('America/New_York')).toBe(true);
      expect(isValidTimeZone('Mars/Base')).toBe(false);
      expect(isValidTimeZone('')).toBe(false);
    }
  });
});
