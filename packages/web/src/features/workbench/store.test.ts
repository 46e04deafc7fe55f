import type { AgentClientFrame, ConversationDto, MessageDto } from '@kefu/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mergeMessages, RealtimeStore } from './store.js';

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
