import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../config/config.js';
import { startServer } from '../server.js';
import { dropPgSchema } from '../storage/create-db.js';
import { PG_URL, type TestServer } from '../test/harness.js';
import { agentSocket, bootstrapBuyer, buyerSay, buyerSocket, makeAgent, makeShop } from './test/chat-harness.js';

const REDIS_URL = process.env.KEFU_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Scaled mode: two processes (here: two servers in one process, distinct bus origins) on one PostgreSQL schema and Redis. */
describe('scaled mode: PostgreSQL + Redis, buyer and agent on different servers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-scaled-'));
  const pgSchema = `kefu_t_${randomBytes(6).toString('hex')}`;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    const config: Config = {
      ...defaultConfig(dir),
      port: 0,
      dataDir: dir,
      scryptLogN: 10,
      logLevel: 'silent',
      demo: true,
      databaseUrl: PG_URL,
      pgSchema,
      redisUrl: REDIS_URL,
    };
    for (let i = 0; i < 2; i++) {
      const s = await startServer(config);
      servers.push({ ...s, cleanup: () => s.close() });
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await dropPgSchema(PG_URL, pgSchema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers across processes in order, with seqs allocated correctly by the shared database', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    expect(a.ctx.events.origin).not.toBe(b.ctx.events.origin);
    const shop = await makeShop(a);
    const agent = await makeAgent(b, shop, { name: '跨进程客服' });
    const agentWs = await agentSocket(b, agent);
    const buyer = await bootstrapBuyer(a, shop);
    const buyerWs = await buyerSocket(a, buyer);
    const ack = await buyerSay(buyerWs, '你好，跨进程能收到吗');
    const got = await agentWs.next((f) => f.type === 'message' && f.message.id === ack.id, 8000);
    expect(got.message.text).toBe('你好，跨进程能收到吗');
    // Agent replies through server b; sends from both servers interleave; the buyer on a sees every seq once, in order.
    const replies = Array.from({ length: 10 }, (_, i) =>
      agent.api.post(`/api/shops/${shop.id}/conversations/${ack.conversationId}/messages`, { clientId: `x-${i}`, kind: 'text', text: `回复${i}` }),
    );
    const buyerMsgs = Array.from({ length: 5 }, (_, i) => buyerSay(buyerWs, `追问${i}`));
    await Promise.all([...replies, ...buyerMsgs]);
    const lastSeq = Number((await a.ctx.chat.conversations.repo.find(shop.id, ack.conversationId))!.last_seq);
    await buyerWs.next((f) => f.type === 'message' && f.message.seq === lastSeq, 8000);
    const seqs = buyerWs.messages(ack.conversationId).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    agentWs.close();
    buyerWs.close();
  });
});
