import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/create-db.js';
import { newId } from '../storage/ids.js';
import { type Engine, testStorage } from '../test/harness.js';
import { Scheduler } from './scheduler.js';

/** Durable timers: each job fires exactly once, across restarts and competing processes. */
export function schedulerContract(engine: Engine): void {
  describe(`scheduler (${engine})`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let clock = 1_800_000_000_000;
    const now = () => clock;
    beforeAll(async () => {
      ({ storage, cleanup } = await testStorage(engine));
      const orgId = newId('org');
      await storage.db.insertInto('organizations').values({ id: orgId, name: 'o', created_at: 1 }).execute();
    });
    afterAll(async () => cleanup?.());

    const fired: string[] = [];
    function make(owner: string, opts: { fail?: boolean } = {}) {
      const s = new Scheduler(storage.db, { owner, now, leaseMs: 1000 });
      s.register('ping', async (job, trx) => {
        if (opts.fail) throw new Error('provider down');
        // The effect commits together with "done".
        await trx.insertInto('kv').values({ key: `fired:${job.id}:${owner}`, value: job.payload.label, updated_at: clock }).execute();
        fired.push(job.payload.label);
        return { result: { ok: true } };
      });
      s.register('maybe', async (job) => (job.payload.skip ? { cancel: 'paid' } : undefined));
      return s;
    }

    it('does not fire before the due time and fires once after it', async () => {
      const s = make('p1');
      expect(await s.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'a:1', runAt: clock + 5000, payload: { label: 'a1' } })).toBe(true);
      expect(await s.tick()).toBe(0);
      clock += 5000;
      expect(await s.tick()).toBe(1);
      expect(await s.tick()).toBe(0);
      expect(fired.filter((f) => f === 'a1')).toHaveLength(1);
      const [job] = await s.list('shop_a', 'a:1');
      expect(job!.status).toBe('done');
    });

    it('keeps one job for the same dedupe key', async () => {
      const s = make('p1');
      expect(await s.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'dup', runAt: clock, payload: { label: 'd' } })).toBe(true);
      expect(await s.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'dup', runAt: clock, payload: { label: 'd' } })).toBe(false);
      await s.tick();
      expect(fired.filter((f) => f === 'd')).toHaveLength(1);
    });

    it('survives a restart: a new scheduler on the same database fires what was pending', async () => {
      const before = make('old-process');
      await before.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'restart', runAt: clock + 1000, payload: { label: 'r' } });
      await before.stop();
      clock += 1000;
      const after = make('new-process');
      await after.tick();
      expect(fired.filter((f) => f === 'r')).toHaveLength(1);
    });

    it('fires each job exactly once when two processes tick at the same time', async () => {
      const a = make('proc-a');
      const b = make('proc-b');
      for (let i = 0; i < 20; i++) await a.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: `race:${i}`, runAt: clock, payload: { label: `race${i}` } });
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      for (let i = 0; i < 20; i++) expect(fired.filter((f) => f === `race${i}`), `race${i}`).toHaveLength(1);
      const effects = await storage.db.selectFrom('kv').select('key').where('key', 'like', 'fired:%').execute();
      expect(new Set(effects.map((e) => e.key.split(':')[1])).size).toBe(effects.length);
    });

    it('takes over a job whose process died holding the lease, after the lease', async () => {
      const s = make('survivor');
      await s.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'orphan', runAt: clock, payload: { label: 'o' } });
      await storage.db.updateTable('scheduled_jobs').set({ status: 'running', locked_by: 'dead', locked_until: clock + 1000 }).where('dedupe_key', '=', 'orphan').execute();
      expect(await s.tick()).toBe(0);
      clock += 1001;
      expect(await s.tick()).toBe(1);
      expect(fired.filter((f) => f === 'o')).toHaveLength(1);
    });

    it('retries a failing job with back-off and records the error, committing no effect', async () => {
      const failing = make('flaky', { fail: true });
      await failing.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'flaky', runAt: clock, payload: { label: 'f' } });
      await failing.tick();
      let [job] = await failing.list('shop_a', 'flaky');
      expect(job!.status).toBe('pending');
      expect(job!.last_error).toContain('provider down');
      expect(job!.run_at).toBeGreaterThan(clock);
      clock = job!.run_at;
      await make('healthy').tick();
      [job] = await failing.list('shop_a', 'flaky');
      expect(job!.status).toBe('done');
      expect(fired.filter((f) => f === 'f')).toHaveLength(1);
    });

    it('cancels pending jobs by prefix and lets a handler cancel itself', async () => {
      const s = make('p1');
      await s.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'urge:o1:1', runAt: clock + 10, payload: { label: 'u1' } });
      await s.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'urge:o1:2', runAt: clock + 20, payload: { label: 'u2' } });
      await s.schedule({ shopId: 'shop_b', kind: 'ping', dedupeKey: 'urge:o1:1', runAt: clock + 10, payload: { label: 'other-shop' } });
      await s.schedule({ shopId: 'shop_a', kind: 'ping', dedupeKey: 'urge:oX1:1', runAt: clock + 10, payload: { label: 'wildcard-lookalike' } });
      expect(await s.cancelByPrefix('shop_a', 'urge:o_1:', 'paid')).toBe(0);
      expect(await s.cancelByPrefix('shop_a', 'urge:o1:', 'paid')).toBe(2);
      await s.schedule({ shopId: 'shop_a', kind: 'maybe', dedupeKey: 'm', runAt: clock, payload: { skip: true } });
      clock += 100;
      await s.tick();
      expect(fired).not.toContain('u1');
      expect(fired).not.toContain('u2');
      expect(fired).toContain('other-shop');
      expect(fired).toContain('wildcard-lookalike');
      const [m] = await s.list('shop_a', 'm');
      expect(m!.status).toBe('cancelled');
    });
  });
}
