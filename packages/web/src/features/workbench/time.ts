import { useEffect, useReducer, useSyncExternalStore } from 'react';

/**
 * Default first-response target in seconds (seed 002: reply within 30 s) and the bounds the server accepts
 * (RESPONSE_TARGET_SEC in @kefu/contracts; copied because the web app imports only types from there).
 */
export const DEFAULT_TARGET_SEC = 30;
export const TARGET_MIN_SEC = 5;
export const TARGET_MAX_SEC = 3600;

/** The shop's response target in seconds; the default for a shop without one (an older server). */
export function targetSecOf(shop: { responseTargetSec?: number | null } | null | undefined): number {
  const v = shop?.responseTargetSec;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : DEFAULT_TARGET_SEC;
}

/** A wait is late (shown red) once it is past the target; exactly on the target is still on time. */
export function isLate(waitMs: number | null, targetSec: number): boolean {
  return waitMs !== null && waitMs > targetSec * 1000;
}

/** "12秒" / "3分05秒" / "1小时02分" (en: 12s / 3m05s / 1h02m). */
export function formatWait(ms: number, lang: string): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const en = lang === 'en';
  if (s < 60) return en ? `${s}s` : `${s}秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return en ? `${m}m${pad(s % 60)}s` : `${m}分${pad(s % 60)}秒`;
  const h = Math.floor(m / 60);
  return en ? `${h}h${pad(m % 60)}m` : `${h}小时${pad(m % 60)}分`;
}


/**
 * One shared 1-second clock for every ticking label: a single interval however many timers are on screen, and only
 * the components that read it re-render (a wait label, not its conversation row or the whole desk).
 */
const clock = { now: Date.now(), listeners: new Set<() => void>(), timer: null as ReturnType<typeof setInterval> | null };

function subscribeClock(fn: () => void): () => void {
  clock.listeners.add(fn);
  if (!clock.timer) {
    clock.now = Date.now();
    clock.timer = setInterval(() => {
      clock.now = Date.now();
      for (const l of clock.listeners) l();
    }, 1000);
  }
  return () => {
    clock.listeners.delete(fn);
    if (clock.listeners.size === 0 && clock.timer) {
      clearInterval(clock.timer);
      clock.timer = null;
    }
  };
}

/** The current time, re-rendering the caller every second (shared clock). */
export function useClock(): number {
  return useSyncExternalStore(subscribeClock, () => clock.now);
}

/** Local midnight of today; the caller re-renders only when the day changes. */
export function useToday(): number {
  return useSyncExternalStore(subscribeClock, () => startOfDay(clock.now));
}

export function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** true until the epoch-ms instant `until`, then one re-render turns it false (no ticking in between). */
export function useUntil(until: number): boolean {
  const [, expire] = useReducer((n: number) => n + 1, 0);
  const active = until > Date.now();
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(expire, until - Date.now() + 1);
    return () => clearTimeout(timer);
  }, [until, active]);
  return active;
}
