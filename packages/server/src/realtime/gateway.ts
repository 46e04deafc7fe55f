import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  AgentClientFrame,
  BuyerClientFrame,
  REALTIME_LIMITS,
  REALTIME_PROTOCOL_VERSION,
  WS_CLOSE,
  type AgentStatus,
  type ErrorCode,
} from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { AppContext } from '../app-context.js';
import { SESSION_COOKIE, type AuthContext } from '../http/auth.js';
import { toAppError } from '../http/errors.js';
import type { BuyerPrincipal } from '../modules/conversations/buyer-token.js';
import { Connection } from './connection.js';
import { startHeartbeat } from './heartbeat.js';
import { Hub } from './hub.js';
import { ItemRefs } from './item-refs.js';

export interface GatewayOptions {
  maxBufferedBytes?: number;
  heartbeatMs?: number;
  idleTimeoutMs?: number;
  /** Grace before an agent whose last socket closed is marked offline (single-process mode only). */
  offlineGraceMs?: number;
}

export interface Gateway {
  hub: Hub;
  close(): Promise<void>;
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * The upgrading socket's error listener, which stays on it for its whole life (`ws` adds its own once it has the
 * socket). A module function, not a closure in the upgrade handler: that closure's scope holds the request (headers,
 * URL, token), and so kept all of it alive for every open socket — 2.2 KiB each in the realtime bench
 * (`heap_kib_per_buyer_socket`; gateway-memory.test.ts).
 */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Same-origin check for the agent socket: a page on another site must not ride the agent's cookie. */
function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser: it cannot hold the agent's cookie by accident
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The WebSocket gateway at /ws/agent (session cookie) and /ws/buyer (buyer token); see docs/REALTIME.md. */
export function startGateway(app: FastifyInstance, ctx: AppContext, opts: GatewayOptions = {}): Gateway {
  const limits = { maxBufferedBytes: opts.maxBufferedBytes ?? REALTIME_LIMITS.maxBufferedBytes };
  const heartbeatMs = opts.heartbeatMs ?? REALTIME_LIMITS.heartbeatMs;
  const idleTimeoutMs = opts.idleTimeoutMs ?? REALTIME_LIMITS.idleTimeoutMs;
  const offlineGraceMs = opts.offlineGraceMs ?? 15_000;
  const hub = new Hub(ctx);
  const wss = new WebSocketServer({ noServer: true, maxPayload: REALTIME_LIMITS.hardFrameBytes, perMessageDeflate: false });
  const svc = () => ctx.chat.conversations;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws/agent' && url.pathname !== '/ws/buyer') {
      if (app.server.listenerCount('upgrade') === 1) reject(socket, 404, 'Not Found');
      return;
    }
    socket.on('error', destroyOnError);
    void (async () => {
      try {
        if (url.pathname === '/ws/agent') {
          if (!originAllowed(req)) return reject(socket, 403, 'Forbidden');
          const auth = await ctx.auth.resolve(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
          if (!auth) return reject(socket, 401, 'Unauthorized');
          wss.handleUpgrade(req, socket, head, (ws) => accept(ws, 'agent', { auth }));
        } else {
          const buyer = await ctx.chat.tokens.verify(url.searchParams.get('token'));
          if (!buyer) return reject(socket, 401, 'Unauthorized');
          wss.handleUpgrade(req, socket, head, (ws) => accept(ws, 'buyer', { buyer }));
        }
      } catch (err) {
        ctx.log.error({ err }, 'websocket upgrade failed');
        reject(socket, 500, 'Internal Server Error');
      }
    })();
  };
  app.server.on('upgrade', onUpgrade);

  const offlineTimers = new Map<string, NodeJS.Timeout>();

  function accept(ws: WebSocket, role: 'buyer' | 'agent', who: { buyer: BuyerPrincipal } | { auth: AuthContext }): void {
    const conn = new Connection(ws, role, who, limits, Date.now());
    hub.add(conn);
    ws.on('pong', () => (conn.lastSeen = Date.now()));
    ws.on('message', (data, isBinary) => {
      conn.lastSeen = Date.now();
      conn.chain = conn.chain.then(() => onFrame(conn, data, isBinary)).catch((err: unknown) => ctx.log.error({ err }, 'frame handler failed'));
    });
    ws.on('close', () => {
      conn.closed = true;
      hub.remove(conn);
      const auth = conn.auth;
      if (auth && !ctx.config.redisUrl && hub.agentConnections(auth.agent.id) === 0) {
        // An agent who closed the workbench stops getting new conversations (after a grace for reloads).
        const t = setTimeout(() => {
          offlineTimers.delete(auth.agent.id);
          if (hub.agentConnections(auth.agent.id) > 0) return;
          void ctx.chat.routing.repo.presence(auth.agent.id).then((p) =>
            p.status === 'online' ? ctx.chat.routing.setPresence(auth.agent.id, auth.shopIds, { status: 'offline' }) : undefined,
          ).catch(() => {});
        }, offlineGraceMs);
        t.unref();
        offlineTimers.set(auth.agent.id, t);
      }
    });
    ws.on('error', () => ws.terminate());
    if (conn.auth) {
      const auth = conn.auth;
      const timer = offlineTimers.get(auth.agent.id);
      if (timer) {
        clearTimeout(timer);
        offlineTimers.delete(auth.agent.id);
      }
    }
  }

  function sendError(conn: Connection, code: ErrorCode | string, message: string, ref?: string): void {
    conn.sendObj({ type: 'error', code, message, ...(ref ? { ref } : {}) });
    conn.noteError(Date.now());
  }

  async function onFrame(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    if (conn.closed) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
    if (isBinary) return sendError(conn, 'realtime.malformed_frame', '只接受 JSON 文本帧');
    if (size > REALTIME_LIMITS.maxFrameBytes) return sendError(conn, 'message.too_large', `单帧不能超过 ${REALTIME_LIMITS.maxFrameBytes} 字节`);
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return sendError(conn, 'realtime.malformed_frame', '不是合法的 JSON');
    }
    const type = raw && typeof raw === 'object' && 'type' in raw && typeof raw.type === 'string' ? raw.type : undefined;
    const clientId = raw && typeof raw === 'object' && 'clientId' in raw && typeof raw.clientId === 'string' ? raw.clientId.slice(0, 64) : undefined;
    if (type !== 'ping' && !conn.bucket.take(Date.now())) {
      return sendError(conn, 'realtime.rate_limited', `发送太频繁，请稍后再试`, clientId ?? type);
    }
    const parsed = (conn.role === 'buyer' ? BuyerClientFrame : AgentClientFrame).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.')}: ${issue.message}` : '格式不正确';
      if (type === 'send') {
        const tooLong = raw && typeof raw === 'object' && 'text' in raw && typeof raw.text === 'string' && raw.text.length > REALTIME_LIMITS.maxTextLength;
        return sendError(conn, tooLong ? 'message.too_large' : 'message.invalid', where, clientId);
      }
      return sendError(conn, 'realtime.malformed_frame', type ? `${type}: ${where}` : '缺少 type', type);
    }
    const frame = parsed.data;
    try {
      switch (frame.type) {
        case 'ping':
          conn.sendObj({ type: 'pong', ...(frame.t !== undefined ? { t: frame.t } : {}) });
          return;
        case 'hello':
          // Numbering starts with this hello and is never turned off: the client's table and this one stay in step.
          if (frame.suggestionRefs && conn.role === 'agent' && !conn.itemRefs) conn.itemRefs = new ItemRefs();
          return await onHello(conn, frame.resume ?? {}, frame.status);
        case 'send':
          return await onSend(conn, frame);
        case 'typing':
          if (conn.buyer) await svc().buyerTyping(conn.buyer, frame.conversationId, frame.on);
          else await svc().agentTyping(conn.auth!, frame.conversationId, frame.on);
          return;
        case 'read':
          if (conn.buyer) await svc().buyerRead(conn.buyer, frame.conversationId, frame.seq);
          else await svc().agentRead(conn.auth!, frame.conversationId, frame.seq);
          return;
      }
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') ctx.log.error({ err }, 'realtime frame failed');
      sendError(conn, e.code, e.message, frame.type === 'send' ? frame.clientId : frame.type);
    }
  }

  async function onHello(conn: Connection, resume: Record<string, number>, status?: AgentStatus): Promise<void> {
    const base = {
      type: 'welcome',
      v: REALTIME_PROTOCOL_VERSION,
      connectionId: conn.id,
      role: conn.role,
      heartbeatMs,
      limits: {
        maxTextLength: REALTIME_LIMITS.maxTextLength,
        maxFrameBytes: REALTIME_LIMITS.maxFrameBytes,
        ...(conn.role === 'buyer' ? REALTIME_LIMITS.buyer : REALTIME_LIMITS.agent),
      },
    };
    const entries = Object.entries(resume).slice(0, 200);
    if (conn.buyer) {
      const buyer = conn.buyer;
      const conv = await svc().findBuyerConversation(buyer);
      conn.sendObj({ ...base, conversation: conv ? await svc().buyerView(conv) : null });
      for (const [id, seq] of entries) {
        if (!conv || conv.id !== id) {
          sendError(conn, 'conversation.not_found', '会话不存在', id);
          continue;
        }
        await hub.resume(conn, buyer.shopId, id, seq);
      }
      if (conv && !entries.some(([id]) => id === conv.id)) hub.follow(conn, buyer.shopId, conv.id, Number(conv.last_seq));
      return;
    }
    const auth = conn.auth!;
    let presence = await ctx.chat.routing.presenceOf(auth.agent.id);
    // The status the agent picked on this browser wins (a manager who went offline stays offline while
    // watching the board). Without one, opening the app means working: an offline agent comes online;
    // busy/away are kept. Applied before the welcome, so no buyer is routed in between.
    const wanted = status ?? (presence.status === 'offline' ? 'online' : presence.status);
    if (wanted !== presence.status) presence = await ctx.chat.routing.setPresence(auth.agent.id, auth.shopIds, { status: wanted });
    conn.sendObj({ ...base, agentId: auth.agent.id, shopIds: auth.shopIds, presence: presence.status });
    for (const [id, seq] of entries) {
      const conv = await svc().repo.findInShops(auth.shopIds, id);
      if (!conv) {
        sendError(conn, 'conversation.not_found', '会话不存在', id);
        continue;
      }
      await hub.resume(conn, conv.shop_id, id, seq);
    }
  }

  async function onSend(conn: Connection, frame: { clientId: string; conversationId?: string | undefined; kind: string; text?: string | undefined; payload?: unknown }): Promise<void> {
    const input = { clientId: frame.clientId, kind: frame.kind as 'text', text: frame.text, payload: frame.payload };
    // A buyer's socket keeps the message's echo (sent at commit) until its ack (after the sync), to send both in one
    // write (Connection.hold). Agent sockets are not held: they carry every buyer's messages, which must not wait.
    const release = conn.buyer ? conn.hold() : null;
    try {
      let r;
      if (conn.buyer) r = await svc().sendAsBuyer(conn.buyer, { ...input, conversationId: frame.conversationId });
      else if (frame.kind === 'note') r = await svc().addNote(conn.auth!, frame.conversationId!, frame.text ?? '', frame.clientId);
      else r = await svc().sendAsAgent(conn.auth!, frame.conversationId!, input);
      conn.sendObj({ type: 'ack', clientId: frame.clientId, conversationId: r.message.conversationId, id: r.message.id, seq: r.message.seq, createdAt: r.message.createdAt, duplicate: r.duplicate });
      r.followUp.catch((err: unknown) => ctx.log.error({ err }, 'session start failed'));
    } finally {
      release?.();
    }
  }

  // Each connection is pinged (or dropped when silent too long) once per heartbeat, a slice at a time (heartbeat.ts).
  const beat = startHeartbeat(hub.all, heartbeatMs, (c, now) => {
    if (now - c.lastSeen > idleTimeoutMs) {
      c.closed = true;
      c.ws.terminate();
    } else if (c.ws.readyState === WebSocket.OPEN) c.ws.ping();
  });

  return {
    hub,
    async close() {
      beat.stop();
      app.server.off('upgrade', onUpgrade);
      for (const t of offlineTimers.values()) clearTimeout(t);
      for (const c of hub.all) {
        c.close(WS_CLOSE.goingAway, 'server shutting down');
        c.ws.terminate();
      }
      hub.stop();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}


