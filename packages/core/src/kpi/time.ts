/** Time-zone and calendar helpers for the KPI engine, built on Intl only (no dependencies, no clock reads). */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const BUCKET_MS = 15 * MINUTE_MS;

/** A shop time zone: UTC offsets, local calendar days (as day numbers since 1970-01-01) and ISO output. */
export interface Zone {
  readonly tz: string;
  /** Offset of local time from UTC at the instant `utcMs`, in ms. */
  offsetMs(utcMs: number): number;
  /** Local calendar day number of an instant. */
  dayOf(utcMs: number): number;
  /** Instant at which local day `day` starts. */
  dayStartUtc(day: number): number;
  /** Instant of a local wall-clock time given as ms since 1970-01-01T00:00 local. */
  localToUtc(localMs: number): number;
  /** ISO 8601 with the zone's offset, e.g. `2013-09-01T10:00:00+08:00`. */
  toIso(utcMs: number): string;
}

const zoneCache = new Map<string, Zone>();

/** Builds (and caches) a zone; throws RangeError for an unknown IANA name. */
export function makeZone(tz: string): Zone {
  const cached = zoneCache.get(tz);
  if (cached) return cached;
  const dtf = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  // Offsets only change on quarter-hour UTC boundaries, so one Intl call per 15-minute bucket suffices.
  const buckets = new Map<number, number>();
  const compute = (utcMs: number): number => {
    const parts = dtf.formatToParts(new Date(utcMs));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
    return asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  };
  const offsetMs = (utcMs: number): number => {
    const key = Math.floor(utcMs / BUCKET_MS);
    let off = buckets.get(key);
    if (off === undefined) {
      off = compute(key * BUCKET_MS);
      buckets.set(key, off);
    }
    return off;
  };
  const localToUtc = (localMs: number): number => {
    const guess = localMs - offsetMs(localMs);
    return localMs - offsetMs(guess);
  };
  const zone: Zone = {
    tz,
    offsetMs,
    dayOf: (utcMs) => Math.floor((utcMs + offsetMs(utcMs)) / DAY_MS),
    dayStartUtc: (day) => localToUtc(day * DAY_MS),
    localToUtc,
    toIso: (utcMs) => {
      const off = offsetMs(utcMs);
      const local = new Date(utcMs + off).toISOString().slice(0, 19);
      const sign = off < 0 ? '-' : '+';
      const abs = Math.abs(off) / MINUTE_MS;
      return `${local}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
    },
  };
  zoneCache.set(tz, zone);
  return zone;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const zoneChecks = new Map<string, boolean>();

/** True when `tz` is an IANA zone name this runtime knows (answers remembered: building a formatter costs ~100 µs). */
export function isValidTimeZone(tz: string): boolean {
  let ok = zoneChecks.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (zoneChecks.size >= 500) zoneChecks.clear();
    zoneChecks.set(tz, ok);
  }
  return ok;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → day number, or null when malformed or not a real date. */
export function parseDay(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** Day number → `YYYY-MM-DD`. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const OFFSET_RE = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

function hasOffset(s: string): boolean {
  const n = s.length;
  const last = s.charCodeAt(n - 1);
  if (last === 90 || last === 122) return true; // Z, z
  const sign = s.charCodeAt(n - 6);
  if (s.charCodeAt(n - 3) === 58 && (sign === 43 || sign === 45)) return true; // ±hh:mm
  return OFFSET_RE.test(s.slice(11));
}
const LOCAL_RE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/**
 * Parses a time to epoch ms: a number is taken as epoch ms; an ISO string with an offset or `Z` as is;
 * a wall-clock string without offset (`2013-09-10 10:05:33`, `2013/9/10 10:05`, `2013-09-10`) in `zone`.
 * Returns NaN when it cannot be read.
 */
export function parseTime(value: string | number, zone: Zone): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  const s = value.trim();
  if (s === '') return NaN;
  if (s.charCodeAt(10) === 84 /* T */ && hasOffset(s)) {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? NaN : ms;
  }
  const m = LOCAL_RE.exec(s);
  if (!m) return NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const se = m[6] === undefined ? 0 : Number(m[6]);
  const frac = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return NaN;
  const local = Date.UTC(y, mo - 1, d, h, mi, se, frac);
  if (new Date(local).getUTCDate() !== d) return NaN;
  return zone.localToUtc(local);
}

/** Weekly opening hours in the shop's time zone. `days`: 0 = Sunday … 6 = Saturday; `open`/`close` as `HH:MM`, `close` may be `24:00`. */
export type BusinessHours = ReadonlyArray<{ days: readonly number[]; open: string; close: string }>;

/** Business-time clock: `at(t)` counts open ms from a fixed origin, so a duration is `at(b) - at(a)`. */
export interface BusinessClock {
  at(utcMs: number): number;
}

/** Builds the business clock; without hours (or with every hour open) it is real time. Throws RangeError on a malformed schedule. */
export function makeBusinessClock(hours: BusinessHours | undefined, zone: Zone): BusinessClock {
  if (!hours) return { at: (t) => t };
  const intervals: Array<[number, number]> = [];
  for (const slot of hours) {
    const open = parseHm(slot.open);
    const close = parseHm(slot.close);
    if (open === null || close === null || close <= open) {
      throw new RangeError(`营业时间格式不对：${slot.open}-${slot.close}`);
    }
    for (const day of slot.days) {
      if (!Number.isInteger(day) || day < 0 || day > 6) throw new RangeError(`星期应为 0–6：${day}`);
      intervals.push([day * DAY_MS + open, day * DAY_MS + close]);
    }
  }
  // Merge overlaps so the prefix sums stay exact.
  intervals.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const iv of intervals) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  const perWeek = merged.reduce((s, [a, b]) => s + b - a, 0);
  if (perWeek === WEEK_MS) return { at: (t) => t };
  // Local day 0 (1970-01-01) was a Thursday, so shift by 4 days to make weeks start on Sunday.
  const shift = 4 * DAY_MS;
  const within = (x: number): number => {
    let s = 0;
    for (const [a, b] of merged) {
      if (x <= a) break;
      s += Math.min(x, b) - a;
    }
    return s;
  };
  return {
    at: (t) => {
      const local = t + zone.offsetMs(t) + shift;
      const week = Math.floor(local / WEEK_MS);
      return week * perWeek + within(local - week * WEEK_MS);
    },
  };
}

function parseHm(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59 || h > 24 || (h === 24 && mi !== 0)) return null;
  return h * HOUR_MS + mi * MINUTE_MS;
}
