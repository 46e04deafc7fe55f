import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchLoader } from './batch-loader.js';
import { createStorage, type Storage } from './create-db.js';

describe('SQLite driver', () => {
  let storage: Storage;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-drv-'));
    storage = await createStorage({ sqlitePath: join(dir, 'x.db') });
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs queries waiting behind a transaction in arrival order, after it commits', async () => {
    const db = storage.db;
    await sql`create table t (n integer)`.execute(db);
    const seen: string[] = [];
    const tx = db.transaction().execute(async (trx) => {
      await sql`insert into t values (1)`.execute(trx);
      await new Promise((r) => setTimeout(r, 20));
      await sql`insert into t values (2)`.execute(trx);
      seen.push('tx');
    });
    const reads = [0, 1, 2, 3].map((i) => sql<{ c: number }>`select count(*) as c from t`.execute(db).then((r) => seen.push(`r${i}:${r.rows[0]!.c}`)));
    await Promise.all([tx, ...reads]);
    expect(seen).toEqual(['tx', 'r0:2', 'r1:2', 'r2:2', 'r3:2']);
  });

  it('reuses statements, and a schema change is seen by a cached `select *`', async () => {
    const db = storage.db;
    await sql`create table s (a integer)`.execute(db);
    await sql`insert into s values (1)`.execute(db);
    expect((await sql`select * from s`.execute(db)).rows).toEqual([{ a: 1 }]);
    await sql`alter table s add column b text default 'x'`.execute(db);
    expect((await sql`select * from s`.execute(db)).rows).toEqual([{ a: 1, b: 'x' }]);
  });

  it('streams rows while other statements run on the same connection afterwards', async () => {
    const db = storage.db;
    const out: number[] = [];
    for await (const row of db.selectFrom('t' as never).select(sql<number>`n`.as('n')).stream()) out.push((row as { n: number }).n);
    expect(out).toEqual([1, 2]);
    expect((await sql<{ c: number }>`select count(*) as c from t`.execute(db)).rows[0]!.c).toBe(2);
  });
});

describe('BatchLoader', () => {
  it('answers the lookups of one turn with one load, duplicates included, missing keys as undefined', async () => {
    const calls: string[][] = [];
    const loader = new BatchLoader<string, number>(async (keys) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== 'none').map((k) => [k, k.length]));
    });
    const got = await Promise.all([loader.load('a'), loader.load('bb'), loader.load('a'), loader.load('none')]);
    expect(got).toEqual([1, 2, 1, undefined]);
    expect(calls).toEqual([['a', 'bb', 'none']]);
    await loader.load('ccc');
    expect(calls).toHaveLength(2);
  });

  it('splits big turns into batches and rejects only the batch whose load failed', async () => {
    const loader = new BatchLoader<number, number>(async (keys) => {
      if (keys.includes(3)) throw new Error('boom');
      return new Map(keys.map((k) => [k, k * 10]));
    }, 2);
    const got = await Promise.allSettled([1, 2, 3, 4].map((k) => loader.load(k)));
    expect(got.map((g) => g.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });
});
