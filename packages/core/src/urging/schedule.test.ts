import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { DEFAULT_URGING_SETTINGS, planReminders, type UrgingSettings } from './schedule.js';
import { inQuietHours, nextAllowed } from './time.js';

const S = DEFAULT_URGING_SETTINGS;
// Local Beijing time (UTC+8) helper: bj('05-01 10:00') → ISO instant.
const bj = (mdhm: string) => new Date(`2024-${mdhm.replace(' ', 'T')}:00+08:00`).toISOString();

describe('planReminders — default plan (30 min, 24 h, 2 h before the 72 h close)', () => {
  it('a daytime order gets all three', () => {
    expect(planReminders({ createdAt: bj('05-01 10:00') }, S)).toEqual([
      { step: 0, dueAt: bj('05-01 10:30') },
      { step: 1, dueAt: bj('05-02 10:00') },
      { step: 2, dueAt: bj('05-04 08:00') },
    ]);
  });
  it('uses the order closesAt when given', () => {
    const plan = planReminders({ createdAt: bj('05-01 10:00'), closesAt: bj('05-02 09:00') }, S);
    expect(plan).toEqual([
      { step: 0, dueAt: bj('05-01 10:30') },
      { step: 2, dueAt: bj('05-02 08:00') },
    ]);
  });
});

describe('planReminders — quiet hours', () => {
  it('never at night: late-evening reminders move to 08:00 the next morning', () => {
    const plan = planReminders({ createdAt: bj('05-01 22:50') }, S);
    expect(plan).toEqual([
      { step: 0, dueAt: bj('05-02 08:00') },
      { step: 1, dueAt: bj('05-03 08:00') },
      { step: 2, dueAt: bj('05-04 20:50') },
    ]);
    for (const r of plan) expect(inQuietHours(Date.parse(r.dueAt), S.quietHours, S.tz)).toBe(false);
  });
  it('after-midnight reminders move to 08:00 the same day', () => {
    expect(planReminders({ createdAt: bj('05-01 01:40') }, S)[0]).toEqual({ step: 0, dueAt: bj('05-01 08:00') });
  });
  it('drops a reminder that would land after the close once shifted', () => {
    // Close at 05-04 03:00; the before-close step (01:00) would move to 08:00, past the close.
    const plan = planReminders({ createdAt: bj('05-01 03:00') }, S);
    expect(plan.map((r) => r.step)).toEqual([0, 1]);
    expect(plan.every((r) => Date.parse(r.dueAt) < Date.parse(bj('05-04 03:00')))).toBe(true);
  });
  it('a daytime quiet period (start before end) works too', () => {
    const s: UrgingSettings = { ...S, quietHours: { start: '12:00', end: '13:30' } };
    expect(planReminders({ createdAt: bj('05-01 11:45') }, s)[0]).toEqual({ step: 0, dueAt: bj('05-01 13:30') });
  });
  it('without quiet hours nothing moves', () => {
    const s: UrgingSettings = { ...S, quietHours: null };
    expect(planReminders({ createdAt: bj('05-01 23:00') }, s)[0]).toEqual({ step: 0, dueAt: bj('05-01 23:30') });
  });
  it('respects the shop time zone', () => {
    const s: UrgingSettings = { ...S, tz: 'Europe/London' };
    // 23:00 in Beijing is 16:00 in London (summer time): not quiet there.
    expect(planReminders({ createdAt: bj('05-01 23:00') }, s)[0]).toEqual({ step: 0, dueAt: bj('05-01 23:30') });
    expect(nextAllowed(Date.parse('2024-05-01T22:30:00+01:00'), s.quietHours, s.tz)).toBe(Date.parse('2024-05-02T08:00:00+01:00'));
  });
});

describe('planReminders — limits', () => {
  it('at most maxPerOrder, earliest first', () => {
    expect(planReminders({ createdAt: bj('05-01 10:00') }, { ...S, maxPerOrder: 2 }).map((r) => r.step)).toEqual([0, 1]);
    expect(planReminders({ createdAt: bj('05-01 10:00') }, { ...S, maxPerOrder: 0 })).toEqual([]);
  });
  it('reminders shifted onto the same morning collapse into one', () => {
    const s: UrgingSettings = { ...S, steps: [{ afterMinutes: 30 }, { afterMinutes: 240 }] };
    expect(planReminders({ createdAt: bj('05-01 23:00') }, s)).toEqual([{ step: 0, dueAt: bj('05-02 08:00') }]);
  });
  it('with now, past reminders are not planned', () => {
    expect(planReminders({ createdAt: bj('05-01 10:00') }, S, bj('05-01 12:00')).map((r) => r.step)).toEqual([1, 2]);
  });
  it('a before-close step longer than the window is dropped', () => {
    const s: UrgingSettings = { ...S, steps: [{ beforeCloseMinutes: 5000 }] };
    expect(planReminders({ createdAt: bj('05-01 10:00') }, s)).toEqual([]);
  });
  it('rejects bad settings', () => {
    const bad = (s: Partial<UrgingSettings>) => () => planReminders({ createdAt: bj('05-01 10:00') }, { ...S, ...s });
    expect(bad({ maxPerOrder: -1 })).toThrow(DomainError);
    expect(bad({ quietHours: { start: '25:00', end: '08:00' } })).toThrow(DomainError);
    expect(bad({ tz: 'Mars/Olympus' })).toThrow(DomainError);
    expect(bad({ steps: [{ afterMinutes: 10, beforeCloseMinutes: 10 } as never] })).toThrow(DomainError);
    expect(() => planReminders({ createdAt: 'not a date' }, S)).toThrow(DomainError);
  });
});
