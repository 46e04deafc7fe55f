import type { AgentClientFrame, AgentServerFrame, AgentStatus, ConversationDto, ConversationPatch, MessageDto, PresenceDto, SuggestionsFrame } from '@kefu/contracts';
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
  /**
   * Sorted by seq, no duplicates. Never mutated: a change is a new array, so React can compare by identity.
   * A live message after the last one (the usual case) is appended to a copy — no map, no sort.
   */
  messages: MessageDto[];
  loaded: boolean;
  hasMore: boolean;
  loadingEarlier: boolean;
  /** Buyer typing indicator expiry (epoch ms); 0 when not typing. */
  buyerTypingUntil: number;
}

export interface Snapshot {
  connection: SocketState;
  /** The conversation open in the chat pane. */
  selectedId: string | null;
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
  | { type: 'error'; code: string; message: string }
  | { type: 'suggestions'; frame: SuggestionsFrame };

/** Pushed suggestion frames kept (the latest per conversation), for a conversation opened after its frame came. */
const MAX_SUGGESTIONS = 500;

const SEND_TIMEOUT_MS = 10_000;
const TYPING_TTL_MS = 6_000;

const emptyThread = (): Thread => ({ messages: [], loaded: false, hasMore: true, loadingEarlier: false, buyerTypingUntil: 0 });

function ascending(list: readonly MessageDto[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i]!.seq <= list[i - 1]!.seq) return false;
  return true;
}

/**
 * Inserts messages by seq, dropping ones already present (resume and live may overlap). Returns `current` itself
 * when nothing is new. Live frames and catch-up pages come after the last message: they are appended to a copy
 * (one pointer copy, no map, no sort); older pages are prepended; anything else (out of order, overlapping) is a
 * linear merge of the two sorted lists.
 */
export function mergeMessages(current: readonly MessageDto[], incoming: readonly MessageDto[]): MessageDto[] {
  if (incoming.length === 0) return current as MessageDto[];
  const n = current.length;
  if (ascending(incoming)) {
    if (n === 0) return [...incoming];
    if (incoming[0]!.seq > current[n - 1]!.seq) return current.concat(incoming);
    if (incoming[incoming.length - 1]!.seq < current[0]!.seq) return incoming.concat(current);
  }
  if (incoming.length === 1) {
    // One frame out of order or replayed twice: find its place by binary search.
    const m = incoming[0]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (current[mid]!.seq < m.seq) lo = mid + 1;
      else hi = mid;
    }
    if (current[lo]?.seq === m.seq) return current as MessageDto[];
    const out = current.slice();
    out.splice(lo, 0, m);
    return out;
  }
  const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
  const out: MessageDto[] = [];
  let i = 0;
  let added = false;
  for (const m of sorted) {
    while (i < n && current[i]!.seq < m.seq) out.push(current[i++]!);
    const prev = out[out.length - 1];
    if ((i < n && current[i]!.seq === m.seq) || (prev && prev.seq === m.seq)) continue;
    out.push(m);
    added = true;
  }
  if (!added) return current as MessageDto[];
  while (i < n) out.push(current[i++]!);
  return out;
}

/** Whether two conversation DTOs show the same thing (keeps the old object, so rows and panes skip re-rendering). */
export function sameConversation(a: ConversationDto, b: ConversationDto, ignore?: ReadonlySet<string>): boolean {
  if (a === b) return true;
  return sameFields(a, b, ignore) && sameFields(b, a, ignore);
}

/** Every field of `a` equals `b`'s (a missing field counts as undefined; the buyer is compared field by field). */
function sameFields(a: ConversationDto, b: ConversationDto, ignore?: ReadonlySet<string>): boolean {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  for (const k of Object.keys(ra)) {
    if (ignore?.has(k) || ra[k] === rb[k]) continue;
    if (k !== 'buyer') return false;
    const ba = a.buyer as Record<string, unknown>;
    const bb = b.buyer as Record<string, unknown>;
    for (const x of new Set([...Object.keys(ba), ...Object.keys(bb)])) if (ba[x] !== bb[x]) return false;
  }
  return true;
}

/** Fields of a conversation that change with every message (the list's order, badge and timer follow them). */
export const PER_MESSAGE_FIELDS: ReadonlySet<string> = new Set(['lastSeq', 'lastMessageAt', 'unread', 'waitingSince']);

/** A cached thread further behind than this is reloaded from its newest page instead of patched. */
export const MAX_CATCH_UP = 300;

/** The REST history of one shop's conversations, as the thread loader needs it. */
export interface HistoryApi {
  /** The newest page, oldest first. */
  newest(id: string): Promise<{ messages: MessageDto[]; hasMore: boolean }>;
  /** Messages after `seq`, oldest first; `hasMore` when newer ones follow. */
  after(id: string, seq: number): Promise<{ messages: MessageDto[]; hasMore: boolean }>;
}

/**
 * Opens a conversation's thread. A cached thread renders at once (live frames kept it current) and only what it may
 * have missed is fetched afterwards (messages after its last seq); an unknown one loads its newest page (frames that
 * arrive meanwhile merge in).
 */
export async function openThread(store: RealtimeStore, api: HistoryApi, id: string): Promise<void> {
  if (store.cachedSeq(id) === null) await loadNewest(store, api, id);
  store.markRead(id);
  await catchUp(store, api, id);
}

async function loadNewest(store: RealtimeStore, api: HistoryApi, id: string): Promise<void> {
  store.beginThread(id);
  const page = await api.newest(id);
  store.addPage(id, page.messages, { initial: true, hasMore: page.hasMore });
}

/** Fetches what a cached thread missed, or reloads it when it is too far behind to patch. */
export async function catchUp(store: RealtimeStore, api: HistoryApi, id: string): Promise<void> {
  for (let after = store.behind(id); after !== null; after = store.behind(id)) {
    const target = store.getSnapshot().conversations[id]?.lastSeq ?? after;
    if (target - after > MAX_CATCH_UP) {
      store.dropThread(id);
      await loadNewest(store, api, id);
      return;
    }
    const page = await api.after(id, after);
    store.addMissed(id, page.messages);
    // Stop when the server has nothing newer (the list's lastSeq may count a message not readable yet).
    if (!page.hasMore || store.cachedSeq(id) === after) return;
  }
}

/** Loaded threads kept in memory (the server resumes at most 200 per hello); older ones are dropped and refetched. */
export const MAX_CACHED_THREADS = 150;

/**
 * The reception desk's client state: conversations of the agent's shops, loaded threads, unacked
 * sends. Frames from the socket and REST pages both feed it; React reads it with useSyncExternalStore.
 */
export class RealtimeStore {
  private snap: Snapshot = { connection: 'closed', selectedId: null, agentId: null, presence: null, conversations: {}, threads: {}, pending: [], team: {} };
  private listeners = new Set<() => void>();
  private eventListeners = new Set<(e: StoreEvent) => void>();
  private readonly suggestions = new Map<string, SuggestionsFrame>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Threads by last use, oldest first (Map keeps insertion order). */
  private used = new Map<string, true>();
  /** Highest seq a read receipt was sent for, per conversation (switching back does not send it again). */
  private readSent = new Map<string, number>();
  private batching = 0;
  private dirty = false;

  /**
   * Whether the agent is looking at the open conversation (the tab is visible). Then a message arriving there is read
   * in the same update that shows it: one render, not a second one for the badge.
   */
  private reading: () => boolean = () => false;

  constructor(
    private readonly sendFrame: (f: AgentClientFrame) => boolean,
    private readonly maxThreads = MAX_CACHED_THREADS,
  ) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = (): Snapshot => this.snap;

  /** The suggestions the server last pushed for a conversation (`messageId` says for which buyer message). */
  suggestionsFor(conversationId: string): SuggestionsFrame | undefined {
    return this.suggestions.get(conversationId);
  }

  onEvent(fn: (e: StoreEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  private set(patch: Partial<Snapshot>) {
    this.snap = { ...this.snap, ...patch };
    if (this.batching > 0) this.dirty = true;
    else this.notify();
  }
  private notify() {
    this.dirty = false;
    for (const l of this.listeners) l();
  }
  /** Several changes from one frame reach React as one snapshot. */
  private batch(fn: () => void) {
    this.batching++;
    try {
      fn();
    } finally {
      this.batching--;
      if (this.batching === 0 && this.dirty) this.notify();
    }
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

  /** The workbench tells whether the agent sees the open conversation (null when it is not on screen). */
  setReading(fn: (() => boolean) | null) {
    this.reading = fn ?? (() => false);
  }

  /** Opens a conversation in the chat pane (its thread becomes the most recently used). */
  select(id: string | null) {
    if (id) this.touch(id);
    if (id !== this.snap.selectedId) this.set({ selectedId: id });
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

  /** Last seq of a thread that has its newest page, or null when it must be (re)loaded from REST. */
  cachedSeq(id: string): number | null {
    const t = this.snap.threads[id];
    if (!t?.loaded) return null;
    return t.messages[t.messages.length - 1]?.seq ?? 0;
  }

  /**
   * Whether a cached thread missed messages (the list's lastSeq is ahead of it, e.g. frames lost while the socket was
   * down before a resume covered it): returns the seq to catch up after, or null when the cache is complete.
   */
  behind(id: string): number | null {
    const seq = this.cachedSeq(id);
    const c = this.snap.conversations[id];
    return seq !== null && c && c.lastSeq > seq ? seq : null;
  }

  upsertConversations(list: readonly ConversationDto[]) {
    if (list.length === 0) return;
    let next: Record<string, ConversationDto> | null = null;
    for (const c of list) {
      const cur = (next ?? this.snap.conversations)[c.id];
      if (cur && sameConversation(cur, c)) continue;
      next ??= { ...this.snap.conversations };
      next[c.id] = c;
    }
    if (next) this.set({ conversations: next });
  }

  private patchConversation(p: ConversationPatch) {
    const cur = this.snap.conversations[p.id];
    if (!cur) {
      this.emit({ type: 'unknown-conversation', conversationId: p.id });
      return;
    }
    const next = { ...cur, ...p };
    if (!sameConversation(cur, next)) this.set({ conversations: { ...this.snap.conversations, [p.id]: next } });
  }

  /** Locally clears the unread badge; the read frame tells the server, once per new seq. */
  markRead(conversationId: string) {
    const c = this.snap.conversations[conversationId];
    const t = this.snap.threads[conversationId];
    const last = t?.messages[t.messages.length - 1];
    if (!c) return;
    const seq = Math.max(c.lastSeq, last?.seq ?? 0);
    if (seq > 0 && (c.unread !== 0 || seq > (this.readSent.get(conversationId) ?? 0)) && this.sendFrame({ type: 'read', conversationId, seq })) {
      this.readSent.set(conversationId, seq);
    }
    if (c.unread !== 0) this.set({ conversations: { ...this.snap.conversations, [conversationId]: { ...c, unread: 0 } } });
  }

  beginThread(id: string) {
    this.touch(id);
    if (!this.snap.threads[id]) this.setThread(id, emptyThread());
  }

  /** Marks a thread as just used and drops the least recently used loaded threads over the cap. */
  private touch(id: string) {
    this.used.delete(id);
    this.used.set(id, true);
    if (this.used.size <= this.maxThreads) return;
    const busy = new Set(this.snap.pending.map((p) => p.conversationId));
    let threads: Record<string, Thread> | null = null;
    for (const old of this.used.keys()) {
      if (this.used.size <= this.maxThreads) break;
      if (old === id || old === this.snap.selectedId || busy.has(old)) continue;
      this.used.delete(old);
      if (this.snap.threads[old]) {
        threads ??= { ...this.snap.threads };
        delete threads[old];
      }
    }
    if (threads) this.set({ threads });
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

  /** Messages fetched after the thread's last seq (catch-up): merged without touching the paging state. */
  addMissed(id: string, messages: readonly MessageDto[]) {
    const t = this.snap.threads[id];
    if (!t) return;
    const merged = mergeMessages(t.messages, messages);
    if (merged !== t.messages) this.setThread(id, { ...t, messages: merged });
  }

  /** Forgets a cached thread (the next open loads its newest page again). */
  dropThread(id: string) {
    if (!this.snap.threads[id]) return;
    const threads = { ...this.snap.threads };
    delete threads[id];
    this.used.delete(id);
    this.set({ threads });
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
    this.batch(() => this.applyFrame(frame));
  }

  private applyFrame(frame: AgentServerFrame) {
    switch (frame.type) {
      case 'welcome':
        this.set({ agentId: frame.agentId ?? this.snap.agentId, presence: frame.presence ?? this.snap.presence });
        return;
      case 'message': {
        const m = frame.message;
        if (frame.conversation) this.patchConversation(frame.conversation);
        const t = this.snap.threads[m.conversationId];
        if (t) {
          const messages = mergeMessages(t.messages, [m]);
          const typing = m.sender === 'buyer' ? 0 : t.buyerTypingUntil;
          if (messages !== t.messages || typing !== t.buyerTypingUntil) this.setThread(m.conversationId, { ...t, messages, buyerTypingUntil: typing });
        }
        if (this.snap.pending.some((p) => p.clientId === m.clientId && p.conversationId === m.conversationId)) {
          this.settle(m.clientId);
          this.set({ pending: this.snap.pending.filter((p) => p.clientId !== m.clientId) });
        }
        if (m.conversationId === this.snap.selectedId && t?.loaded && this.snap.conversations[m.conversationId]?.unread && this.reading()) this.markRead(m.conversationId);
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
      case 'suggestions': {
        // Kept outside the snapshot: only the suggestions pane of that conversation needs it, not a re-render of the desk.
        this.suggestions.delete(frame.conversationId);
        this.suggestions.set(frame.conversationId, frame);
        if (this.suggestions.size > MAX_SUGGESTIONS) this.suggestions.delete(this.suggestions.keys().next().value!);
        this.emit({ type: 'suggestions', frame });
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
