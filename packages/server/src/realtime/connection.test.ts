import { WS_CLOSE } from '@kefu/contracts';
import { stat } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Connection, HOLD_MAX_MS, SharedFrame } from './connection.js';

function fakeWs(buffered: number) {
  const sent: string[] = [];
  const closes: number[] = [];
  const ws = { bufferedAmount: buffered, send: (d: string) => sent.push(d), close: (code: number) => closes.push(code), terminate: () => {} };
  return { ws: ws as unknown as WebSocket, sent, closes, raw: ws };
}

describe('Connection backpressure', () => {
  it('sends while the buffer is under the limit', () => {
    const f = fakeWs(0);
    const c = new Connection(f.ws, 'buyer', { buyer: { shopId: 's', buyerId: 'b' } }, { maxBufferedBytes: 1000 }, 0);
    expect(c.send('{"type":"pong"}')).toBe(true);
    expect(f.sent).toHaveLength(1);
  });
  it('drops and forces a resync instead of buffering past the limit', () => {
    const f = fakeWs(990);
    const c = new Connection(f.ws, 'buyer', { buyer: { shopId: 's', buyerId: 'b' } }, { maxBufferedBytes: 1000 }, 0);
    expect(c.send('x'.repeat(20))).toBe(false);
    expect(f.sent).toHaveLength(0);
    expect(f.closes).toEqual([WS_CLOSE.resync]);
    expect(c.send('{}')).toBe(false);
  });
  it('closes an abusive connection after too many errors in the window', () => {
    const f = fakeWs(0);
    const c = new Connection(f.ws, 'buyer', { buyer: { shopId: 's', buyerId: 'b' } }, { maxBufferedBytes: 1000 }, 0);
    let closed = false;
    for (let i = 0; i < 49; i++) closed = c.noteError(1000);
    expect(closed).toBe(false);
    expect(c.noteError(1000)).toBe(true);
    expect(f.closes).toEqual([WS_CLOSE.abuse]);
  });
});

describe('SharedFrame (one frame to many sockets)', () => {
  it('reaches every socket as the same text frame, encoded once', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
    const server: WebSocket[] = [];
    wss.on('connection', (ws) => server.push(ws));
    const clients = await Promise.all([0, 1, 2].map(() => new Promise<WebSocket>((resolve) => { const c = new WebSocket(url); c.once('open', () => resolve(c)); })));
    while (server.length < 3) await new Promise((r) => setTimeout(r, 5));
    const got = clients.map((c) => new Promise<{ text: string; binary: boolean }>((resolve) => c.once('message', (d, binary) => resolve({ text: d.toString(), binary }))));
    const text = JSON.stringify({ type: 'message', message: { text: '亲，这款42码有货哦～<b>' } });
    const frame = new SharedFrame(text);
    const conns = server.map((ws, i) => new Connection(ws, 'agent', { buyer: { shopId: 's', buyerId: `b${i}` } }, { maxBufferedBytes: 1 << 20 }, 0));
    for (const c of conns) expect(c.send(frame)).toBe(true);
    // One encoding, shared: the same bytes object every time.
    expect(frame.data).toBe(frame.data);
    expect(frame.data.toString()).toBe(text);
    expect(await Promise.all(got)).toEqual([0, 1, 2].map(() => ({ text, binary: false })));
    for (const c of clients) c.terminate();
    await new Promise((r) => wss.close(r));
  });

  it('counts its bytes against the send-buffer limit', () => {
    const f = fakeWs(0);
    const c = new Connection(f.ws, 'agent', { buyer: { shopId: 's', buyerId: 'b' } }, { maxBufferedBytes: 10 }, 0);
    // 4 characters, 12 bytes of UTF-8: over a 10-byte limit.
    expect(c.send(new SharedFrame('客服你好'))).toBe(false);
    expect(f.closes).toEqual([WS_CLOSE.resync]);
  });
});

/** A server-side Connection over a real socket, with the socket's writes counted (each is one syscall). */
async function socketPair() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  await new Promise((r) => client.once('open', r));
  const ws = await accepted;
  const sock = (ws as unknown as { _socket: { _writev: (...a: unknown[]) => unknown; _write: (...a: unknown[]) => unknown } })._socket;
  const writes: number[] = [];
  const writev = sock._writev.bind(sock);
  const write = sock._write.bind(sock);
  sock._writev = (chunks: unknown, cb: unknown) => (writes.push((chunks as unknown[]).length), writev(chunks, cb));
  sock._write = (chunk: unknown, enc: unknown, cb: unknown) => (writes.push(1), write(chunk, enc, cb));
  const got: string[] = [];
  client.on('message', (d) => got.push(d.toString()));
  const conn = new Connection(ws, 'buyer', { buyer: { shopId: 's', buyerId: 'b' } }, { maxBufferedBytes: 1 << 20 }, 0);
  const close = async () => {
    client.terminate();
    await new Promise((r) => wss.close(r));
  };
  return { conn, writes, got, close };
}
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await tick(5);
};

describe('Connection.hold (a buyer send: echo and ack in one write)', () => {
  it('without a hold, frames of different turns leave in separate writes', async () => {
    const p = await socketPair();
    p.conn.send('{"type":"message","n":1}');
    await tick(2);
    p.conn.send('{"type":"ack","n":2}');
    await until(() => p.got.length === 2);
    expect(p.writes).toHaveLength(2);
    await p.close();
  });

  it('keeps frames of several turns back until released, then writes them once, in order', async () => {
    const p = await socketPair();
    const release = p.conn.hold();
    p.conn.send('{"type":"message","n":1}');
    await tick(2);
    p.conn.send('{"type":"message","n":2}');
    await tick(2);
    expect(p.writes).toEqual([]);
    p.conn.send('{"type":"ack","n":3}');
    release();
    await until(() => p.got.length === 3);
    expect(p.writes).toHaveLength(1);
    expect(p.got.map((g) => JSON.parse(g).n)).toEqual([1, 2, 3]);
    // Released twice: nothing more happens; the socket sends normally afterwards.
    release();
    p.conn.send('{"type":"pong"}');
    await until(() => p.got.length === 4);
    expect(p.writes).toHaveLength(2);
    await p.close();
  });

  it('lets the frames go after HOLD_MAX_MS when the release does not come (a slow sync)', async () => {
    const p = await socketPair();
    const release = p.conn.hold();
    p.conn.send('{"type":"message","n":1}');
    await tick(HOLD_MAX_MS + 30);
    await until(() => p.got.length === 1);
    expect(p.got).toHaveLength(1);
    // The late release belongs to an expired hold: it neither throws nor holds up what follows.
    const second = p.conn.hold();
    release();
    p.conn.send('{"type":"message","n":2}');
    await tick(2);
    expect(p.got).toHaveLength(1);
    second();
    await until(() => p.got.length === 2);
    expect(p.got.map((g) => JSON.parse(g).n)).toEqual([1, 2]);
    await p.close();
  });

  it('starts the clock with the first held frame: a send that queued longer than HOLD_MAX_MS still leaves with its ack', async () => {
    const p = await socketPair();
    const release = p.conn.hold();
    // The message waits behind a busy writer; then its echo (at commit) and its ack (after the sync).
    await tick(HOLD_MAX_MS + 20);
    p.conn.send('{"type":"message","n":1}');
    await tick(2);
    p.conn.send('{"type":"ack","n":2}');
    release();
    await until(() => p.got.length === 2);
    expect(p.writes).toHaveLength(1);
    expect(p.got.map((g) => JSON.parse(g).n)).toEqual([1, 2]);
    await p.close();
  });

  it('holds nothing back while no frame has come: a frame sent before the hold leaves in its own turn', async () => {
    const p = await socketPair();
    p.conn.send('{"type":"typing","n":1}');
    const release = p.conn.hold();
    await until(() => p.got.length === 1);
    expect(p.got).toHaveLength(1);
    release();
    await p.close();
  });

  it('an ack whose sync completes in the turn the hold expires still joins the held frames', async () => {
    const p = await socketPair();
    const release = p.conn.hold();
    p.conn.send('{"type":"message","n":1}');
    // The ack comes from an I/O callback (as the sync's completion does) that is already due when the event loop,
    // busy past HOLD_MAX_MS, next looks: the expiry waits for that turn's I/O callbacks.
    stat(import.meta.filename ?? '.', () => {
      p.conn.send('{"type":"ack","n":2}');
      release();
    });
    const until0 = performance.now() + HOLD_MAX_MS + 15;
    while (performance.now() < until0) {
      // a busy event loop
    }
    await until(() => p.got.length === 2);
    expect(p.writes).toHaveLength(1);
    await p.close();
  });

  it('two holds at once: the frames wait for the last release', async () => {
    const p = await socketPair();
    const a = p.conn.hold();
    const b = p.conn.hold();
    p.conn.send('{"type":"ack","n":1}');
    a();
    await tick(3);
    expect(p.got).toHaveLength(0);
    b();
    await until(() => p.got.length === 1);
    expect(p.writes).toHaveLength(1);
    await p.close();
  });
});
