import type { ConversationDto, MessageDto } from '@kefu/contracts';
import type { QuickReplyItem } from './api.js';

export type ListFilter = 'mine' | 'queued' | 'all' | 'closed';
export const LIST_FILTERS: readonly ListFilter[] = ['mine', 'queued', 'all', 'closed'];

/** Whether a conversation belongs in a list tab (the socket keeps all of them; tabs are views). */
export function inFilter(c: ConversationDto, f: ListFilter, agentId: string): boolean {
  switch (f) {
    case 'mine':
      return c.status !== 'closed' && c.assignedAgentId === agentId;
    case 'queued':
      return c.status === 'waiting' || c.status === 'open';
    case 'all':
      return c.status !== 'closed';
    case 'closed':
      return c.status === 'closed';
  }
}

/** Oldest unanswered first, then most recent activity. */
export function sortConversations(list: ConversationDto[]): ConversationDto[] {
  return [...list].sort((a, b) => {
    if (a.waitingSince !== null && b.waitingSince !== null) return a.waitingSince - b.waitingSince;
    if (a.waitingSince !== null) return -1;
    if (b.waitingSince !== null) return 1;
    return (b.lastMessageAt ?? b.createdAt) - (a.lastMessageAt ?? a.createdAt);
  });
}

/** VIP flag if the buyer DTO carries one (buyer profiles add it later). */
export function isVip(c: ConversationDto): boolean {
  const b = c.buyer as { group?: string; vip?: boolean };
  return b.vip === true || b.group === 'vip';
}

/** The `/query` being typed right before the caret, if any. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([^\s/]{0,20})$/.exec(before);
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

/** Ranks quick replies for a picker query: shortcut prefix, then title, then text. */
export function matchQuickReplies(list: QuickReplyItem[], q: string, limit = 8): QuickReplyItem[] {
  const s = q.trim().toLowerCase();
  if (!s) return list.slice(0, limit);
  const score = (r: QuickReplyItem) =>
    r.shortcut?.toLowerCase().startsWith(s) ? 0 : r.title.toLowerCase().includes(s) ? 1 : r.text.toLowerCase().includes(s) ? 2 : 9;
  return list
    .map((r) => ({ r, sc: score(r) }))
    .filter((x) => x.sc < 9)
    .sort((a, b) => a.sc - b.sc)
    .slice(0, limit)
    .map((x) => x.r);
}

/** Fills the quick-reply variables the workbench knows (`{买家称呼}`, `{店铺}`, `{客服}`, core VARIABLES); others stay for the agent. */
export function fillVariables(text: string, vars: { buyer: string; shop: string; agent: string }): string {
  return text
    .replace(/\{(buyer|买家|买家称呼|买家昵称)\}/g, vars.buyer || '亲')
    .replace(/\{(shop|店铺|店铺名)\}/g, vars.shop)
    .replace(/\{(agent|客服|客服名)\}/g, vars.agent);
}


/** True when a conversation needs this agent (queued, or mine and unanswered). */
export function isWaitingForMe(c: ConversationDto, agentId: string): boolean {
  if (c.status === 'closed') return false;
  if (c.status === 'waiting' || c.status === 'open') return c.assignedAgentId === null || c.assignedAgentId === agentId;
  return c.assignedAgentId === agentId && c.waitingSince !== null;
}

/** The buyer's last text message (scans back from the end: O(messages since it), not O(thread)). */
export function lastBuyerText(messages: readonly MessageDto[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.sender === 'buyer' && m.kind === 'text') return m.text ?? '';
  }
  return '';
}

/** Seq of the last text message an agent sent (0 if none), scanning back from the end. */
export function lastAgentTextSeq(messages: readonly MessageDto[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.sender === 'agent' && m.kind === 'text') return m.seq;
  }
  return 0;
}

/** Index of the first message with seq >= `seq` in a list sorted by seq (binary search; length when none). */
export function seqIndex(messages: readonly MessageDto[], seq: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
