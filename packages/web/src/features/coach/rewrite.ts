import type { CoachFlagExt } from '@kefu/core';

const SENTENCE_END = /[。！？!?\n~～]/;

/** True when a flag's suggestion is a whole sentence (亲，…哦~) rather than a word for the matched span. */
function isSentence(s: string): boolean {
  return /^亲/.test(s) || /[。！？!?~～]$/.test(s);
}

/**
 * The reply with one flag's rewrite applied: a word suggestion replaces the matched span (天猫 → 其他平台); a
 * sentence suggestion replaces the sentence holding the span; a whole-reply flag's sentence replaces the reply.
 * Returns null when the suggestion is advice, not text (too_short hints, not_warm on very long replies).
 */
export function applyRewrite(reply: string, flag: Pick<CoachFlagExt, 'id' | 'start' | 'end' | 'suggestion'>): string | null {
  const s = flag.suggestion;
  if (!s || flag.id === 'too_short') return null;
  const start = Math.max(0, Math.min(flag.start, reply.length));
  const end = Math.max(start, Math.min(flag.end, reply.length));
  const whole = flag.id === 'not_warm';
  // Whole-reply suggestions are rewrites only when they read as a reply (亲，…); otherwise they are advice.
  if (whole) return /^亲/.test(s) ? s : null;
  if (!isSentence(s)) return reply.slice(0, start) + s + reply.slice(end);
  let a = start;
  while (a > 0 && !SENTENCE_END.test(reply[a - 1]!)) a--;
  let b = end;
  while (b < reply.length && !SENTENCE_END.test(reply[b]!)) b++;
  while (b < reply.length && SENTENCE_END.test(reply[b]!)) b++;
  return reply.slice(0, a) + s + reply.slice(b);
}

/** Whether a buyer message sounds like bargaining, so the ladder's next step is worth showing. */
export function isBargaining(text: string): boolean {
  return /便宜|优惠|少点|少一点|打折|折扣|砍价|讲价|议价|能少|再少|包邮吗|包个邮|送点|送个|赠品|最低|底价|贵了|太贵|有点贵|能便宜|券/.test(text);
}
