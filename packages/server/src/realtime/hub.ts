import type { AppContext } from '../app-context.js';
import type { KefuEvent } from '../events/bus.js';
import {
  CHAT_EVENTS,
  type ConversationChangedEvent,
  type MessageCreatedEvent,
  type PresenceEvent,
  type QueueEvent,
  type ReadEvent,
  type TypingEvent,
} from '../modules/conversations/conversations.events.js';
import { presentMessage } from '../modules/conversations/conversations.presenter.js';
import { type Connection, type Frame, SharedFrame, type Stream } from './connection.js';

const FETCH_LIMIT = 500;

/**
 * Which sockets get which event, and in-order exactly-once delivery per conversation: a socket's
 * stream sends seq hwm+1 directly; anything after a gap is held while the gap is read from the DB.
 */
export class Hub {
  private readonly agentsByShop = new Map<string, Set<Connection>>();
  private readonly buyersById = new Map<string, Set<Connection>>();
  readonly all = new Set<Connection>();
  private readonly offs: Array<() => void> = [];

  constructor(private readonly ctx: AppContext) {
    const on = <T>(name: string, fn: (p: T, e: KefuEvent) => void) =>
      this.offs.push(ctx.events.on(name, (e) => fn(e.payload as T, e)));
    on<MessageCreatedEvent>(CHAT_EVENTS.messageCreated, (p, e) => this.onMessage(p, e.shopId ?? ''));
    on<ConversationChangedEvent>(CHAT_EVENTS.conversationChanged, (p) => {
      this.toAgents(p.conversation.shopId, JSON.stringify({ type: 'conversation', conversation: p.conversation, reason: p.reason }));
      this.toBuyer(p.buyerId, JSON.stringify({ type: 'conversation', conversation: p.buyerView, reason: p.reason }));
    });
    on<QueueEvent>(CHAT_EVENTS.queue, (p) => this.toBuyer(p.buyerId, JSON.stringify({ type: 'queue', conversationId: p.conversationId, position: p.position })));
    on<TypingEvent>(CHAT_EVENTS.typing, (p, e) => {
      const frame = JSON.stringify({ type: 'typing', conversationId: p.conversationId, from: p.from, ...(p.agentId ? { agentId: p.agentId } : {}), on: p.on });
      this.toAgents(e.shopId ?? '', frame);
      if (p.from === 'agent') this.toBuyer(p.buyerId, JSON.stringify({ type: 'typing', conversationId: p.conversationId, from: 'agent', on: p.on }));
    });
    on<ReadEvent>(CHAT_EVENTS.read, (p, e) => {
      const frame = JSON.stringify({ type: 'read', conversationId: p.conversationId, seq: p.seq, by: p.by });
      this.toAgents(e.shopId ?? '', frame);
      if (p.by === 'agent') this.toBuyer(p.buyerId, frame);
    });
    on<PresenceEvent>(CHAT_EVENTS.presence, (p) => {
      const frame = JSON.stringify({ type: 'presence', agentId: p.agentId, status: p.status, load: p.load, maxConcurrent: p.maxConcurrent });
      const sent = new Set<Connection>();
      for (const s of p.shopIds) {
        for (const c of this.agentsByShop.get(s) ?? []) {
          if (sent.has(c)) continue;
          sent.add(c);
          c.send(frame);
        }
      }
    });
  }

  add(conn: Connection): void {
    this.all.add(conn);
    if (conn.buyer) addTo(this.buyersById, conn.buyer.buyerId, conn);
    for (const s of conn.auth?.shopIds ?? []) addTo(this.agentsByShop, s, conn);
  }

  remove(conn: Connection): void {
    this.all.delete(conn);
    if (conn.buyer) removeFrom(this.buyersById, conn.buyer.buyerId, conn);
    for (const s of conn.auth?.shopIds ?? []) removeFrom(this.agentsByShop, s, conn);
  }

  agentConnections(agentId: string): number {
    let n = 0;
    for (const c of this.all) if (c.auth?.agent.id === agentId) n++;
    return n;
  }

  stop(): void {
    for (const off of this.offs) off();
  }

  /** Starts (or restarts) a conversation stream at `lastSeq` and replays what follows; resolves after `synced` was sent. */
  async resume(conn: Connection, shopId: string, conversationId: string, lastSeq: number): Promise<void> {
    const st: Stream = { shopId, hwm: lastSeq, pending: new Map(), fetching: false };
    const old = conn.streams.get(conversationId);
    if (old) for (const [k, v] of old.pending) if (k > lastSeq) st.pending.set(k, v);
    conn.streams.set(conversationId, st);
    await this.fill(conn, conversationId, st, true);
    conn.sendObj({ type: 'synced', conversationId, lastSeq: st.hwm });
  }

  /** Live stream without replay (e.g. a buyer who said hello without a resume point). */
  follow(conn: Connection, shopId: string, conversationId: string, fromSeq: number): void {
    if (!conn.streams.has(conversationId)) conn.streams.set(conversationId, { shopId, hwm: fromSeq, pending: new Map(), fetching: false });
  }

  private onMessage(p: MessageCreatedEvent, shopId: string): void {
    const { message } = p;
    const agentFrame = new SharedFrame(JSON.stringify({ type: 'message', message, conversation: p.conversation }));
    for (const c of this.agentsByShop.get(shopId) ?? []) this.deliver(c, shopId, message.conversationId, message.seq, agentFrame);
    // Audience check first, kind check second: a note never reaches a buyer socket.
    if (p.audience !== 'all' || message.kind === 'note') return;
    const set = this.buyersById.get(p.buyerId);
    if (!set?.size) return;
    const buyerFrame = new SharedFrame(JSON.stringify({ type: 'message', message }));
    for (const c of set) this.deliver(c, shopId, message.conversationId, message.seq, buyerFrame);
  }

  private deliver(conn: Connection, shopId: string, conversationId: string, seq: number, frame: Frame): void {
    let st = conn.streams.get(conversationId);
    if (!st) {
      // Agents join a conversation's stream at the first message they see; buyers always start at 0 (their own conversation, full history).
      st = { shopId, hwm: conn.role === 'agent' ? seq - 1 : 0, pending: new Map(), fetching: false };
      conn.streams.set(conversationId, st);
    }
    if (seq <= st.hwm) return;
    if (seq === st.hwm + 1 && !st.fetching && st.pending.size === 0) {
      st.hwm = seq;
      conn.send(frame);
      return;
    }
    st.pending.set(seq, frame);
    if (!st.fetching) void this.fill(conn, conversationId, st, false);
  }

  /** Sends held frames that are next in line; fetches from the DB whatever is missing before them. */
  private async fill(conn: Connection, conversationId: string, st: Stream, initial: boolean): Promise<void> {
    if (st.fetching) return;
    st.fetching = true;
    const forBuyer = conn.role === 'buyer';
    let mustFetch = initial;
    try {
      for (;;) {
        if (conn.closed || conn.streams.get(conversationId) !== st) return;
        for (let next = st.pending.get(st.hwm + 1); next !== undefined; next = st.pending.get(st.hwm + 1)) {
          st.pending.delete(st.hwm + 1);
          st.hwm++;
          conn.send(next);
        }
        for (const k of st.pending.keys()) if (k <= st.hwm) st.pending.delete(k);
        if (!mustFetch && st.pending.size === 0) return;
        mustFetch = false;
        const rows = await this.ctx.chat.conversations.repo.messagesAfter(st.shopId, conversationId, st.hwm, FETCH_LIMIT, forBuyer);
        if (conn.closed || conn.streams.get(conversationId) !== st) return;
        for (const row of rows) {
          const seq = Number(row.seq);
          if (seq <= st.hwm) continue;
          st.hwm = seq;
          st.pending.delete(seq);
          conn.send(JSON.stringify({ type: 'message', message: presentMessage(row) }));
        }
        if (rows.length === FETCH_LIMIT) mustFetch = true;
      }
    } catch (err) {
      this.ctx.log.warn({ err, conversationId }, 'stream fill failed; forcing resync');
      conn.close(4000, 'resync');
    } finally {
      st.fetching = false;
    }
  }

  /**
   * Sends a frame to the agent sockets of a shop in this process: all of them, or only those of `agentIds` (assist
   * suggestions). A function makes each socket's frame just before it is written (`Connection.itemRefs`).
   */
  pushToAgents(shopId: string, frame: Frame | ((c: Connection) => Frame), agentIds?: readonly string[]): void {
    for (const c of this.agentsByShop.get(shopId) ?? []) {
      if (agentIds && !(c.auth && agentIds.includes(c.auth.agent.id))) continue;
      if (!c.closed) c.send(typeof frame === 'function' ? frame(c) : frame);
    }
  }

  private toAgents(shopId: string, frame: string): void {
    const shared = new SharedFrame(frame);
    for (const c of this.agentsByShop.get(shopId) ?? []) c.send(shared);
  }

  private toBuyer(buyerId: string, frame: Frame): void {
    for (const c of this.buyersById.get(buyerId) ?? []) c.send(frame);
  }
}

function addTo<K>(map: Map<K, Set<Connection>>, key: K, c: Connection): void {
  const set = map.get(key) ?? new Set();
  set.add(c);
  map.set(key, set);
}

function removeFrom<K>(map: Map<K, Set<Connection>>, key: K, c: Connection): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(c);
  if (set.size === 0) map.delete(key);
}
