import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../storage/create-db.js';
import type { CommitSync } from '../../storage/commit-sync.js';
import { newId } from '../../storage/ids.js';
import { type Engine, testStorage } from '../../test/harness.js';
import { type AppendInput, type AppendResult, MessageWriter } from './message-writer.js';

/** Group commit of the message writer: seqs, counters and idempotency when many conversations share a batch (SQLite and PostgreSQL). */
export function messageWriterContract(engine: Engine): void {
  describe(`message writer (${engine})`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let shopId: string;
    let otherShop: string;
    const T = 1_795_000_000_000;

    /** An organisation and its shops (the ids given), in `db`. */
    async function shops(db: Storage['db'], ids: string[]): Promise<void> {
      const orgId = newId('org');
      await db.insertInto('organizations').values({ id: orgId, name: '测试组织', created_at: T }).execute();
      for (const id of ids) {
        await db
          .insertInto('shops')
          .values({ id, org_id: orgId, name: '山野户外', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: newId('pk'), settings: '{}', created_at: T })
          .execute();
      }
    }

    beforeAll(async () => {
      ({ storage, cleanup } = await testStorage(engine));
      shopId = newId('shop');
      otherShop = newId('shop');
      await shops(storage.db, [shopId, otherShop]);
    });
    afterAll(async () => cleanup?.());

    /** A conversation (and its buyer) of `shop` in `db`, with no message yet unless `lastSeq` says so. */
    async function conversation(status = 'assigned', db = storage.db, shop = shopId, lastSeq = 0): Promise<string> {
      const buyer = newId('buyer');
      const id = newId('conv');
      await db.insertInto('buyers').values({ id: buyer, shop_id: shop, anon_id: newId('anon'), external_id: null, nickname: '买家', created_at: T, last_seen_at: T, last_agent_id: null }).execute();
      await db
        .insertInto('conversations')
        .values({
          id, shop_id: shop, buyer_id: buyer, status, assigned_agent_id: null, group_id: null, scenario: null, last_seq: lastSeq, last_message_at: lastSeq ? T : null,
          waiting_since: null, queued_at: null, unread: 0, agent_read_seq: 0, buyer_read_seq: 0, session_started_at: T, created_at: T, updated_at: T,
          closed_at: status === 'closed' ? T : null,
        })
        .execute();
      return id;
    }

    const input = (conversationId: string, sender: 'buyer' | 'agent' | 'system', clientId: string, kind = 'text'): AppendInput => ({
      shopId, conversationId, clientId, sender, agentId: null, kind, text: clientId, payload: null,
    });

    it('stores a scenario known at insert with the message and makes the latest known one the conversation\'s', async () => {
      const [a, b] = [await conversation(), await conversation()];
      const writer = new MessageWriter(storage.db, () => T + 7);
      const say = (c: string, id: string, scenario: string | null) => writer.append({ ...input(c, 'buyer', id), scenario });
      // One batch: a's run ends with a message of unknown scenario (the conversation keeps the run's latest known one);
      // b's only message has none (its scenario is left as it was); an agent reply in between does not touch it.
      const results = await Promise.all([say(a, 'a1', 'bargain'), say(a, 'a2', 'shipping_fee'), say(a, 'a3', null), say(b, 'b1', null), writer.append(input(a, 'agent', 'a4'))]);
      expect(results.map((r) => r.message.scenario ?? null)).toEqual(['bargain', 'shipping_fee', null, null, null]);
      expect(results[2]!.conversation.scenario).toBe('shipping_fee');
      const stored = await storage.db.selectFrom('messages').select(['client_id', 'scenario']).where('conversation_id', 'in', [a, b]).orderBy('client_id').execute();
      expect(stored).toEqual([
        { client_id: 'a1', scenario: 'bargain' }, { client_id: 'a2', scenario: 'shipping_fee' }, { client_id: 'a3', scenario: null }, { client_id: 'a4', scenario: null }, { client_id: 'b1', scenario: null },
      ]);
      const convs = await storage.db.selectFrom('conversations').select(['id', 'scenario']).where('id', 'in', [a, b]).execute();
      expect(Object.fromEntries(convs.map((c) => [c.id, c.scenario]))).toEqual({ [a]: 'shipping_fee', [b]: null });
      // A later message with a scenario replaces it; one without leaves it.
      await say(b, 'b2', 'size');
      await say(b, 'b3', null);
      expect((await storage.db.selectFrom('conversations').select('scenario').where('id', '=', b).executeTakeFirstOrThrow()).scenario).toBe('size');
    });

    it('allocates gap-free seqs in arrival order per conversation when runs of buyer, agent and note messages share a batch', async () => {
      const [a, b] = [await conversation(), await conversation()];
      const committed: AppendResult[] = [];
      const writer = new MessageWriter(storage.db, () => T + 5, (r) => committed.push(r));
      const order: Array<[string, 'buyer' | 'agent' | 'system', string, string?]> = [
        [a, 'buyer', 'a1'], [b, 'buyer', 'b1'], [a, 'buyer', 'a2'], [a, 'agent', 'a3'], [b, 'agent', 'b2'],
        [a, 'system', 'a4', 'note'], [a, 'buyer', 'a5'], [b, 'buyer', 'b3'], [b, 'buyer', 'b4'],
      ];
      const results = await Promise.all(order.map(([c, s, id, kind]) => writer.append(input(c, s, id, kind))));
      expect(results.map((r) => `${r.message.client_id}:${r.message.seq}`)).toEqual(['a1:1', 'b1:1', 'a2:2', 'a3:3', 'b2:2', 'a4:4', 'a5:5', 'b3:3', 'b4:4']);
      // Each result carries the conversation as it was right after its own run.
      expect(results.map((r) => Number(r.conversation.last_seq))).toEqual([2, 1, 2, 3, 2, 4, 5, 4, 4]);
      expect(Number(results[3]!.conversation.unread)).toBe(0);
      expect(Number(results[3]!.conversation.agent_read_seq)).toBe(3);
      const rowA = await storage.db.selectFrom('conversations').selectAll().where('id', '=', a).executeTakeFirstOrThrow();
      expect({ last_seq: Number(rowA.last_seq), unread: Number(rowA.unread), agent_read_seq: Number(rowA.agent_read_seq), waiting_since: Number(rowA.waiting_since) }).toEqual({ last_seq: 5, unread: 1, agent_read_seq: 3, waiting_since: T + 5 });
      const rowB = await storage.db.selectFrom('conversations').selectAll().where('id', '=', b).executeTakeFirstOrThrow();
      expect({ last_seq: Number(rowB.last_seq), unread: Number(rowB.unread) }).toEqual({ last_seq: 4, unread: 2 });
      // Notes do not move last_message_at; the committed callback fires once per message, in commit order.
      expect(committed.map((r) => r.message.client_id).sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b2', 'b3', 'b4']);
      const stored = await storage.db.selectFrom('messages').select(['client_id', 'seq']).where('conversation_id', 'in', [a, b]).orderBy('conversation_id').orderBy('seq').execute();
      expect(stored).toHaveLength(9);
    });

    it('answers a retried clientId with the stored message, and reopens a closed conversation on a buyer message', async () => {
      const c = await conversation('closed');
      const writer = new MessageWriter(storage.db, () => T + 9);
      const [first, again] = await Promise.all([writer.append(input(c, 'buyer', 'x1')), writer.append(input(c, 'buyer', 'x1'))]);
      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ duplicate: true });
      expect(again.message.id).toBe(first.message.id);
      expect(first.conversation.status).toBe('open');
      expect(first.conversation.closed_at).toBeNull();
      const later = await writer.append(input(c, 'buyer', 'x1'));
      expect(later.duplicate).toBe(true);
      expect(Number(later.message.seq)).toBe(1);
    });

    it('keeps one clientId apart per conversation; the retry guard is keyed by clientId first and the look-up reads it in that order', async () => {
      const [a, b] = [await conversation(), await conversation()];
      const writer = new MessageWriter(storage.db, () => T + 10);
      const [inA, inB] = await Promise.all([writer.append(input(a, 'buyer', 'w-same')), writer.append(input(b, 'buyer', 'w-same'))]);
      expect([inA.duplicate, inB.duplicate]).toEqual([false, false]);
      const retry = await writer.append(input(b, 'buyer', 'w-same'));
      expect(retry).toMatchObject({ duplicate: true });
      expect(retry.message.id).toBe(inB.message.id);
      if (engine === 'sqlite') {
        // Migration 0015: the unique index leads with client_id (time-ordered clientIds append to it); resume reads keep
        // (conversation_id, seq). The writer's look-up of retried ids is an exact seek in it.
        const idx = await sql<{ name: string; cols: string }>`SELECT il.name AS name, (SELECT group_concat(ii.name, ',') FROM pragma_index_info(il.name) ii) AS cols
          FROM pragma_index_list('messages') il WHERE il."unique" = 1 ORDER BY cols`.execute(storage.db);
        expect(idx.rows.map((r) => r.cols)).toEqual(['client_id,conversation_id', 'conversation_id,seq', 'id']);
        const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN select * from messages where (client_id, conversation_id) in (values (${'w-same'}, ${a}), (${'w-x'}, ${b}))`.execute(storage.db);
        const detail = plan.rows.map((r) => r.detail).join(' | ');
        expect(detail).toMatch(/SEARCH messages USING INDEX sqlite_autoindex_messages_\d \(client_id=\? AND conversation_id=\?\)/);
      } else {
        const idx = await sql<{ indexdef: string }>`SELECT indexdef FROM pg_indexes WHERE tablename = 'messages' AND schemaname = current_schema() AND indexdef LIKE 'CREATE UNIQUE%' ORDER BY indexname`.execute(storage.db);
        expect(idx.rows.map((r) => r.indexdef.replace(/^.* USING btree /, ''))).toEqual(['(client_id, conversation_id)', '(conversation_id, seq)', '(id)']);
      }
    });

    it('writes a batch holding a retry of an earlier batch once: the retry is the stored message, the others get the next seqs', async () => {
      const [a, b] = [await conversation(), await conversation()];
      const committed: string[] = [];
      const writer = new MessageWriter(storage.db, () => T + 11, (r) => committed.push(r.message.client_id));
      const first = await writer.append(input(a, 'buyer', 'r1'));
      expect(writer.optimisticFailures).toBe(0);
      // A client that lost the ack resends r1 in the same batch as new messages of two conversations.
      const [again, next, other] = await Promise.all([writer.append(input(a, 'buyer', 'r1')), writer.append(input(a, 'buyer', 'r2')), writer.append(input(b, 'buyer', 'r3'))]);
      expect(writer.optimisticFailures).toBe(1);
      expect(again).toMatchObject({ duplicate: true });
      expect(again.message.id).toBe(first.message.id);
      expect([Number(next.message.seq), Number(other.message.seq)]).toEqual([2, 1]);
      // A batch is written (and announced) sorted by conversation id; a and b made in the same millisecond may sort
      // either way.
      expect(committed).toEqual(a < b ? ['r1', 'r2', 'r3'] : ['r1', 'r3', 'r2']);
      const stored = await storage.db.selectFrom('messages').select(['client_id', 'seq']).where('conversation_id', 'in', [a, b]).orderBy('conversation_id').orderBy('seq').execute();
      expect(stored.map((m) => `${m.client_id}:${Number(m.seq)}`).sort()).toEqual(['r1:1', 'r2:2', 'r3:1']);
      const rowA = await storage.db.selectFrom('conversations').select(['last_seq', 'unread']).where('id', '=', a).executeTakeFirstOrThrow();
      expect({ last_seq: Number(rowA.last_seq), unread: Number(rowA.unread) }).toEqual({ last_seq: 2, unread: 2 });
      // The batches after a failed attempt look up first: a client that keeps resending fails no more attempts.
      const [dup] = await Promise.all([writer.append(input(b, 'buyer', 'r3')), writer.append(input(b, 'buyer', 'r4'))]);
      expect(dup.duplicate).toBe(true);
      expect(writer.optimisticFailures).toBe(1);
    });

    it('gathers messages that trickle in just after a batch into one transaction (group commit window)', async () => {
      const c = await conversation();
      /** Transactions taken by four messages appended one event-loop turn apart, right after a batch. */
      const transactions = async (gapMs: number) => {
        const writer = new MessageWriter(storage.db, () => T, () => {}, undefined, gapMs);
        await writer.append(input(c, 'buyer', `g${gapMs}-0`));
        const before = writer.written.batches;
        const later: Array<Promise<AppendResult>> = [];
        for (let i = 1; i <= 4; i++) {
          later.push(writer.append(input(c, 'buyer', `g${gapMs}-${i}`)));
          await new Promise((r) => setImmediate(r));
        }
        const results = await Promise.all(later);
        expect(results.map((r) => r.message.client_id)).toEqual([1, 2, 3, 4].map((i) => `g${gapMs}-${i}`));
        return writer.written.batches - before;
      };
      // Without a window the first message goes alone (SQLite: each turn's message alone; PostgreSQL: the others join
      // while it is written); with one they all wait for each other.
      expect(await transactions(0)).toBeGreaterThan(1);
      expect(await transactions(200)).toBe(1);
      const seqs = (await storage.db.selectFrom('messages').select(['client_id', 'seq']).where('conversation_id', '=', c).orderBy('seq').execute()).map((r) => r.client_id);
      expect(seqs).toEqual(['g0-0', 'g0-1', 'g0-2', 'g0-3', 'g0-4', 'g200-0', 'g200-1', 'g200-2', 'g200-3', 'g200-4']);
    });

    it('refuses a conversation of another shop, without touching the others of the batch', async () => {
      const c = await conversation();
      const writer = new MessageWriter(storage.db, () => T);
      const [ok, wrong] = await Promise.allSettled([writer.append(input(c, 'buyer', 'ok1')), writer.append({ ...input(c, 'buyer', 'w1'), shopId: otherShop })]);
      expect(ok.status).toBe('fulfilled');
      expect(wrong.status).toBe('rejected');
      expect((wrong as PromiseRejectedResult).reason).toMatchObject({ code: 'conversation.not_found' });
    });

    it('writes the next batch while the last one syncs, announces each batch once committed and acks it once durable, in commit order', async () => {
      const c = await conversation();
      // A disk whose first sync is slow and second fast: batch 2 is durable first, but must not be acked first.
      const syncs: Array<() => void> = [];
      const commits: CommitSync = {
        transaction: (fn) => storage.db.transaction().execute(fn),
        durable: () => new Promise<void>((r) => syncs.push(r)),
        close() {},
      };
      const emitted: string[] = [];
      const acked: string[] = [];
      const writer = new MessageWriter(storage.db, () => T, (r) => emitted.push(r.message.client_id), commits);
      const one = writer.append(input(c, 'buyer', 'o1')).then((r) => acked.push(r.message.client_id));
      await until(() => syncs.length === 1);
      const two = writer.append(input(c, 'buyer', 'o2')).then((r) => acked.push(r.message.client_id));
      await until(() => syncs.length === 2); // batch 2 committed while batch 1 was still syncing
      expect(Number((await storage.db.selectFrom('conversations').select('last_seq').where('id', '=', c).executeTakeFirstOrThrow()).last_seq)).toBe(2);
      // Committed, so readers see both already: announced in commit order, acked not yet.
      expect({ emitted, acked }).toEqual({ emitted: ['o1', 'o2'], acked: [] });
      syncs[1]!();
      await new Promise((r) => setTimeout(r, 10));
      expect({ emitted, acked }).toEqual({ emitted: ['o1', 'o2'], acked: [] });
      syncs[0]!();
      await Promise.all([one, two]);
      expect({ emitted, acked }).toEqual({ emitted: ['o1', 'o2'], acked: ['o1', 'o2'] });
    });

    it('answers internal (not acked) when the disk sync fails; the committed message was announced, and a retry of its clientId is a duplicate', async () => {
      const c = await conversation();
      const failing: CommitSync = {
        transaction: (fn) => storage.db.transaction().execute(fn),
        durable: () => Promise.reject(new Error('EIO')),
        close() {},
      };
      const emitted: string[] = [];
      const writer = new MessageWriter(storage.db, () => T, (r) => emitted.push(r.message.client_id), failing);
      await expect(writer.append(input(c, 'buyer', 'f1'))).rejects.toMatchObject({ code: 'internal' });
      expect(emitted).toEqual(['f1']);
      const retry = await new MessageWriter(storage.db, () => T).append(input(c, 'buyer', 'f1'));
      expect(retry.duplicate).toBe(true);
    });

    it('migration 0015 keeps every message, its rowid order and the other indexes, and the retry guard still refuses a stored clientId', async () => {
      const { storage: old, cleanup: done } = await testStorage(engine, { upTo: '0014_conversation_closed_list' });
      try {
        const db = old.db;
        const shop = newId('shop');
        await shops(db, [shop]);
        const conv = await conversation('assigned', db, shop, 3);
        const rows = [3, 1, 2].map((seq) => ({ id: `msg_${seq}`, shop_id: shop, conversation_id: conv, seq, client_id: `k${seq}`, sender: 'buyer', agent_id: null, kind: 'text', text: `第 ${seq} 句 <b>原样</b>`, payload: seq === 2 ? '{"a":1}' : null, created_at: T + seq, scenario: seq === 1 ? 'bargain' : null }));
        for (const r of rows) await db.insertInto('messages').values(r).execute();
        expect(await old.migrate()).toEqual(['0015_messages_client_order']);
        const after = await db.selectFrom('messages').selectAll().orderBy('seq').execute();
        expect(after.map((m) => ({ ...m, seq: Number(m.seq), created_at: Number(m.created_at) }))).toEqual([...rows].sort((x, y) => x.seq - y.seq));
        if (engine === 'sqlite') {
          const order = await sql<{ id: string }>`SELECT id FROM messages ORDER BY rowid`.execute(db);
          expect(order.rows.map((r) => r.id)).toEqual(['msg_3', 'msg_1', 'msg_2']);
          const named = await sql<{ name: string }>`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL`.execute(db);
          expect(named.rows.map((r) => r.name)).toEqual(['messages_shop_created']);
        }
        await expect(db.insertInto('messages').values({ ...rows[0]!, id: 'msg_x', seq: 9 }).execute()).rejects.toThrow(/unique|duplicate/i);
        await db.insertInto('messages').values({ ...rows[0]!, id: 'msg_y', seq: 4, client_id: 'k4' }).execute();
      } finally {
        await done();
      }
    });
  });
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!ok()) throw new Error('condition not reached');
}
