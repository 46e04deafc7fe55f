import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { nameOf, threadIds, threadNiceReadable } from '../test/threads.js';
import { startCheckpointer } from './checkpointer.js';
import { createStorage, type Storage } from './create-db.js';

describe('background WAL checkpoints (SQLite, worker thread)', () => {
  let dir: string;
  let storage: Storage;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-checkpoint-'));
    storage = await createStorage({ sqlitePath: join(dir, 'kefu.db'), backgroundCheckpoints: true });
    await storage.migrate();
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const autocheckpoint = async () => Number((await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(storage.db)).rows[0]!.wal_autocheckpoint);

  it('raises the main connection’s automatic checkpoint to a backstop, and the worker copies the log back without blocking writes', async () => {
    expect(storage.checkpointer).toBeTruthy();
    expect(await autocheckpoint()).toBe(100_000);
    const orgs = Array.from({ length: 2000 }, (_, i) => ({ id: `org_ckpt${i}`, name: `检查点${i}`.repeat(20), created_at: i }));
    for (let i = 0; i < orgs.length; i += 200) await storage.db.insertInto('organizations').values(orgs.slice(i, i + 200)).execute();
    const before = statSync(join(dir, 'kefu.db')).size;
    const seen: Array<{ log: number; endedAt: number }> = [];
    storage.checkpointer!.onRun((res, endedAt) => seen.push({ log: res.log, endedAt }));
    const r = await storage.checkpointer!.checkpoint();
    expect(seen).toEqual([{ log: r.log, endedAt: expect.any(Number) }]); // the observer hears each run (bench timelines)
    storage.checkpointer!.onRun(null);
    expect(r.busy).toBe(0);
    // Its thread is named for `top -H` (the worker has run, so it named itself).
    if (threadNiceReadable) expect(threadIds().map(nameOf)).toContain('kefu-wal');
    expect(r.log).toBeGreaterThan(0);
    expect(r.checkpointed).toBe(r.log); // nobody was reading: every frame copied back
    expect(statSync(join(dir, 'kefu.db')).size).toBeGreaterThan(before);
    // The next write starts the log over instead of growing it.
    const walBefore = statSync(join(dir, 'kefu.db-wal')).size;
    await storage.db.insertInto('organizations').values({ id: 'org_ckpt_after', name: '之后', created_at: 1 }).execute();
    expect(statSync(join(dir, 'kefu.db-wal')).size).toBe(walBefore);
    const again = await storage.checkpointer!.checkpoint();
    expect(again.log).toBeLessThan(r.log);
    expect(storage.checkpointer!.stats.runs).toBe(2);
    expect(await storage.db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'like', 'org_ckpt%').executeTakeFirstOrThrow()).toEqual({ n: 2001 });
  });

  it('a database opened without it keeps SQLite’s own checkpoints in the commit', async () => {
    const other = await createStorage({ sqlitePath: join(dir, 'plain.db') });
    try {
      expect(other.checkpointer).toBeNull();
      expect(Number((await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(other.db)).rows[0]!.wal_autocheckpoint)).toBe(10_000);
    } finally {
      await other.close();
    }
  });

  it('checkpoints by itself once the log passes the threshold; a closed one refuses work', async () => {
    const path = join(dir, 'timer.db');
    const raw = new SQLite(path);
    raw.pragma('journal_mode = WAL');
    raw.exec('create table t (x text)');
    const cp = startCheckpointer(raw, path, { thresholdBytes: 64 * 1024, intervalMs: 10 });
    try {
      const insert = raw.prepare('insert into t values (?)');
      for (let i = 0; i < 500; i++) insert.run('数据'.repeat(100));
      for (let i = 0; i < 200 && cp.stats.runs === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(cp.stats.runs).toBeGreaterThan(0);
      expect(cp.stats.failures).toBe(0);
    } finally {
      await cp.close();
    }
    // A closed checkpointer refuses work; the connection itself stays usable.
    await expect(cp.checkpoint()).rejects.toThrow('closed');
    expect(raw.pragma('wal_autocheckpoint', { simple: true })).toBe(100_000);
    raw.close();
  });

  it('keeps the log bounded under a steady stream of commits (the log starts over even though writes never pause)', async () => {
    const path = join(dir, 'steady.db');
    const raw = new SQLite(path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec('create table t (x text)');
    const cp = startCheckpointer(raw, path, { thresholdBytes: 256 * 1024, intervalMs: 20, finish: () => raw.pragma('wal_checkpoint(PASSIVE)') });
    const logs: number[] = [];
    cp.onRun((r) => logs.push(r.log));
    const insert = raw.prepare('insert into t values (?)');
    const commit = raw.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(`消息${i}`.repeat(60));
    });
    let biggest = 0;
    try {
      // ~1,000 commits of ~3 pages, one every millisecond or so, like the message writer's batches: ~12 MiB of log
      // if it never started over.
      for (let k = 0; k < 1000; k++) {
        commit(20);
        biggest = Math.max(biggest, statSync(`${path}-wal`).size);
        await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      await cp.close();
    }
    expect(cp.stats.failures).toBe(0);
    expect(logs.length).toBeGreaterThan(2);
    // Started over: some checkpoint found a shorter log than the one before it.
    expect(logs.some((n, i) => i > 0 && n < logs[i - 1]!)).toBe(true);
    expect(biggest).toBeLessThan(4 * 1024 * 1024);
    expect(raw.prepare('select count(*) as n from t').get()).toEqual({ n: 20_000 });
    raw.close();
  });
});
