import { useEffect, useState } from 'react';

/** Default first-response target in seconds (seed 002: reply within 30 s). */
export const DEFAULT_TARGET_SEC = 30;

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

/** Re-renders every `intervalMs` with the current time (for ticking wait timers). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
