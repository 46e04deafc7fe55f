import type { AgentClientFrame, AgentServerFrame, AgentStatus, ConversationDto, ConversationPatch, MessageDto, PresenceDto } from '@kefu/contracts';
import type { SocketState } from './socket.js';
import { newClientId } from './socket.js';

export type SendKind = 'text' | 'note';

/** A message typed by this agent that has no ack yet (or failed). */
export interface PendingMessage {
  clientId: string;
  conversationId: string;
  kind: SendKind;
  text: string;
  status: 'sending' | 'failed';
  createdAt: number;
  error?: string;
}

export interface Thread {
  /** Sorted by seq, no duplicates. */
  messages: MessageDto[];
  loaded: boolean;
  hasMore: boolean;
  loadingEarlier: boolean;
  /** Buyer typing indicator expiry (epoch ms); 0 when not typing. */
  buyerTypingUntil: number;
}

export interface Snapshot {
  connection: SocketState;
  agentId: string | null;
  presence: AgentStatus | null;
  conversations: Readonly<Record<string, ConversationDto>>;
  threads: Readonly<Record<string, Thread>>;
  pending: readonly PendingMessage[];
  team: Readonly<Record<string, Pick<PresenceDto, 'status' | 'load' | 'maxConcurrent'>>>;
}

export type StoreEvent =
  | { type: 'buyer-message'; conversation: ConversationDto | undefined; message: MessageDto }
  | { type: 'conversation-created'; conversation: ConversationDto }
  | { type: 'unknown-conversation'; conversationId: string }
  | { type: 'error'; code: string; message: string };

const SEND_TIMEOUT_MS = 10_000;
const TYPING_TTL_MS = 6_000;

const emptyThread = (): Thread => ({ messages: [], loaded: false, hasMore: true, loadingEarlier: false, buyerTypingUntil: 0 });

/** Inserts messages by seq, dropping ones already present (resume and live may overlap). */
export function mergeMessages(current: readonly MessageDto[], incoming: readonly MessageDto[]): MessageDto[] {
  if (incoming.length === 0) return current as MessageDto[];
  const bySeq = new Map<number, MessageDto>();
  for (const m of current) bySeq.set(m.seq, m);
  let changed = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      changed = true;
    }
  }
  if (!changed) return current as MessageDto[];
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The reception desk's client state: conversations of the agent's shops, loaded threads, unacked
 * sends. Frames from the socket and REST pages both feed it; React reads it with useSyncExternalStore.
 */
export class RealtimeStore {
  private snap: Snapshot = { connection: 'closed', agentId: null, presence: null, conversations: {}, threads: {}, pending: [], team: {} };
  private listeners = new Set<() => void>();
  private eventListeners = new Set<(e: StoreEvent) => void>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly sendFrame: (f: AgentClientFrame) => boolean) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = (): Snapshot => this.snap;

  onEvent(fn: (e: StoreEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  private set(patch: Partial<Snapshot>) {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }
  private emit(e: StoreEvent) {
    for (const l of this.eventListeners) l(e);
  }
  private thread(id: string): Thread {
    return this.snap.threads[id] ?? emptyThread();
  }
  private setThread(id: string, t: Thread) {
    this.set({ threads: { ...this.snap.threads, [id]: t } });
  }

  setPresence(status: AgentStatus) {
    this.set({ presence: status });
  }

  setConnection(s: SocketState) {
    this.set({ connection: s });
  }

  /** Highest seq rendered per loaded conversation (hello.resume). */
  resumeMap(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, t] of Object.entries(this.snap.threads)) {
      const last = t.messages[t.messages.length - 1];
      if (t.loaded && last) out[id] = last.seq;
    }
    return out;
  }

  upsertConversations(list: readonly ConversationDto[]) {
    if (list.length === 0) return;
    const next = { ...this.snap.conversations };
    for (const c of list) next[c.id] = c;
    this.set({ conversations: next });
  }

  private patchConversation(p: ConversationPatch) {
    const cur = this.snap.conversations[p.id];
    if (!cur) {
      this.emit({ type: 'unknown-conversation', conversationId: p.id });
      return;
    }
    this.set({ conversations: { ...this.snap.conversations, [p.id]: { ...cur, ...p } } });
  }

  /** Locally clears the unread badge (the read frame tells the server). */
  markRead(conversationId: string) {
    const c = this.snap.conversations[conversationId];
    const t = this.snap.threads[conversationId];
    const last = t?.messages[t.messages.length - 1];
    if (!c) return;
    const seq = Math.max(c.lastSeq, last?.seq ?? 0);
    if (seq > 0) this.sendFrame({ type: 'read', conversationId, seq });
    if (c.unread !== 0) this.set({ conversations: { ...this.snap.conversations, [conversationId]: { ...c, unread: 0 } } });
  }

  beginThread(id: string) {
    if (!this.snap.threads[id]) this.setThread(id, emptyThread());
  }

  /** A page of history from REST: the newest page on open, older pages when scrolling up. */
  addPage(id: string, page: readonly MessageDto[], opts: { initial: boolean; hasMore: boolean }) {
    const t = this.thread(id);
    this.setThread(id, {
      ...t,
      messages: mergeMessages(t.messages, page),
      loaded: true,
      // A newest page arriving after we scrolled further up keeps the older page's verdict.
      hasMore: opts.initial && t.loaded ? t.hasMore : opts.hasMore,
      loadingEarlier: false,
    });
  }

  setLoadingEarlier(id: string, on: boolean) {
    this.setThread(id, { ...this.thread(id), loadingEarlier: on });
  }

  // ---- sending ----------------------------------------------------------------------------------

  send(conversationId: string, text: string, kind: SendKind): string {
    const p: PendingMessage = { clientId: newClientId(), conversationId, kind, text, status: 'sending', createdAt: Date.now() };
    this.set({ pending: [...this.snap.pending, p] });
    this.transmit(p);
    return p.clientId;
  }

  retry(clientId: string) {
    const p = this.snap.pending.find((x) => x.clientId === clientId);
    if (!p) return;
    const again: PendingMessage = { ...p, status: 'sending' };
    delete again.error;
    this.replacePending(again);
    this.transmit(again);
  }

  /** Drops a failed send the agent gave up on. */
  discard(clientId: string) {
    this.set({ pending: this.snap.pending.filter((x) => x.clientId !== clientId) });
  }

  /** After (re)connecting: every unacked send goes again with its clientId (the server dedupes). */
  resendPending() {
    for (const p of this.snap.pending) if (p.status === 'sending') this.transmit(p);
  }

  private transmit(p: PendingMessage) {
    this.sendFrame({ type: 'send', clientId: p.clientId, conversationId: p.conversationId, kind: p.kind, text: p.text });
    const old = this.timers.get(p.clientId);
    if (old) clearTimeout(old);
    this.timers.set(
      p.clientId,
      setTimeout(() => {
        this.timers.delete(p.clientId);
        const cur = this.snap.pending.find((x) => x.clientId === p.clientId);
        if (cur && cur.status === 'sending') this.replacePending({ ...cur, status: 'failed' });
      }, SEND_TIMEOUT_MS),
    );
  }

  private replacePending(p: PendingMessage) {
    this.set({ pending: this.snap.pending.map((x) => (x.clientId === p.clientId ? p : x)) });
  }

  private settle(clientId: string) {
    const t = this.timers.get(clientId);
    if (t) clearTimeout(t);
    this.timers.delete(clientId);
  }

  // ---- frames -----------------------------------------------------------------------------------

  apply(frame: AgentServerFrame) {
    switch (frame.type) {
      case 'welcome':
        this.set({ agentId: frame.agentId ?? this.snap.agentId, presence: frame.presence ?? this.snap.presence });
        return;
      case 'message': {
        const m = frame.message;
        if (frame.conversation) this.patchConversation(frame.conversation);
        const t = this.snap.threads[m.conversationId];
        if (t) this.setThread(m.conversationId, { ...t, messages: mergeMessages(t.messages, [m]), buyerTypingUntil: m.sender === 'buyer' ? 0 : t.buyerTypingUntil });
        if (this.snap.pending.some((p) => p.clientId === m.clientId && p.conversationId === m.conversationId)) {
          this.settle(m.clientId);
          this.set({ pending: this.snap.pending.filter((p) => p.clientId !== m.clientId) });
        }
        if (m.sender === 'buyer') this.emit({ type: 'buyer-message', conversation: this.snap.conversations[m.conversationId], message: m });
        return;
      }
      case 'ack': {
        const p = this.snap.pending.find((x) => x.clientId === frame.clientId);
        this.settle(frame.clientId);
        if (!p) return;
        const msg: MessageDto = {
          id: frame.id,
          conversationId: frame.conversationId,
          seq: frame.seq,
          clientId: frame.clientId,
          sender: 'agent',
          ...(this.snap.agentId ? { agentId: this.snap.agentId } : {}),
          kind: p.kind,
          text: p.text,
          createdAt: frame.createdAt,
        };
        const t = this.snap.threads[frame.conversationId];
        const threads = t ? { ...this.snap.threads, [frame.conversationId]: { ...t, messages: mergeMessages(t.messages, [msg]) } } : this.snap.threads;
        this.set({ threads, pending: this.snap.pending.filter((x) => x.clientId !== frame.clientId) });
        return;
      }
      case 'conversation':
        this.upsertConversations([frame.conversation]);
        if (frame.reason === 'created' || frame.reason === 'reopened') this.emit({ type: 'conversation-created', conversation: frame.conversation });
        return;
      case 'typing': {
        if (frame.from !== 'buyer') return;
        const t = this.snap.threads[frame.conversationId];
        if (t) this.setThread(frame.conversationId, { ...t, buyerTypingUntil: frame.on ? Date.now() + TYPING_TTL_MS : 0 });
        return;
      }
      case 'presence': {
        const team = { ...this.snap.team, [frame.agentId]: { status: frame.status, load: frame.load, maxConcurrent: frame.maxConcurrent } };
        this.set(frame.agentId === this.snap.agentId ? { team, presence: frame.status } : { team });
        return;
      }
      case 'error': {
        const p = frame.ref ? this.snap.pending.find((x) => x.clientId === frame.ref) : undefined;
        if (p) {
          this.settle(p.clientId);
          this.replacePending({ ...p, status: 'failed', error: frame.message });
        } else {
          this.emit({ type: 'error', code: frame.code, message: frame.message });
        }
        return;
      }
      case 'synced':
      case 'read':
      case 'pong':
        return;
    }
  }

  dispose() {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
