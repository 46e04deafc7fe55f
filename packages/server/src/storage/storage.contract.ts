import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, testStorage } from '../test/harness.js';
import type { Storage } from './create-db.js';
import { newId } from './ids.js';

/** One contract every storage engine passes (run by storage.test.ts on SQLite and storage.pg.test.ts on PostgreSQL). */
export function storageContract(engine: Engine): void {
  describe(`storage contract (${engine})`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, cleanup } = await testStorage(engine));
    });
    afterAll(async () => cleanup?.());

    const org = (id = newId('org')) => ({ id, name: '测试组织', created_at: Date.now() });
    const shop = (orgId: string) => ({
      id: newId('shop'),
      org_id: orgId,
      name: '山野户外',
      platform: 'taobao',
      time_zone: 'Asia/Shanghai',
      business_hours: '{"days":[]}',
      public_key: newId('pk'),
      settings: '{}',
      created_at: Date.now(),
    });

    it('reports its engine and answers a ping', async () => {
      expect(storage.dialect).toBe(engine === 'postgres' ? 'postgres' : 'sqlite');
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    it('applies migrations once: a second run applies nothing', async () => {
      expect(await storage.migrate()).toEqual([]);
    });

    it('round-trips epoch-millisecond times beyond 32 bits as numbers', async () => {
      const o = { ...org(), created_at: 1_795_000_000_123 };
      await storage.db.insertInto('organizations').values(o).execute();
      const back = await storage.db.selectFrom('organizations').selectAll().where('id', '=', o.id).executeTakeFirstOrThrow();
      expect(back.created_at).toBe(1_795_000_000_123);
      expect(typeof back.created_at).toBe('number');
    });

    it('keeps Chinese text, emoji and JSON exactly', async () => {
      const o = org();
      await storage.db.insertInto('organizations').values(o).execute();
      const s = { ...shop(o.id), name: '小雅女装 👗 <script>alert(1)</script>', settings: JSON.stringify({ 欢迎语: '亲，在的呢~' }) };
      await storage.db.insertInto('shops').values(s).execute();
      const back = await storage.db.selectFrom('shops').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
      expect(back.name).toBe(s.name);
      expect(JSON.parse(back.settings)).toEqual({ 欢迎语: '亲，在的呢~' });
    });

    it('enforces unique agent e-mails', async () => {
      const o = org();
      await storage.db.insertInto('organizations').values(o).execute();
      const agent = (id: string) => ({
        id, org_id: o.id, email: `dup-${o.id}@x.cn`, display_name: '小美', role: 'agent', password_hash: 'x', disabled: 0, created_at: 1, updated_at: 1,
      });
      await storage.db.insertInto('agents').values(agent(newId('agt'))).execute();
      await expect(storage.db.insertInto('agents').values(agent(newId('agt'))).execute()).rejects.toThrow();
    });

    it('enforces foreign keys', async () => {
      await expect(storage.db.insertInto('shops').values(shop('org_missing')).execute()).rejects.toThrow();
    });

    it('rolls a failed transaction back completely', async () => {
      const o = org();
      await expect(
        storage.db.transaction().execute(async (trx) => {
          await trx.insertInto('organizations').values(o).execute();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const back = await storage.db.selectFrom('organizations').select('id').where('id', '=', o.id).executeTakeFirst();
      expect(back).toBeUndefined();
    });

    it('cascades agent_shops when an agent is deleted', async () => {
      const o = org();
      await storage.db.insertInto('organizations').values(o).execute();
      const s = shop(o.id);
      await storage.db.insertInto('shops').values(s).execute();
      const a = { id: newId('agt'), org_id: o.id, email: `${newId('e')}@x.cn`, display_name: 'a', role: 'agent', password_hash: 'x', disabled: 0, created_at: 1, updated_at: 1 };
      await storage.db.insertInto('agents').values(a).execute();
      await storage.db.insertInto('agent_shops').values({ agent_id: a.id, shop_id: s.id }).execute();
      await storage.db.deleteFrom('agents').where('id', '=', a.id).execute();
      const left = await storage.db.selectFrom('agent_shops').selectAll().where('agent_id', '=', a.id).execute();
      expect(left).toEqual([]);
    });

    it('supports update … returning for counters (used for message sequence numbers)', async () => {
      await storage.db.insertInto('kv').values({ key: 'counter', value: '0', updated_at: 0 }).execute();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          storage.db.transaction().execute(async (trx) => {
            const row = await sql<{ value: string }>`update kv set value = cast(cast(value as integer) + 1 as text), updated_at = 1 where key = 'counter' returning value`.execute(trx);
            return Number(row.rows[0]!.value);
          }),
        ),
      );
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('auto-increments audit log ids', async () => {
      const a = await storage.db.insertInto('audit_log').values({ org_id: 'o', shop_id: null, actor_id: null, action: 'x', target: null, at: 1 }).returning('id').executeTakeFirstOrThrow();
      const b = await storage.db.insertInto('audit_log').values({ org_id: 'o', shop_id: null, actor_id: null, action: 'y', target: null, at: 2 }).returning('id').executeTakeFirstOrThrow();
      expect(Number(b.id)).toBeGreaterThan(Number(a.id));
    });
  });
}
