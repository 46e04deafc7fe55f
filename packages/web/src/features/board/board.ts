import type { TFunction } from 'i18next';

/** A wait as people read it: seconds under 2 minutes, else minutes (KPIS.md display rule). */
export function formatWait(ms: number, t: TFunction): string {
  const sec = Math.max(0, Math.floor(ms / 1000));
  return sec < 120 ? t('board.seconds', { n: sec }) : t('board.minutes', { n: Math.floor(sec / 60) });
}
