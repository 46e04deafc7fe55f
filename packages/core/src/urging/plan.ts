import { DomainError } from '../errors.js';
import { OUTCOME_WINDOW_MS, closeTimeMs, planReminders, type UrgingSettings } from './schedule.js';
import { inQuietHours, nextAllowed, toIso, toMs, type Instant } from './time.js';

export type ReminderStatus = 'pending' | 'sent' | 'cancelled' | 'skipped';

/** One reminder of a plan; `outcome` is set once, when the 72 h result is known. */
export interface PlanReminder {
  step: number;
  dueAt: string;
  status: ReminderStatus;
  scriptId?: string;
  sentAt?: string;
  /** Why a reminder was cancelled or skipped. */
  reason?: 'paid' | 'closed' | 'superseded' | 'quiet_hours_no_room' | 'past_close';
  outcome?: 'paid' | 'unpaid';
}

/** `active` while the order is unpaid and open; `paid`/`closed` after the order event; `expired` past close without one. */
export type PlanStatus = 'active' | 'paid' | 'closed' | 'expired';

/** The persisted reminder plan of one unpaid order. */
export interface ReminderPlan {
  orderId: string;
  createdAt: string;
  closesAt: string;
  status: PlanStatus;
  paidAt?: string;
  endedAt?: string;
  reminders: PlanReminder[];
}

/** A settled result for the script statistics: was the order paid within 72 h after this reminder. */
export interface ReminderOutcome {
  orderId: string;
  step: number;
  scriptId: string;
  sentAt: string;
  paidWithin72h: boolean;
}

/** Starts the reminder plan of a newly created unpaid order. */
export function createReminderPlan(
  order: { id: string; createdAt: Instant; closesAt?: Instant | null },
  settings: UrgingSettings,
  now?: Instant,
): ReminderPlan {
  const close = closeTimeMs(order, settings);
  return {
    orderId: order.id,
    createdAt: toIso(toMs(order.createdAt, 'createdAt')),
    closesAt: toIso(close),
    status: 'active',
    reminders: planReminders(order, settings, now).map((r) => ({ ...r, status: 'pending' })),
  };
}

/** An order fact that matters to the plan; both core event names and short forms are accepted. */
export interface PlanOrderEvent {
  type: 'paid' | 'closed' | 'order.paid' | 'order.closed' | (string & {});
  at: Instant;
}

function endPlan(plan: ReminderPlan, status: Exclude<PlanStatus, 'active'>, at: number, reason: 'paid' | 'closed' | 'past_close'): ReminderPlan {
  return {
    ...plan,
    status,
    endedAt: toIso(at),
    ...(status === 'paid' ? { paidAt: toIso(at) } : {}),
    reminders: plan.reminders.map((r) => (r.status === 'pending' ? { ...r, status: 'cancelled', reason } : r)),
  };
}

/** Payment or close stops the plan at once: every pending reminder is cancelled. Other events change nothing. */
export function onOrderEvent(plan: ReminderPlan, event: PlanOrderEvent): ReminderPlan {
  const type = event.type.replace(/^order\./, '');
  if (type !== 'paid' && type !== 'closed') return plan;
  const at = toMs(event.at, 'at');
  // A payment reported after an expiry still counts: the platform may close late.
  if (plan.status === 'paid' || plan.status === 'closed') return plan;
  if (plan.status === 'expired' && type === 'closed') return plan;
  return endPlan(plan, type, at, type);
}

/** The earliest pending due time, for the job timer; null when nothing is pending. */
export function nextDueAt(plan: ReminderPlan): string | null {
  if (plan.status !== 'active') return null;
  let best: string | null = null;
  for (const r of plan.reminders) if (r.status === 'pending' && (best === null || Date.parse(r.dueAt) < Date.parse(best))) best = r.dueAt;
  return best;
}

/** Script ids already sent to this order (pass as `exclude` so a buyer never gets the same text twice). */
export function usedScripts(plan: ReminderPlan): string[] {
  return [...new Set(plan.reminders.flatMap((r) => (r.scriptId ? [r.scriptId] : [])))];
}

/**
 * What to send now. Of the pending reminders already due only the latest is returned (a late
 * timer never sends a burst; earlier ones are `superseded`); inside quiet hours the due one moves to
 * the end of the period (or is dropped if that is not before close); past close the plan expires.
 */
export function takeDue(plan: ReminderPlan, now: Instant, settings: Pick<UrgingSettings, 'quietHours' | 'tz'>): { plan: ReminderPlan; due: PlanReminder | null } {
  if (plan.status !== 'active') return { plan, due: null };
  const nowMs = toMs(now, 'now');
  const close = Date.parse(plan.closesAt);
  if (nowMs >= close) return { plan: endPlan(plan, 'expired', nowMs, 'past_close'), due: null };

  const dueIdx = plan.reminders
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.status === 'pending' && Date.parse(r.dueAt) <= nowMs)
    .sort((a, b) => Date.parse(a.r.dueAt) - Date.parse(b.r.dueAt) || a.r.step - b.r.step);
  const latest = dueIdx[dueIdx.length - 1];
  if (!latest) return { plan, due: null };

  const superseded = new Set(dueIdx.slice(0, -1).map((d) => d.i));
  const quiet = inQuietHours(nowMs, settings.quietHours, settings.tz);
  let movedTo: number | null = null;
  if (quiet) movedTo = nextAllowed(nowMs, settings.quietHours, settings.tz);

  const reminders = plan.reminders.map((r, i): PlanReminder => {
    if (superseded.has(i)) return { ...r, status: 'skipped', reason: 'superseded' };
    if (i === latest.i && movedTo !== null) {
      return movedTo < close ? { ...r, dueAt: toIso(movedTo) } : { ...r, status: 'skipped', reason: 'quiet_hours_no_room' };
    }
    return r;
  });
  const next = { ...plan, reminders };
  return { plan: next, due: movedTo === null ? (reminders[latest.i] ?? null) : null };
}

/**
 * Records that the reminder of `step` went out with `scriptId`. Throws `resource.conflict` unless the
 * reminder is pending and due and the plan active — so a timer can never send the same reminder twice.
 */
export function markSent(plan: ReminderPlan, step: number, scriptId: string, now: Instant): ReminderPlan {
  const nowMs = toMs(now, 'now');
  const idx = plan.reminders.findIndex((r) => r.step === step);
  const r = plan.reminders[idx];
  if (plan.status !== 'active' || !r || r.status !== 'pending' || Date.parse(r.dueAt) > nowMs || nowMs >= Date.parse(plan.closesAt)) {
    throw new DomainError('resource.conflict', '该催付提醒已发送、已取消或尚未到期', {
      orderId: plan.orderId,
      step,
      planStatus: plan.status,
      reminderStatus: r?.status ?? null,
    });
  }
  const reminders = plan.reminders.map((x, i) => (i === idx ? { ...x, status: 'sent' as const, scriptId, sentAt: toIso(nowMs) } : x));
  return { ...plan, reminders };
}

/**
 * Settles the 72 h outcome of every sent reminder whose result is known: paid within 72 h after it
 * was sent → paid; not paid and (closed, expired or 72 h elapsed) → unpaid. Each reminder settles once;
 * feed the returned outcomes to `recordOutcome`.
 */
export function settleOutcomes(plan: ReminderPlan, now: Instant): { plan: ReminderPlan; outcomes: ReminderOutcome[] } {
  const nowMs = toMs(now, 'now');
  const paidMs = plan.paidAt ? Date.parse(plan.paidAt) : null;
  const ended = plan.status === 'closed' || plan.status === 'expired';
  const outcomes: ReminderOutcome[] = [];
  const reminders = plan.reminders.map((r): PlanReminder => {
    if (r.status !== 'sent' || r.outcome || !r.sentAt || !r.scriptId) return r;
    const sent = Date.parse(r.sentAt);
    let paid: boolean | null = null;
    if (paidMs !== null) paid = paidMs >= sent && paidMs - sent <= OUTCOME_WINDOW_MS;
    else if (ended || nowMs - sent > OUTCOME_WINDOW_MS) paid = false;
    if (paid === null) return r;
    outcomes.push({ orderId: plan.orderId, step: r.step, scriptId: r.scriptId, sentAt: r.sentAt, paidWithin72h: paid });
    return { ...r, outcome: paid ? 'paid' : 'unpaid' };
  });
  return outcomes.length ? { plan: { ...plan, reminders }, outcomes } : { plan, outcomes };
}
