import { WS_CLOSE } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Connection } from './connection.js';

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
