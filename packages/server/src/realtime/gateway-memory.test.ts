import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';
import { agentSocket, bootstrapBuyer, buyerSay, buyerSocket, makeAgent, makeShop, type TestAgent, type TestShop } from './test/chat-harness.js';

// A full collection on demand: `gc` of a fresh context once the flag is set (the test process was not started with it).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether the objects behind `refs` are all collected after a few full collections (finalisers and timers between them). */
async function collected(refs: Array<WeakRef<object>>): Promise<boolean> {
  for (let i = 0; i < 5; i++) {
    gc();
    if (refs.every((r) => r.deref() === undefined)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

// At a Double-11 peak the server holds tens of thousands of buyer sockets for hours: what each open socket keeps alive
// is memory, and heap that every full collection marks again.
describe('gateway memory per open socket', () => {
  let server: TestServer;
  let shop: TestShop;
  let agent: TestAgent;
  const upgrades: Array<WeakRef<IncomingMessage>> = [];
  const onUpgrade = (req: IncomingMessage) => upgrades.push(new WeakRef(req));

  beforeAll(async () => {
    server = await startTestServer('sqlite', { demo: true });
    shop = await makeShop(server);
    agent = await makeAgent(server, shop);
    server.app.server.prependListener('upgrade', onUpgrade);
  });
  afterAll(async () => {
    server?.app.server.off('upgrade', onUpgrade);
    await server?.cleanup();
  });

  it('an open socket does not keep its upgrade request (headers, URL, token) once it is accepted', async () => {
    const agentWs = await agentSocket(server, agent);
    const buyers = await Promise.all([0, 1, 2].map(() => bootstrapBuyer(server, shop)));
    const sockets = await Promise.all(buyers.map((b) => buyerSocket(server, b)));
    for (const s of sockets) expect((await buyerSay(s, '在吗？')).type).toBe('ack');
    expect(upgrades).toHaveLength(4);
    // The sockets are open and working, and their requests are garbage.
    expect(await collected(upgrades)).toBe(true);
    for (const s of sockets) expect((await buyerSay(s, '这双鞋有 42 码吗？')).type).toBe('ack');
    for (const s of [...sockets, agentWs]) s.close();
  });
});
