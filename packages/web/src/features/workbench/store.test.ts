import type { AgentClientFrame, ConversationDto, MessageDto, SuggestionsFrame } from '@kefu/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { catchUp, type HistoryApi, MAX_CATCH_UP, mergeMessages, openThread, RealtimeStore, sameConversation } from './store.js';

function conv(over: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id: 'cv1', shopId: 'shop1', buyer: { id: 'b1', nickname: '阿杰' }, status: 'assigned', assignedAgentId: 'agt1', groupId: null,
    lastSeq: 1, lastMessageAt: 1000, waitingSince: null, unread: 0, createdAt: 1000, closedAt: null, ...over,
  };
}
function msg(seq: number, over: Partial<MessageDto> = {}): MessageDto {
  return { id: `m${seq}`, conversationId: 'cv1', seq, clientId: `c${seq}`, sender: 'buyer', kind: 'text', text: `消息${seq}`, createdAt: 1000 + seq, ...over };
}

describe('mergeMessages', () => {
  it('orders by seq and drops messages already present', () => {
    const out = mergeMessages([msg(2), msg(4)], [msg(3), msg(2, { text: '重复' }), msg(1)]);
    expect(out.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(out[1]!.text).toBe('消息2');
  });
  it('returns the same array when nothing is new (no re-render)', () => {
    const cur = [msg(1)];
    expect(mergeMessages(cur, [msg(1)])).toBe(cur);
  });
  it('appends the next message to a copy: the old array and the old message objects stay as they were', () => {
    const cur = Array.from({ length: 5000 }, (_, i) => msg(i + 1));
    const next = msg(5001);
    const out = mergeMessages(cur, [next]);
    expect(out).not.toBe(cur);
    expect(cur).toHaveLength(5000);
    expect(out).toHaveLength(5001);
    expect(out[4999]).toBe(cur[4999]);
    expect(out[5000]).toBe(next);
  });
  it('appends a catch-up page after a gap and prepends an older page', () => {
    expect(mergeMessages([msg(3), msg(4)], [msg(7), msg(8)]).map((m) => m.seq)).toEqual([3, 4, 7, 8]);
    expect(mergeMessages([msg(3), msg(4)], [msg(1), msg(2)]).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });
  it('fills a gap with a late frame and drops duplicates inside the incoming list', () => {
    const out = mergeMessages([msg(1), msg(2), msg(5)], [msg(4), msg(3), msg(4, { text: '又一次' })]);
    expect(out.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(out[3]!.text).toBe('消息4');
    expect(mergeMessages([], [msg(2), msg(1), msg(2)]).map((m) => m.seq)).toEqual([1, 2]);
  });
});

describe('sameConversation', () => {
  it('compares fields (a missing one counts as undefined) and the buyer field by field', () => {
    expect(sameConversation(conv(), conv({ buyer: { id: 'b1', nickname: '阿杰' } }))).toBe(true);
    expect(sameConversation(conv(), { ...conv(), scenario: undefined })).toBe(true);
    expect(sameConversation(conv(), conv({ unread: 1 }))).toBe(false);
    expect(sameConversation(conv(), conv({ buyer: { id: 'b1', nickname: '阿杰2' } }))).toBe(false);
    expect(sameConversation(conv(), conv({ unread: 3, lastSeq: 9 }), new Set(['unread', 'lastSeq']))).toBe(true);
  });
});

describe('RealtimeStore', () => {
  let sent: AgentClientFrame[];
  let online: boolean;
  let store: RealtimeStore;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    online = true;
    store = new RealtimeStore((f) => (online ? (sent.push(f), true) : false));
    store.apply({ type: 'welcome', v: 1, connectionId: 'x', role: 'agent', heartbeatMs: 25000, limits: { maxTextLength: 2000, maxFrameBytes: 16384, burst: 60, perSec: 20 }, agentId: 'agt1', presence: 'online' });
    store.upsertConversations([conv()]);
    store.beginThread('cv1');
    store.addPage('cv1', [msg(1)], { initial: true, hasMore: false });
  });
  afterEach(() => {
    store.dispose();
    vi.useRealTimers();
  });

  it('sends with a client id and replaces the pending message by the acked one', () => {
    const clientId = store.send('cv1', '亲，有货的', 'text');
    expect(sent).toEqual([{ type: 'send', clientId, conversationId: 'cv1', kind: 'text', text: '亲，有货的' }]);
    expect(store.getSnapshot().pending).toHaveLength(1);
    store.apply({ type: 'ack', clientId, conversationId: 'cv1', id: 'm2', seq: 2, createdAt: 2000, duplicate: false });
    const snap = store.getSnapshot();
    expect(snap.pending).toHaveLength(0);
    expect(snap.threads.cv1!.messages.map((m) => [m.seq, m.sender, m.text])).toEqual([[1, 'buyer', '消息1'], [2, 'agent', '亲，有货的']]);
  });

  it('keeps the latest pushed suggestions per conversation and tells listeners, without a new snapshot', () => {
    const seen: string[] = [];
    const off = store.onEvent((e) => e.type === 'suggestions' && seen.push(e.frame.messageId));
    const before = store.getSnapshot();
    const frame = (messageId: string, conversationId = 'cv1'): SuggestionsFrame => ({
      type: 'suggestions', conversationId, messageId, seq: 1, scenario: 'bargain', confidence: 0.9,
      items: [{ id: 'qr1', kind: 'reply', title: '议价', text: '亲，已经是活动价了哦', reasons: ['场景：议价'] }],
    });
    expect(store.suggestionsFor('cv1')).toBeUndefined();
    store.apply(frame('m1'));
    store.apply(frame('m2'));
    store.apply(frame('x1', 'cv2'));
    expect(store.suggestionsFor('cv1')?.messageId).toBe('m2');
    expect(store.suggestionsFor('cv2')?.items[0]!.text).toBe('亲，已经是活动价了哦');
    expect(seen).toEqual(['m1', 'm2', 'x1']);
    expect(store.getSnapshot()).toBe(before);
    off();
  });

  it('marks a send failed without ack, and retries with the same client id', () => {
    const clientId = store.send('cv1', '在吗', 'text');
    vi.advanceTimersByTime(10_001);
    expect(store.getSnapshot().pending[0]!.status).toBe('failed');
    store.retry(clientId);
    expect(store.getSnapshot().pending[0]!.status).toBe('sending');
    expect(sent.filter((f) => f.type === 'send').map((f) => (f as { clientId: string }).clientId)).toEqual([clientId, clientId]);
  });

  it('marks a send failed on an error frame that references it', () => {
    const clientId = store.send('cv1', '太长了', 'text');
    store.apply({ type: 'error', code: 'message.too_large', message: '消息过长', ref: clientId });
    expect(store.getSnapshot().pending[0]).toMatchObject({ status: 'failed', error: '消息过长' });
  });

  it('resends unacked sends after a reconnect but not failed ones', () => {
    online = false;
    const a = store.send('cv1', '第一条', 'text');
    const b = store.send('cv1', '第二条', 'note');
    store.apply({ type: 'error', code: 'message.invalid', message: '不行', ref: b });
    online = true;
    store.resendPending();
    expect(sent.map((f) => (f as { clientId: string }).clientId)).toEqual([a]);
  });

  it('keeps the live message once when the echo arrives before the ack', () => {
    const clientId = store.send('cv1', '好的', 'text');
    store.apply({ type: 'message', message: msg(2, { clientId, sender: 'agent', text: '好的' }) });
    store.apply({ type: 'ack', clientId, conversationId: 'cv1', id: 'm2', seq: 2, createdAt: 2000, duplicate: false });
    expect(store.getSnapshot().threads.cv1!.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(store.getSnapshot().pending).toHaveLength(0);
  });

  it('applies the conversation patch of a message frame and reports buyer messages', () => {
    const events: string[] = [];
    store.onEvent((e) => events.push(e.type));
    store.apply({ type: 'message', message: msg(2), conversation: { id: 'cv1', status: 'assigned', lastSeq: 2, lastMessageAt: 1002, unread: 1, waitingSince: 1002, assignedAgentId: 'agt1' } });
    expect(store.getSnapshot().conversations.cv1).toMatchObject({ unread: 1, waitingSince: 1002, lastSeq: 2 });
    expect(events).toEqual(['buyer-message']);
  });

  it('asks for a refresh when a patch names an unknown conversation', () => {
    const events: string[] = [];
    store.onEvent((e) => events.push(e.type));
    store.apply({ type: 'message', message: msg(1, { conversationId: 'cv9' }), conversation: { id: 'cv9', status: 'waiting', lastSeq: 1, lastMessageAt: 1, unread: 1, waitingSince: 1, assignedAgentId: null } });
    expect(events).toContain('unknown-conversation');
  });

  it('resumes from the highest rendered seq of loaded threads only', () => {
    store.apply({ type: 'message', message: msg(3) });
    store.beginThread('cv2');
    expect(store.resumeMap()).toEqual({ cv1: 3 });
  });

  it('shows buyer typing until it stops or a buyer message arrives', () => {
    store.apply({ type: 'typing', conversationId: 'cv1', from: 'buyer', on: true });
    expect(store.getSnapshot().threads.cv1!.buyerTypingUntil).toBeGreaterThan(Date.now());
    store.apply({ type: 'message', message: msg(2) });
    expect(store.getSnapshot().threads.cv1!.buyerTypingUntil).toBe(0);
    store.apply({ type: 'typing', conversationId: 'cv1', from: 'agent', agentId: 'agt2', on: true });
    expect(store.getSnapshot().threads.cv1!.buyerTypingUntil).toBe(0);
  });

  it('clears unread locally and sends a read receipt up to the last seq', () => {
    store.upsertConversations([conv({ unread: 2, lastSeq: 3 })]);
    store.markRead('cv1');
    expect(store.getSnapshot().conversations.cv1!.unread).toBe(0);
    expect(sent).toContainEqual({ type: 'read', conversationId: 'cv1', seq: 3 });
  });

  it('keeps an older page verdict when the newest page arrives again', () => {
    store.addPage('cv1', [], { initial: false, hasMore: false });
    store.addPage('cv1', [msg(1)], { initial: true, hasMore: true });
    expect(store.getSnapshot().threads.cv1!.hasMore).toBe(false);
  });
});

describe('RealtimeStore: live frames, cache and catch-up', () => {
  let sent: AgentClientFrame[];
  let store: RealtimeStore;
  let renders: number;
  const seqs = (id = 'cv1') => store.getSnapshot().threads[id]?.messages.map((m) => m.seq);
  const patch = (lastSeq: number, unread = 1) => ({ id: 'cv1', status: 'assigned' as const, lastSeq, lastMessageAt: 1000 + lastSeq, unread, waitingSince: 1000, assignedAgentId: 'agt1' });
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    store = new RealtimeStore((f) => (sent.push(f), true), 3);
    store.apply({ type: 'welcome', v: 1, connectionId: 'x', role: 'agent', heartbeatMs: 25000, limits: { maxTextLength: 2000, maxFrameBytes: 16384, burst: 60, perSec: 20 }, agentId: 'agt1', presence: 'online' });
    store.upsertConversations([conv({ lastSeq: 3 }), conv({ id: 'cv2', lastSeq: 2 }), conv({ id: 'cv3' }), conv({ id: 'cv4' })]);
    store.beginThread('cv1');
    store.addPage('cv1', [msg(1), msg(2), msg(3)], { initial: true, hasMore: false });
    renders = 0;
    store.subscribe(() => renders++);
  });
  afterEach(() => {
    store.dispose();
    vi.useRealTimers();
  });

  function history(pages: Record<string, MessageDto[]>): HistoryApi & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      async newest(id) {
        calls.push(`newest ${id}`);
        return { messages: pages[id] ?? [], hasMore: false };
      },
      async after(id, seq) {
        calls.push(`after ${id} ${seq}`);
        const all = (pages[id] ?? []).filter((m) => m.seq > seq);
        return { messages: all.slice(0, 2), hasMore: all.length > 2 };
      },
    };
  }

  it('appends the next live message with one notification and keeps the earlier snapshot intact', () => {
    const before = store.getSnapshot();
    store.apply({ type: 'message', message: msg(4), conversation: patch(4) });
    expect(renders).toBe(1);
    expect(seqs()).toEqual([1, 2, 3, 4]);
    expect(before.threads.cv1!.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(before.conversations.cv1!.lastSeq).toBe(3);
  });

  it('ignores a duplicate frame without notifying, and places an out-of-order one by seq', () => {
    store.apply({ type: 'message', message: msg(3) });
    expect(renders).toBe(0);
    store.apply({ type: 'message', message: msg(6), conversation: patch(6) });
    store.apply({ type: 'message', message: msg(5) });
    store.apply({ type: 'message', message: msg(4) });
    store.apply({ type: 'message', message: msg(6) });
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps conversation objects that did not change (a list refresh re-renders no row)', () => {
    const c2 = store.getSnapshot().conversations.cv2;
    store.upsertConversations([conv({ id: 'cv2', lastSeq: 2 })]);
    expect(renders).toBe(0);
    expect(store.getSnapshot().conversations.cv2).toBe(c2);
    store.apply({ type: 'conversation', conversation: conv({ id: 'cv2', lastSeq: 2 }), reason: 'read' });
    expect(renders).toBe(0);
  });

  it('resumes after a reconnect from the last seq of each loaded thread, and the replay overlapping live frames lands once', () => {
    store.apply({ type: 'message', message: msg(4), conversation: patch(4) });
    expect(store.resumeMap()).toEqual({ cv1: 4 });
    // Reconnected: the replay of 5..6 and a live 6 that raced it.
    store.apply({ type: 'message', message: msg(5) });
    store.apply({ type: 'message', message: msg(6) });
    store.apply({ type: 'message', message: msg(6) });
    store.apply({ type: 'synced', conversationId: 'cv1', lastSeq: 6 });
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.resumeMap()).toEqual({ cv1: 6 });
  });

  it('switching back to a cached thread fetches nothing and sends no second read receipt', async () => {
    const api = history({ cv1: [msg(1), msg(2), msg(3)], cv2: [msg(1, { conversationId: 'cv2' }), msg(2, { conversationId: 'cv2' })] });
    store.select('cv1');
    await openThread(store, api, 'cv1');
    store.select('cv2');
    await openThread(store, api, 'cv2');
    store.select('cv1');
    await openThread(store, api, 'cv1');
    expect(api.calls).toEqual(['newest cv2']);
    expect(sent.filter((f) => f.type === 'read')).toEqual([
      { type: 'read', conversationId: 'cv1', seq: 3 },
      { type: 'read', conversationId: 'cv2', seq: 2 },
    ]);
  });

  it('a cached thread that missed messages (list lastSeq ahead) fetches only what follows its last seq', async () => {
    const all = Array.from({ length: 7 }, (_, i) => msg(i + 1));
    const api = history({ cv1: all });
    // A list refresh after a reconnect says the conversation is at seq 7; the thread has 1..3.
    store.upsertConversations([conv({ lastSeq: 7 })]);
    expect(store.behind('cv1')).toBe(3);
    await openThread(store, api, 'cv1');
    expect(api.calls).toEqual(['after cv1 3', 'after cv1 5']);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(store.behind('cv1')).toBeNull();
  });

  it('reloads the newest page instead of patching a thread too far behind', async () => {
    const far = 3 + MAX_CATCH_UP + 10;
    const api = history({ cv1: [msg(far - 1), msg(far)] });
    store.upsertConversations([conv({ lastSeq: far })]);
    await catchUp(store, api, 'cv1');
    expect(api.calls).toEqual(['newest cv1']);
    expect(seqs()).toEqual([far - 1, far]);
  });

  it('stops catching up when the server has nothing newer', async () => {
    const api = history({ cv1: [msg(1), msg(2), msg(3)] });
    store.upsertConversations([conv({ lastSeq: 5 })]);
    await catchUp(store, api, 'cv1');
    expect(api.calls).toEqual(['after cv1 3']);
  });

  it('drops the least recently opened threads over the cap, never the open one or one with a pending send', async () => {
    const api = history({});
    store.select('cv1');
    store.send('cv1', '稍等', 'text');
    for (const id of ['cv2', 'cv3', 'cv4']) {
      store.select(id);
      await openThread(store, api, id);
    }
    // Cap 3: cv1 is kept (pending send), so cv2 (oldest other) went.
    expect(Object.keys(store.getSnapshot().threads).sort()).toEqual(['cv1', 'cv3', 'cv4']);
    expect(store.cachedSeq('cv2')).toBeNull();
    store.select('cv2');
    await openThread(store, api, 'cv2');
    expect(api.calls.filter((c) => c === 'newest cv2')).toHaveLength(2);
    expect(store.getSnapshot().threads.cv4).toBeDefined();
    expect(store.getSnapshot().threads.cv3).toBeUndefined();
  });

  it('reads a message into the open conversation in the same update while the desk is visible', () => {
    store.select('cv1');
    renders = 0;
    store.setReading(() => true);
    store.apply({ type: 'message', message: msg(4), conversation: patch(4, 1) });
    expect(renders).toBe(1);
    expect(store.getSnapshot().conversations.cv1!.unread).toBe(0);
    expect(sent).toContainEqual({ type: 'read', conversationId: 'cv1', seq: 4 });
    // Not reading (tab hidden, other page): the badge stays.
    store.setReading(() => false);
    store.apply({ type: 'message', message: msg(5), conversation: patch(5, 1) });
    expect(store.getSnapshot().conversations.cv1!.unread).toBe(1);
    // Another conversation is never marked read.
    store.setReading(() => true);
    store.apply({ type: 'message', message: msg(1, { conversationId: 'cv2' }), conversation: { ...patch(3, 1), id: 'cv2' } });
    expect(store.getSnapshot().conversations.cv2!.unread).toBe(1);
  });
});
