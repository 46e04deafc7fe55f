import { DomainError } from '../errors.js';

/** An instant given as an ISO string, a Date or epoch milliseconds. */
export type Instant = string | Date | number;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

/** Epoch milliseconds of an instant; throws `request.invalid` on an unparseable value. */
export function toMs(at: Instant, field = 'time'): number {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) throw new DomainError('request.invalid', `${field} 不是合法的时间`, { field, value: String(at) });
  return ms;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();

/** Minutes since midnight of an "HH:MM" string (00:00–24:00). */
export function parseClock(hhmm: string, field = 'time'): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  if (!m || h > 24 || min > 59 || (h === 24 && min !== 0)) {
    throw new DomainError('request.invalid', `${field} 应为 HH:MM 格式`, { field, value: hhmm });
  }
  return h * 60 + min;
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new DomainError('request.invalid', `未知的时区：${tz}`, { field: 'tz', value: tz });
    }
    formatters.set(tz, f);
  }
  return f;
}

/** Local wall-clock fields of an instant in a time zone. */
export function wallClock(ms: number, tz: string): Wall & { s: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { y: parts.year ?? 0, mo: parts.month ?? 0, d: parts.day ?? 0, h: parts.hour ?? 0, mi: parts.minute ?? 0, s: parts.second ?? 0 };
}

function offsetMs(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant at a local wall-clock time (day overflow allowed, e.g. d + 1). */
export function fromWallClock(w: Wall, tz: string): number {
  const guess = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
  const first = guess - offsetMs(guess, tz);
  // A second pass settles instants near an offset change (DST zones).
  const second = guess - offsetMs(first, tz);
  return second;
}

/** Quiet hours as local "HH:MM" start and end; start after end spans midnight; equal means none. */
export interface QuietHours {
  start: string;
  end: string;
}

/** True when the instant falls in the quiet hours of the zone. */
export function inQuietHours(ms: number, quiet: QuietHours | null | undefined, tz: string): boolean {
  if (!quiet) return false;
  const s = parseClock(quiet.start, 'quietHours.start');
  const e = parseClock(quiet.end, 'quietHours.end');
  if (s === e) return false;
  const w = wallClock(ms, tz);
  const m = w.h * 60 + w.mi;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** The instant itself when allowed, else the end of the quiet period it falls in. */
export function nextAllowed(ms: number, quiet: QuietHours | null | undefined, tz: string): number {
  if (!quiet || !inQuietHours(ms, quiet, tz)) return ms;
  const s = parseClock(quiet.start, 'quietHours.start');
  const e = parseClock(quiet.end, 'quietHours.end');
  const w = wallClock(ms, tz);
  const m = w.h * 60 + w.mi;
  // Spanning midnight and still before it: the quiet period ends tomorrow.
  const dayShift = s > e && m >= s ? 1 : 0;
  return fromWallClock({ y: w.y, mo: w.mo, d: w.d + dayShift, h: Math.floor(e / 60), mi: e % 60 }, tz);
}
