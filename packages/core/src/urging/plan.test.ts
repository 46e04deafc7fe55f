import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { createReminderPlan, markSent, nextDueAt, onOrderEvent, settleOutcomes, takeDue, usedScripts } from './plan.js';
import { DEFAULT_URGING_SETTINGS as S } from './schedule.js';

const bj = (mdhm: string) => new Date(`2024-${mdhm.replace(' ', 'T')}:00+08:00`).toISOString();
const order = { id: 'o1', createdAt: bj('05-01 10:00') };
const fresh = () => createReminderPlan(order, S);

describe('reminder plan lifecycle', () => {
  it('starts active with all reminders pending; next due is the first', () => {
    const p = fresh();
    expect(p.status).toBe('active');
    expect(p.closesAt).toBe(bj('05-04 10:00'));
    expect(p.reminders.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    expect(nextDueAt(p)).toBe(bj('05-01 10:30'));
  });

  it('payment cancels every pending reminder at once', () => {
    let p = fresh();
    p = markSent(takeDue(p, bj('05-01 10:31'), S).plan, 0, 'urge_1', bj('05-01 10:31'));
    p = onOrderEvent(p, { type: 'order.paid', at: bj('05-01 11:00') });
    expect(p.status).toBe('paid');
    expect(p.paidAt).toBe(bj('05-01 11:00'));
    expect(p.reminders.map((r) => [r.status, r.reason ?? null])).toEqual([
      ['sent', null],
      ['cancelled', 'paid'],
      ['cancelled', 'paid'],
    ]);
    expect(nextDueAt(p)).toBeNull();
    expect(takeDue(p, bj('05-02 10:00'), S).due).toBeNull();
  });

  it('close cancels too; other events change nothing; a second stop is ignored', () => {
    const p = fresh();
    expect(onOrderEvent(p, { type: 'order.note_added', at: bj('05-01 10:05') })).toBe(p);
    const closed = onOrderEvent(p, { type: 'closed', at: bj('05-01 12:00') });
    expect(closed.status).toBe('closed');
    expect(closed.reminders.every((r) => r.status === 'cancelled' && r.reason === 'closed')).toBe(true);
    expect(onOrderEvent(closed, { type: 'paid', at: bj('05-01 13:00') })).toBe(closed);
  });

  it('a timer can never send the same reminder twice', () => {
    const p = markSent(fresh(), 0, 'urge_1', bj('05-01 10:30'));
    expect(() => markSent(p, 0, 'urge_2', bj('05-01 10:31'))).toThrow(DomainError);
    try {
      markSent(p, 0, 'urge_2', bj('05-01 10:31'));
    } catch (e) {
      expect((e as DomainError).code).toBe('resource.conflict');
    }
  });

  it('no sending before due, after payment, or after close', () => {
    expect(() => markSent(fresh(), 1, 'urge_1', bj('05-01 10:30'))).toThrow(DomainError);
    const paid = onOrderEvent(fresh(), { type: 'paid', at: bj('05-01 10:10') });
    expect(() => markSent(paid, 0, 'urge_1', bj('05-01 10:30'))).toThrow(DomainError);
    expect(() => markSent(fresh(), 2, 'urge_1', bj('05-04 10:00'))).toThrow(DomainError);
  });

  it('takeDue: nothing before the first due time', () => {
    const r = takeDue(fresh(), bj('05-01 10:29'), S);
    expect(r.due).toBeNull();
  });

  it('takeDue: a late timer sends only the latest due reminder and skips the older ones', () => {
    const r = takeDue(fresh(), bj('05-02 10:05'), S);
    expect(r.due?.step).toBe(1);
    expect(r.plan.reminders.map((x) => x.status)).toEqual(['skipped', 'pending', 'pending']);
    expect(r.plan.reminders[0]?.reason).toBe('superseded');
  });

  it('takeDue inside quiet hours moves the reminder to the morning instead of sending', () => {
    // The server was down: the 10:30 reminder is still pending at 23:00.
    const r = takeDue(fresh(), bj('05-01 23:00'), S);
    expect(r.due).toBeNull();
    expect(r.plan.reminders[0]?.dueAt).toBe(bj('05-02 08:00'));
    expect(r.plan.reminders[0]?.status).toBe('pending');
  });

  it('takeDue in quiet hours with no room before the close skips it', () => {
    const p = createReminderPlan({ id: 'o2', createdAt: bj('05-01 10:00'), closesAt: bj('05-01 23:30') }, S);
    const r = takeDue(p, bj('05-01 22:10'), S);
    expect(r.due).toBeNull();
    expect(r.plan.reminders.find((x) => x.reason === 'quiet_hours_no_room')).toBeDefined();
  });

  it('takeDue past the close expires the plan', () => {
    const r = takeDue(fresh(), bj('05-04 10:00'), S);
    expect(r.plan.status).toBe('expired');
    expect(r.plan.reminders.every((x) => x.status === 'cancelled')).toBe(true);
  });

  it('usedScripts lists what the buyer already received', () => {
    let p = markSent(fresh(), 0, 'urge_1', bj('05-01 10:30'));
    p = markSent(p, 1, 'urge_3', bj('05-02 10:00'));
    expect(usedScripts(p)).toEqual(['urge_1', 'urge_3']);
  });
});

describe('settleOutcomes (paid within 72 h after a reminder)', () => {
  it('paid → every sent reminder settles as paid, once', () => {
    let p = markSent(fresh(), 0, 'urge_1', bj('05-01 10:30'));
    p = markSent(p, 1, 'urge_5', bj('05-02 10:00'));
    expect(settleOutcomes(p, bj('05-02 11:00')).outcomes).toEqual([]);
    p = onOrderEvent(p, { type: 'paid', at: bj('05-02 12:00') });
    const first = settleOutcomes(p, bj('05-02 12:00'));
    expect(first.outcomes.map((o) => [o.scriptId, o.paidWithin72h])).toEqual([
      ['urge_1', true],
      ['urge_5', true],
    ]);
    expect(settleOutcomes(first.plan, bj('05-03 12:00')).outcomes).toEqual([]);
  });
  it('closed unpaid → unpaid', () => {
    let p = markSent(fresh(), 0, 'urge_2', bj('05-01 10:30'));
    p = onOrderEvent(p, { type: 'closed', at: bj('05-01 18:00') });
    expect(settleOutcomes(p, bj('05-01 18:00')).outcomes.map((o) => o.paidWithin72h)).toEqual([false]);
  });
  it('a payment more than 72 h after the reminder does not count for it', () => {
    const p0 = createReminderPlan({ id: 'o3', createdAt: bj('05-01 10:00'), closesAt: bj('05-10 10:00') }, S);
    let p = markSent(p0, 0, 'urge_1', bj('05-01 10:30'));
    p = onOrderEvent(p, { type: 'paid', at: bj('05-04 11:00') });
    expect(settleOutcomes(p, bj('05-04 11:00')).outcomes[0]?.paidWithin72h).toBe(false);
  });
  it('unpaid and 72 h elapsed → unpaid even without a close event', () => {
    const p0 = createReminderPlan({ id: 'o4', createdAt: bj('05-01 10:00'), closesAt: bj('05-10 10:00') }, S);
    const p = markSent(p0, 0, 'urge_4', bj('05-01 10:30'));
    expect(settleOutcomes(p, bj('05-04 10:30')).outcomes).toEqual([]);
    expect(settleOutcomes(p, bj('05-04 10:31')).outcomes.map((o) => o.paidWithin72h)).toEqual([false]);
  });
});
