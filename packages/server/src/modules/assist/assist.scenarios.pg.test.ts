import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/harness.js';
import { AssistRepository } from './assist.repository.js';

// PostgreSQL only: SQLite runs one writer at a time, so the two transactions below cannot overlap there.
describe('message scenarios written after classification (postgres)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('postgres', { demo: true });
  });
  afterAll(async () => server?.cleanup());

  it("an earlier message's scenario, written while the writer commits a later one, does not replace the later one's on the conversation", async () => {
    const db = server.ctx.storage.db;
    const repo = new AssistRepository(db);
    const shop = await db.selectFrom('shops').select('id').where('name', '=', '小雅女装').executeTakeFirstOrThrow();
    const t = Date.now();
    const buyer = `buyer_race${t}`;
    const conv = `conv_race${t}`;
    await db.insertInto('buyers').values({ id: buyer, shop_id: shop.id, anon_id: `race-${t}`, external_id: null, nickname: '买家', created_at: t, last_seen_at: t, last_agent_id: null }).execute();
    await db
      .insertInto('conversations')
      .values({
        id: conv, shop_id: shop.id, buyer_id: buyer, status: 'open', assigned_agent_id: null, group_id: null, scenario: null, last_seq: 1, last_message_at: t, waiting_since: t,
        queued_at: null, unread: 1, agent_read_seq: 0, buyer_read_seq: 0, session_started_at: t, created_at: t, updated_at: t, closed_at: null,
      })
      .execute();
    const msg = (seq: number, text: string, scenario: string | null) => ({
      id: `msg_race${t}_${seq}`, shop_id: shop.id, conversation_id: conv, seq, client_id: `c${seq}`, sender: 'buyer', agent_id: null, kind: 'text', text, payload: null, created_at: t + seq, scenario,
    });
    // Message 1 was stored without a scenario: the worker classifies it, and its scenario is written later.
    await db.insertInto('messages').values(msg(1, '鞋底会不会开胶呀老板', null)).execute();

    // The message writer commits message 2, a repeated question stored with its scenario, and bumps the conversation —
    // and is slow to commit: it holds the conversation's row meanwhile.
    let commit!: () => void;
    const held = new Promise<void>((r) => (commit = r));
    let writing!: () => void;
    const wrote = new Promise<void>((r) => (writing = r));
    const writer = db.transaction().execute(async (trx) => {
      await trx.insertInto('messages').values(msg(2, '这双鞋子包邮吗亲', 'shipping_fee')).execute();
      await trx.updateTable('conversations').set({ scenario: 'shipping_fee', last_seq: 2 }).where('id', '=', conv).execute();
      writing();
      await held;
    });
    await wrote;

    // Message 1's scenario is written now: it has to wait for that row.
    const written = repo.setScenarios([{ shopId: shop.id, conversationId: conv, messageId: msg(1, '', null).id, seq: 1, scenario: 'quality' }]);
    const waiting = async () => {
      const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
      return r.rows[0]!.n > 0;
    };
    for (let i = 0; i < 200 && !(await waiting()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await waiting()).toBe(true);
    commit();
    await Promise.all([writer, written]);

    const row = await db.selectFrom('conversations').select('scenario').where('id', '=', conv).executeTakeFirstOrThrow();
    expect(row.scenario).toBe('shipping_fee');
    const m1 = await db.selectFrom('messages').select('scenario').where('id', '=', msg(1, '', null).id).executeTakeFirstOrThrow();
    expect(m1.scenario).toBe('quality');
  });
});
