import type { GuardResult } from './screen.js';

/** A piece of a buyer message for a UI to render as a text node (never as HTML). */
export interface SafeSegment {
  kind: 'text' | 'link' | 'disarmed-link';
  text: string;
  /** Only on `link`: the address to open. Disarmed links carry no address, so nothing can make them clickable. */
  url?: string;
}

/**
 * Splits a buyer message into plain text, clickable links (allowed domains only) and disarmed links.
 * Links whose offsets do not fit the text (a result for another text) are ignored, so the text is always kept whole.
 */
export function renderSafeSegments(text: string, guard: Pick<GuardResult, 'links'>): SafeSegment[] {
  const out: SafeSegment[] = [];
  const links = [...guard.links].sort((a, b) => a.start - b.start);
  let at = 0;
  for (const l of links) {
    if (!Number.isInteger(l.start) || !Number.isInteger(l.end) || l.start < at || l.end <= l.start || l.end > text.length) continue;
    if (l.start > at) out.push({ kind: 'text', text: text.slice(at, l.start) });
    const shown = text.slice(l.start, l.end);
    const safeUrl = l.allowed && /^https?:\/\//i.test(l.url) ? l.url : undefined;
    out.push(safeUrl ? { kind: 'link', text: shown, url: safeUrl } : { kind: 'disarmed-link', text: shown });
    at = l.end;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}
