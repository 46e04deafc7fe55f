import { DomainError } from '../errors.js';
import { HOUR_MS, MINUTE_MS, nextAllowed, toIso, toMs, type Instant, type QuietHours } from './time.js';

/** One reminder step: minutes after the order was created, or minutes before it closes. */
export type UrgingStep = { afterMinutes: number; beforeCloseMinutes?: never } | { beforeCloseMinutes: number; afterMinutes?: never };

/** A shop's payment-urging settings (催付设置). */
export interface UrgingSettings {
  steps: readonly UrgingStep[];
  /** Local hours in which no reminder is sent; a reminder due then moves to the end of the period. */
  quietHours: QuietHours | null;
  /** IANA time zone of the shop, e.g. Asia/Shanghai. */
  tz: string;
  /** At most this many reminders per order. */
  maxPerOrder: number;
  /** Minutes from creation to automatic close when the order has no `closesAt` (platform default 72 h). */
  closeAfterMinutes?: number;
  /** Two reminders closer than this (after shifting) collapse into the earlier one. */
  minGapMinutes?: number;
}

/** Defaults from seed 003: inside the impulse window, at 24 h, and before the 72 h close; never at night. */
export const DEFAULT_URGING_SETTINGS: UrgingSettings = {
  steps: [{ afterMinutes: 30 }, { afterMinutes: 1440 }, { beforeCloseMinutes: 120 }],
  quietHours: { start: '22:00', end: '08:00' },
  tz: 'Asia/Shanghai',
  maxPerOrder: 3,
  closeAfterMinutes: 72 * 60,
  minGapMinutes: 60,
};

/** The payment window the urging success is measured over (催付成功率: paid within 72 h after a reminder). */
export const OUTCOME_WINDOW_MS = 72 * HOUR_MS;

/** The order facts the schedule needs. */
export interface UrgeableOrder {
  createdAt: Instant;
  /** When the platform closes the unpaid order; default created + closeAfterMinutes. */
  closesAt?: Instant | null;
}

/** A planned reminder: `step` is the index into `settings.steps`. */
export interface PlannedReminder {
  step: number;
  dueAt: string;
}

function nonNegative(n: number | undefined, field: string): void {
  if (n !== undefined && !(Number.isFinite(n) && n >= 0)) {
    throw new DomainError('request.invalid', `${field} 必须是非负数`, { field, value: n });
  }
}

/** Validates settings; throws `request.invalid` naming the bad field. */
export function validateUrgingSettings(settings: UrgingSettings): void {
  settings.steps.forEach((s, i) => {
    const hasAfter = typeof s.afterMinutes === 'number';
    const hasBefore = typeof s.beforeCloseMinutes === 'number';
    if (hasAfter === hasBefore) {
      throw new DomainError('request.invalid', `第 ${i + 1} 步需且仅需设置 afterMinutes 或 beforeCloseMinutes`, { field: `steps.${i}` });
    }
    nonNegative(s.afterMinutes, `steps.${i}.afterMinutes`);
    nonNegative(s.beforeCloseMinutes, `steps.${i}.beforeCloseMinutes`);
  });
  if (!Number.isInteger(settings.maxPerOrder) || settings.maxPerOrder < 0) {
    throw new DomainError('request.invalid', 'maxPerOrder 必须是非负整数', { field: 'maxPerOrder', value: settings.maxPerOrder });
  }
  nonNegative(settings.closeAfterMinutes, 'closeAfterMinutes');
  nonNegative(settings.minGapMinutes, 'minGapMinutes');
  // Validates the clock strings and the zone.
  nextAllowed(0, settings.quietHours, settings.tz);
}

/** Epoch ms when the order closes unpaid. */
export function closeTimeMs(order: UrgeableOrder, settings: Pick<UrgingSettings, 'closeAfterMinutes'>): number {
  if (order.closesAt != null) return toMs(order.closesAt, 'closesAt');
  const minutes = settings.closeAfterMinutes ?? DEFAULT_URGING_SETTINGS.closeAfterMinutes ?? 72 * 60;
  return toMs(order.createdAt, 'createdAt') + minutes * MINUTE_MS;
}

/**
 * Reminder times for an unpaid order: each step's raw time, moved out of quiet hours to the next
 * allowed minute; dropped when that is not before the close, not after creation, or (with `now`)
 * already past; reminders closer than `minGapMinutes` collapse; at most `maxPerOrder`, earliest first.
 */
export function planReminders(order: UrgeableOrder, settings: UrgingSettings, now?: Instant): PlannedReminder[] {
  validateUrgingSettings(settings);
  const created = toMs(order.createdAt, 'createdAt');
  const close = closeTimeMs(order, settings);
  const nowMs = now === undefined ? undefined : toMs(now, 'now');
  const gap = (settings.minGapMinutes ?? DEFAULT_URGING_SETTINGS.minGapMinutes ?? 0) * MINUTE_MS;

  const candidates: Array<{ step: number; at: number }> = [];
  settings.steps.forEach((s, step) => {
    const raw = s.afterMinutes !== undefined ? created + s.afterMinutes * MINUTE_MS : close - (s.beforeCloseMinutes ?? 0) * MINUTE_MS;
    if (raw <= created) return;
    const at = nextAllowed(raw, settings.quietHours, settings.tz);
    if (at >= close) return;
    if (nowMs !== undefined && at < nowMs) return;
    candidates.push({ step, at });
  });
  candidates.sort((a, b) => a.at - b.at || a.step - b.step);

  const kept: Array<{ step: number; at: number }> = [];
  for (const c of candidates) {
    const last = kept[kept.length - 1];
    if (last && (c.at - last.at < gap || c.at === last.at)) continue;
    kept.push(c);
  }
  return kept.slice(0, settings.maxPerOrder).map((c) => ({ step: c.step, dueAt: toIso(c.at) }));
}
