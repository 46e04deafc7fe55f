import { fstatSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteCommitSync } from './commit-sync.js';
import { createStorage, type Storage } from './create-db.js';

describe('commit sync (SQLite WAL: commit unsynced, fdatasync off the event loop)', () => {
  let dir: string;
  let storage: Storage;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-commit-sync-'));
    storage = await createStorage({ sqlitePath: join(dir, 'kefu.db') });
    await storage.migrate();
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const level = async () => Number((await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(storage.db)).rows[0]!.synchronous);

  it('commits inside with synchronous = NORMAL and restores FULL after, even when the transaction fails', async () => {
    let inside = -1;
    await storage.commits.transaction(async (trx) => {
      inside = Number((await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(trx)).rows[0]!.synchronous);
      await trx.insertInto('organizations').values({ id: 'org_cs1', name: '同步测试', created_at: 1 }).execute();
    });
    expect(inside).toBe(1);
    expect(await level()).toBe(2);
    await expect(
      storage.commits.transaction(async (trx) => {
        await trx.insertInto('organizations').values({ id: 'org_cs2', name: '回滚', created_at: 1 }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await level()).toBe(2);
    const ids = (await storage.db.selectFrom('organizations').select('id').where('id', 'like', 'org_cs%').execute()).map((r) => r.id);
    expect(ids).toEqual(['org_cs1']);
    await storage.commits.durable();
  });

  it('groups syncs: callers during a running sync share the next one, which starts after it', async () => {
    const calls: Array<(err: NodeJS.ErrnoException | null) => void> = [];
    const commits = sqliteCommitSync(storage.db, join(dir, 'kefu.db-wal'), 2, (_fd, cb) => calls.push(cb));
    const settled: string[] = [];
    const first = commits.durable().then(() => settled.push('first'));
    expect(calls).toHaveLength(1); // the sync starts at once (one trip through the thread pool, not two)
    const later = Array.from({ length: 10 }, (_, i) => commits.durable().then(() => settled.push(`later${i}`)));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1); // nothing new starts while one runs
    calls[0]!(null);
    await first;
    await new Promise((r) => setTimeout(r, 20));
    // The first sync may have started before the later commits: they are not settled by it.
    expect(settled).toEqual(['first']);
    expect(calls).toHaveLength(2);
    calls[1]!(null);
    await Promise.all(later);
    expect(settled).toHaveLength(11);
    commits.close();
  });

  it('syncs the log file that is there now: a log removed and made anew is reopened', async () => {
    const other = mkdtempSync(join(tmpdir(), 'kefu-commit-sync-relink-'));
    const log = join(other, 'x.db-wal');
    writeFileSync(log, 'old');
    const synced: number[] = [];
    const commits = sqliteCommitSync(storage.db, log, 2, (fd, cb) => (synced.push(fstatSync(fd).ino), cb(null)));
    await commits.durable();
    const before = statSync(log).ino;
    unlinkSync(log); // the writer's open handle keeps the old inode alive, so the new log is another file
    writeFileSync(log, 'new');
    const after = statSync(log).ino;
    await commits.durable();
    expect(synced).toEqual([before, after]);
    expect(after).not.toBe(before);
    commits.close();
    rmSync(other, { recursive: true, force: true });
  });

  it('rejects when the disk sync fails', async () => {
    const commits = sqliteCommitSync(storage.db, join(dir, 'kefu.db-wal'), 2, (_fd, cb) => cb(Object.assign(new Error('EIO'), { code: 'EIO' })));
    await expect(commits.durable()).rejects.toThrow('EIO');
    commits.close();
  });
});
