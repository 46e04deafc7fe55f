import { makeZone, parseDay } from '@kefu/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../storage/create-db.js';
import type { Database } from '../../storage/schema.js';
import { testStorage } from '../../test/harness.js';
import { generateBuyers, type GenChunk } from './generate.js';
import { backgroundShare, RollupWriter } from './rollup.writer.js';

/** How the live writer schedules refreshes: coalescing, its share of the event loop, flush, fairness between shops. */
describe('RollupWriter scheduling', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let db: Kysely<Database>;
  const zone = makeZone('Asia/Shanghai');
  const start = zone.dayStartUtc(parseDay('2026-05-04')!);
  const big: GenChunk = generateBuyers({ shopId: 'shop_a', start, days: 3, agents: ['agt_a'], seed: 3 }, 0, 120);
  const small: GenChunk = generateBuyers({ shopId: 'shop_b', start, days: 3, agents: ['agt_b'], seed: 4 }, 1_000, 1);
  const tick = () => new Promise((r) => setImmediate(r));
  const buyerDays = async (shopId: string) =>
    Number((await db.selectFrom('kpi_buyer_days').select((e) => e.fn.countAll().as('n')).where('shop_id', '=', shopId).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    ({ storage, cleanup } = await testStorage('sqlite'));
    db = storage.db;
    await db.insertInto('organizations').values({ id: 'org_w', name: '测试', created_at: 1 }).execute();
    for (const id of ['shop_a', 'shop_b'])
      await db
        .insertInto('shops')
        .values({ id, org_id: 'org_w', name: id, platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: `pk_${id}`, settings: '{}', created_at: 1 })
        .execute();
    for (const c of [big, small])
      for (const table of ['buyers', 'conversations', 'messages', 'orders'] as const) {
        const rows = c[table] as readonly object[];
        for (let i = 0; i < rows.length; i += 40) await db.insertInto(table).values(rows.slice(i, i + 40) as never).execute();
      }
  }, 60_000);
  afterAll(async () => cleanup?.());

  it('a buyer marked many times before its refresh is recomputed once', async () => {
    const w = new RollupWriter(db, { delayMs: 60_000 });
    for (let i = 0; i < 50; i++) w.mark('shop_a', big.buyers[0]!.id);
    w.mark('shop_a', big.buyers[1]!.id);
    expect(w.backlog).toBe(2);
    await w.flush();
    expect(w.refreshed).toBe(2);
    expect(w.backlog).toBe(0);
    await w.close();
  });

  it('in the background it pauses between chunks (its share of the event loop); flush does not wait for the pause', async () => {
    // 1 % share: after a chunk of T ms the next waits 99 T, so the backlog stays put while the test looks.
    const w = new RollupWriter(db, { delayMs: 1, maxShare: 0.01 });
    for (const b of big.buyers) w.mark('shop_a', b.id);
    while (w.chunks === 0) await tick();
    const after1 = w.backlog;
    expect(after1).toBeGreaterThan(0);
    expect(after1).toBeLessThan(big.buyers.length);
    for (let i = 0; i < 20; i++) await tick();
    expect(w.backlog).toBe(after1);
    expect(w.chunks).toBe(1);
    await w.flush();
    expect(w.backlog).toBe(0);
    expect(w.refreshed).toBe(big.buyers.length);
    expect(await buyerDays('shop_a')).toBeGreaterThan(0);
    await w.close();
  });

  it('yields to a busy event loop: the share shrinks with the load other work put on the loop during the last pause', async () => {
    expect(backgroundShare(0.1, 0)).toBe(0.1);
    expect(backgroundShare(0.1, 0.5)).toBe(0.1);
    expect(backgroundShare(0.1, 0.7)).toBeCloseTo(0.0625, 6);
    expect(backgroundShare(0.1, 0.9)).toBeCloseTo(0.025, 6);
    expect(backgroundShare(0.1, 1)).toBeCloseTo(0.025, 6);
    // The writer feeds it what the loop did while it paused: idle, then 95 % busy, then idle again. Each pause's share
    // is noted as the pause starts (it asks for its load measure then), so none is missed however fast chunks go.
    const loads = [0.95, 0.1];
    let pauses = 0;
    const shares: number[] = [];
    const w: RollupWriter = new RollupWriter(db, {
      delayMs: 1,
      maxShare: 0.5,
      loopBusy: () => {
        shares.push(w.lastShare);
        return () => loads[pauses++] ?? 0;
      },
    });
    for (const b of big.buyers) w.mark('shop_a', b.id);
    while (shares.length < 3 && w.backlog > 0) {
      await tick();
      // Keep a backlog: the last chunk has no pause after it (on a fast machine three chunks took all 120 buyers).
      for (const b of big.buyers) w.mark('shop_a', b.id);
    }
    expect(shares.slice(0, 3)).toEqual([0.5, backgroundShare(0.5, 0.95), 0.5]);
    await w.close();
  });

  it('flush resolves when every buyer marked before it is refreshed, with marks still arriving', async () => {
    const w = new RollupWriter(db, { delayMs: 60_000 });
    for (const b of big.buyers.slice(0, 60)) w.mark('shop_a', b.id);
    const flushed = w.flush();
    // Marks after the call: the flush does not wait for them (it may or may not take them along).
    for (const b of big.buyers.slice(60)) w.mark('shop_a', b.id);
    await flushed;
    expect(w.refreshed).toBeGreaterThanOrEqual(60);
    await w.close();
    expect(w.backlog).toBe(0);
    expect(w.refreshed).toBe(big.buyers.length);
  });

  it('shops take turns: a shop with one dirty buyer is not held back by another shop with many', async () => {
    await db.deleteFrom('kpi_buyer_days').where('shop_id', '=', 'shop_b').execute();
    await db.deleteFrom('kpi_buyer_stamps').where('shop_id', '=', 'shop_b').execute();
    const w = new RollupWriter(db, { delayMs: 1, maxShare: 0.01, cacheBuyers: 0 });
    for (const b of big.buyers) w.mark('shop_a', b.id);
    w.mark('shop_b', small.buyers[0]!.id);
    while (w.chunks < 2) await tick();
    // Two chunks in: shop_a's first and shop_b's only one, though most of shop_a is still waiting.
    expect(w.backlog).toBeGreaterThan(0);
    expect(await buyerDays('shop_b')).toBeGreaterThan(0);
    await w.close();
  });

  it('a backlog of maxBatch buyers starts at once, without the delay', async () => {
    const w = new RollupWriter(db, { delayMs: 60_000, maxBatch: 10 });
    for (const b of big.buyers.slice(0, 10)) w.mark('shop_a', b.id);
    while (w.chunks === 0) await tick();
    expect(w.refreshed).toBeGreaterThan(0);
    await w.close();
  });
});
