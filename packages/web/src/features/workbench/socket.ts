import { formatClientId } from '@kefu/core';
import { type AgentClientFrame, type AgentServerFrame, type AgentStatus, expandSuggestionItems, newSuggestionRefTable, type SuggestionRefTable } from '@kefu/contracts';

export type SocketState = 'connecting' | 'open' | 'closed';

export interface AgentSocketOptions {
  url?: string;
  /** Conversation → highest seq rendered, sent in `hello.resume` on every (re)connect. */
  resume(): Record<string, number>;
  /** The status the agent picked on this browser, sent in `hello` so the server applies it before routing. */
  status?(): AgentStatus | undefined;
  onFrame(frame: AgentServerFrame): void;
  onState(state: SocketState): void;
  /** After `welcome` on each (re)connect: resend unacked sends, refetch lists. */
  onReady(): void;
  /** 4001: the session ended (signed out elsewhere, disabled). */
  onSessionEnded(): void;
}

const CLOSE_RESYNC = 4000;
const CLOSE_SESSION_ENDED = 4001;
const CLOSE_ABUSE = 4008;
const PING_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;

function defaultUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/ws/agent`;
}

/** The agent WebSocket (docs/REALTIME.md): hello+resume on connect, app-level ping, backoff reconnect. */
export class AgentSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private nextDelayFloor = 0;
  state: SocketState = 'closed';

  constructor(private readonly opts: AgentSocketOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
    window.addEventListener('online', this.onOnline);
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.clearHeartbeat();
    this.ws?.close(1000);
    this.ws = null;
    this.setState('closed');
  }

  /** Sends a frame if connected; false when offline (the caller keeps it pending). */
  send(frame: AgentClientFrame): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.state !== 'open') return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private onOnline = () => {
    if (this.state === 'closed' && !this.stopped) {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.connect();
    }
  };

  private setState(s: SocketState) {
    if (this.state === s) return;
    this.state = s;
    this.opts.onState(s);
  }

  private connect() {
    if (this.stopped) return;
    this.setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url ?? defaultUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    // The server answers every hello with a welcome; only the first one of a connection is a (re)connect.
    let greeted = false;
    // Suggestion items this socket has received, by number (`suggestionRefs`): a new connection starts empty, as the server's does.
    const refs: SuggestionRefTable = newSuggestionRefTable();
    ws.onopen = () => {
      const status = this.opts.status?.();
      ws.send(JSON.stringify({ type: 'hello', v: 1, resume: this.opts.resume(), suggestionRefs: true, ...(status ? { status } : {}) } satisfies AgentClientFrame));
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      let frame: AgentServerFrame;
      try {
        frame = JSON.parse(ev.data) as AgentServerFrame;
      } catch {
        return;
      }
      if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') return;
      this.alive();
      if (frame.type === 'suggestions') {
        const items = expandSuggestionItems(frame.items, refs);
        // A number this socket never received: drop the frame (the suggestions pane then asks over REST).
        if (!items) return;
        frame = { ...frame, items };
      }
      if (frame.type === 'pong') return;
      if (frame.type === 'welcome' && !greeted) {
        greeted = true;
        this.attempt = 0;
        this.setState('open');
        this.startHeartbeat();
        this.opts.onFrame(frame);
        this.opts.onReady();
        return;
      }
      this.opts.onFrame(frame);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearHeartbeat();
      this.setState('closed');
      if (ev.code === CLOSE_SESSION_ENDED) {
        this.stopped = true;
        this.opts.onSessionEnded();
        return;
      }
      this.nextDelayFloor = ev.code === CLOSE_ABUSE ? 10_000 : 0;
      if (ev.code === CLOSE_RESYNC) this.attempt = 0;
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
  }

  private scheduleReconnect() {
    if (this.stopped) return;
    // 0.5 s, 1 s, 2 s … capped at 15 s, with jitter so a restarted server is not stampeded.
    const base = Math.min(15_000, 500 * 2 ** this.attempt);
    const delay = Math.max(this.nextDelayFloor, base / 2 + Math.random() * (base / 2));
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private startHeartbeat() {
    this.clearHeartbeat();
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping', t: Date.now() })) return;
      if (this.pongTimer) clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.ws?.close(4002), PONG_TIMEOUT_MS);
    }, PING_MS);
  }

  private alive() {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private clearHeartbeat() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = null;
    this.pongTimer = null;
  }
}

/** A client id for idempotent sends: time-ordered (`formatClientId` of @kefu/core, docs/REALTIME.md §Client ids); works outside secure contexts. */
export function newClientId(): string {
  return formatClientId('c', Date.now(), crypto.getRandomValues(new Uint8Array(12)));
}
