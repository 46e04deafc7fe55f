import type { AutoReplySettings } from '@kefu/contracts';

export type AutoReplyKind = 'greeting' | 'returning' | 'busy' | 'off_hours';

export interface AutoReplyInput {
  settings: AutoReplySettings;
  shopName: string;
  hoursText: string;
  openNow: boolean;
  returning: boolean;
  /** Routing outcome of the session's first message. */
  routed: { status: 'assigned' | 'waiting'; queuePosition: number | null; anyoneOnline: boolean };
}

export interface AutoReply {
  kind: AutoReplyKind;
  text: string;
}

const fill = (text: string, vars: Record<string, string>) => text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

/**
 * The auto replies a session's first buyer message gets, in order: out of hours → the off-hours reply
 * only; otherwise the greeting (returning-buyer greeting for a known buyer, else the chosen variant),
 * then the busy reply when the buyer is queued and nobody is online or the queue is long.
 */
export function autoRepliesFor(input: AutoReplyInput): AutoReply[] {
  const { settings: s } = input;
  const vars = { shop: input.shopName, hours: input.hoursText };
  if (!input.openNow) return s.offHours.enabled ? [{ kind: 'off_hours', text: fill(s.offHours.text, vars) }] : [];
  const out: AutoReply[] = [];
  if (input.returning && s.returning.enabled) out.push({ kind: 'returning', text: fill(s.returning.text, vars) });
  else if (!input.returning && s.greeting.enabled) {
    const g = s.greeting;
    const extra = g.variant === 'greeting_promotion' ? g.promotion : g.variant === 'greeting_reminder' ? g.reminder : null;
    out.push({ kind: 'greeting', text: fill(extra ? `${g.greeting}${extra}` : g.greeting, vars) });
  }
  const { routed } = input;
  const queueLong = routed.queuePosition !== null && routed.queuePosition >= s.busy.queueThreshold;
  if (s.busy.enabled && routed.status === 'waiting' && (!routed.anyoneOnline || queueLong)) {
    out.push({ kind: 'busy', text: fill(s.busy.text, vars) });
  }
  return out;
}
