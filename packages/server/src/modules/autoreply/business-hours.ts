import type { BusinessHours } from '@kefu/contracts';

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const ZH_DAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** One formatter per zone (building one costs ~100 µs; the widget bootstrap asks on every page view). Unknown zones: Shanghai. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    const opts = { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, ...opts });
    } catch {
      f = formatterFor('Asia/Shanghai');
    }
    if (formatters.size >= 200) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** Weekday (0 = Sunday) and minutes since midnight of an instant in a time zone. */
export function localTime(timeZone: string, now: number): { weekday: number; minutes: number } {
  const parts = formatterFor(timeZone).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '0';
  return { weekday: WEEKDAYS[get('weekday')] ?? 0, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the shop is open at `now` in its own time zone; a range's end is exclusive, "24:00" means midnight. */
export function isOpenAt(hours: BusinessHours, timeZone: string, now: number): boolean {
  const { weekday, minutes } = localTime(timeZone, now);
  return (hours.days[weekday] ?? []).some((r) => minutes >= toMinutes(r.start) && minutes < toMinutes(r.end));
}

/** Business hours as a buyer reads them: "每天 08:30-23:59" or "周一 09:00-18:00；周二 …". */
export function describeHours(hours: BusinessHours): string {
  const fmt = (day: BusinessHours['days'][number]) => (day.length ? day.map((r) => `${r.start}-${r.end}`).join('、') : '休息');
  const texts = hours.days.map(fmt);
  if (texts.every((t) => t === texts[0])) return `每天 ${texts[0]}`;
  return texts.map((t, i) => `${ZH_DAYS[i]} ${t}`).join('；');
}
