/** Buyer socket with resume, app-level heartbeat and reconnect backoff (docs/REALTIME.md). */
export interface SocketHandlers {
  onOpen(): void;
  onFrame(frame: any): void;
  onState(state: 'connecting' | 'online' | 'offline'): void;
}

const HEARTBEAT_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const CLOSE_ABUSE = 4008;
const CLOSE_RESYNC = 4000;

export class BuyerSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly url: () => string,
    private readonly h: SocketHandlers,
  ) {}

  connect(): void {
    if (this.stopped) return;
    this.h.onState('connecting');
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.h.onState('online');
      this.h.onOpen();
      this.startHeartbeat();
    };
    ws.onmessage = (e) => {
      let f: any;
      try {
        f = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (f?.type === 'pong' && this.pongTimer) {
        clearTimeout(this.pongTimer);
        this.pongTimer = null;
      }
      this.h.onFrame(f);
    };
    ws.onclose = (e) => {
      this.stopHeartbeat();
      if (this.ws !== ws) return;
      this.ws = null;
      this.h.onState('offline');
      if (this.stopped) return;
      // resync: reconnect now; abuse: back off; otherwise exponential with jitter, capped at 15 s.
      const base = e.code === CLOSE_RESYNC ? 0 : e.code === CLOSE_ABUSE ? 10_000 : Math.min(15_000, 500 * 2 ** this.attempt++);
      setTimeout(() => this.connect(), base + Math.random() * 300);
    };
  }

  send(frame: unknown): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Reconnect now (e.g. the page came back online). */
  kick(): void {
    if (!this.ws) this.connect();
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!this.send({ type: 'ping', t: Date.now() })) return;
      this.pongTimer ??= setTimeout(() => this.ws?.close(), PONG_TIMEOUT_MS);
    }, HEARTBEAT_MS);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.heartbeat = null;
    this.pongTimer = null;
  }
}
