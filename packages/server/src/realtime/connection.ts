import { REALTIME_LIMITS, WS_CLOSE } from '@kefu/contracts';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { AuthContext } from '../http/auth.js';
import type { BuyerPrincipal } from '../modules/conversations/buyer-token.js';
import { newId } from '../storage/ids.js';
import type { ItemRefs } from './item-refs.js';
import { TokenBucket } from './token-bucket.js';

/**
 * A frame written to many sockets (a buyer message to every agent of the shop, a read receipt): its UTF-8 bytes are
 * made once, on the first send, and the same bytes go to each socket, instead of every `ws.send` encoding the text
 * again (a frame is a few hundred mostly Chinese characters; a shop has tens of agents online at a peak).
 */
export class SharedFrame {
  private bytes: Buffer | null = null;

  constructor(readonly text: string) {}

  get data(): Buffer {
    this.bytes ??= Buffer.from(this.text);
    return this.bytes;
  }
}

/** What `Connection.send` takes: a frame's text, or one shared by several sockets. */
export type Frame = string | SharedFrame;

/** Delivery state of one conversation on one socket: highest seq sent, and live frames held back until the gap before them is filled. */
export interface Stream {
  shopId: string;
  hwm: number;
  pending: Map<number, Frame>;
  fetching: boolean;
}

export interface ConnLimits {
  maxBufferedBytes: number;
}

const CORK_FLUSH_BYTES = 64 * 1024;
/** Longest a `hold` keeps a socket's frames back, from the first of them: past it they leave, and the ack follows on its own. */
export const HOLD_MAX_MS = 10;

/** Ends this turn's cork, unless a `hold` keeps it (`force`: the 64 KiB flush and the end of a hold). */
function uncork(conn: Connection, sock: Duplex, force = false): void {
  if (!conn.isCorked() || (!force && conn.isHeld())) return;
  conn.uncorked();
  sock.uncork();
}

const noop = (): void => {};

/** One WebSocket: who it is, its delivery streams, rate limit and abuse counters. */
export class Connection {
  readonly id = newId('ws');
  readonly streams = new Map<string, Stream>();
  readonly bucket: TokenBucket;
  /** Agents whose hello asked for `suggestionRefs`: the suggestion items already sent on this socket. */
  itemRefs: ItemRefs | null = null;
  lastSeen: number;
  closed = false;
  /** Frames are handled one after another so a client's sends keep their order. */
  chain: Promise<void> = Promise.resolve();
  private errors: number[] = [];
  private corked = false;
  private holds = 0;
  /** Bumped when holds expire, so that their late releases do nothing. */
  private holdGen = 0;
  private holdTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly role: 'buyer' | 'agent',
    readonly who: { buyer: BuyerPrincipal } | { auth: AuthContext },
    private readonly limits: ConnLimits,
    now: number,
  ) {
    const rate = role === 'buyer' ? REALTIME_LIMITS.buyer : REALTIME_LIMITS.agent;
    this.bucket = new TokenBucket(rate.burst, rate.perSec, now);
    this.lastSeen = now;
  }

  get buyer(): BuyerPrincipal | null {
    return 'buyer' in this.who ? this.who.buyer : null;
  }

  get auth(): AuthContext | null {
    return 'auth' in this.who ? this.who.auth : null;
  }

  /**
   * Writes a frame unless the socket's send buffer is over the limit: then the socket is closed with
   * `resync` (the client reconnects and resumes) instead of buffering without bound or stalling others.
   */
  send(frame: Frame): boolean {
    if (this.closed) return false;
    const size = typeof frame === 'string' ? frame.length : frame.data.length;
    if (this.ws.bufferedAmount + size > this.limits.maxBufferedBytes) {
      this.close(WS_CLOSE.resync, 'resync');
      return false;
    }
    // Frames written in one tick (a committed batch's messages, acks) leave in one write instead of one syscall each.
    const sock = this.socket();
    if (sock && !this.corked) {
      sock.cork();
      this.corked = true;
      process.nextTick(uncork, this, sock);
    }
    // The first frame of a hold starts its clock (see `hold`).
    if (this.holds > 0 && !this.holdTimer) this.startHoldClock();
    if (typeof frame === 'string') this.ws.send(frame);
    else this.ws.send(frame.data, { binary: false });
    if (this.corked && sock && sock.writableLength > CORK_FLUSH_BYTES) uncork(this, sock, true);
    return true;
  }

  /**
   * Keeps this socket's frames back until the returned release is called, so that they leave in one write with what the
   * caller sends last. A buyer's send: the message's own echo goes out when its batch commits, its ack once the log is
   * synced (~1 ms later); held, the two leave together — one syscall and one wake-up of the client instead of two. Order
   * is unchanged (frames queue in the cork in the order they were sent); what arrives for this socket meanwhile (an
   * agent's reply) waits as long.
   * The hold's clock starts with its first frame, not with the send: a message that queues behind a busy writer holds
   * nothing back while it waits. Past `HOLD_MAX_MS` from that frame (a slow sync) the frames leave, and the ack follows
   * on its own — at the end of that turn of the event loop, after its I/O callbacks: on a busy loop the timer and the
   * sync's completion are often due in the same turn, and the ack then still joins the echo.
   */
  hold(): () => void {
    if (this.closed || !this.socket()) return noop;
    this.holds++;
    const gen = this.holdGen;
    let released = false;
    return () => {
      if (released || gen !== this.holdGen) return;
      released = true;
      if (--this.holds === 0) this.endHold();
    };
  }

  private startHoldClock(): void {
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (this.holdTimer !== timer) return; // released meanwhile
        this.holdGen++;
        this.endHold();
      });
    }, HOLD_MAX_MS).unref();
    this.holdTimer = timer;
  }

  private endHold(): void {
    this.holds = 0;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const sock = this.socket();
    if (sock) uncork(this, sock, true);
  }

  private socket(): Duplex | null {
    return (this.ws as unknown as { _socket?: Duplex | null })._socket ?? null;
  }

  /** @internal */
  uncorked(): void {
    this.corked = false;
  }

  /** @internal */
  isCorked(): boolean {
    return this.corked;
  }

  /** @internal A hold has frames waiting (its clock runs). */
  isHeld(): boolean {
    return this.holdTimer !== null;
  }

  sendObj(obj: object): boolean {
    return this.send(JSON.stringify(obj));
  }

  /** Counts an error; true when the connection has been abusive and was closed. */
  noteError(now: number): boolean {
    this.errors.push(now);
    const since = now - REALTIME_LIMITS.abuse.windowMs;
    while (this.errors.length && this.errors[0]! < since) this.errors.shift();
    if (this.errors.length >= REALTIME_LIMITS.abuse.errors) {
      this.close(WS_CLOSE.abuse, 'too many errors');
      return true;
    }
    return false;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    // A peer that never completes the close handshake must not keep the socket.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
}
