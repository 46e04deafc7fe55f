import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { makeZone, parseDay } from '@kefu/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBuyers } from '../../modules/analytics/generate.js';
import { createStorage } from '../../storage/create-db.js';
import { UsageError, type CliIo } from '../types.js';
import { command } from './rollups.js';

const dir = mkdtempSync(join(tmpdir(), 'kefu-rollups-'));
const dbPath = join(dir, 'kefu.db');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const io: CliIo = { stdin: new PassThrough(), stdout, stderr, cwd: dir, env: {} };
  const code = await command.run(args, io);
  return { code, out, err };
}

describe('kefu rollups rebuild', () => {
  beforeAll(async () => {
    const s = await createStorage({ sqlitePath: dbPath });
    await s.migrate();
    await s.db.insertInto('organizations').values({ id: 'org1', name: '测试', created_at: 1 }).execute();
    for (const id of ['shop_a', 'shop_b']) {
      await s.db
        .insertInto('shops')
        .values({ id, org_id: 'org1', name: id === 'shop_a' ? '山野户外' : '小雅女装', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: `pk_${id}`, settings: '{}', created_at: 1 })
        .execute();
    }
    const c = generateBuyers({ shopId: 'shop_a', start: makeZone('Asia/Shanghai').dayStartUtc(parseDay('2026-05-01')!), days: 5, agents: ['a1'], seed: 3 }, 0, 30);
    await s.db.insertInto('buyers').values(c.buyers).execute();
    await s.db.insertInto('conversations').values(c.conversations).execute();
    for (let i = 0; i < c.messages.length; i += 50) await s.db.insertInto('messages').values(c.messages.slice(i, i + 50)).execute();
    if (c.orders.length) await s.db.insertInto('orders').values(c.orders).execute();
    await s.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds the named shop and reports what it read', async () => {
    const r = await run(['rebuild', '--shop', 'shop_a', '--db', dbPath]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^山野户外 \(shop_a\): 30 位买家、\d+ 条消息、\d+ 笔订单 → \d+ 行汇总/);
    expect(r.out).not.toContain('shop_b');
    const s = await createStorage({ sqlitePath: dbPath });
    const n = await s.db.selectFrom('kpi_buyer_days').select((eb) => eb.fn.countAll<number>().as('n')).where('shop_id', '=', 'shop_a').executeTakeFirstOrThrow();
    await s.close();
    expect(Number(n.n)).toBeGreaterThan(20);
  });

  it('rebuilds every shop without --shop', async () => {
    const r = await run(['rebuild', '--db', dbPath]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('fails on an unknown shop and on a bad action', async () => {
    const r = await run(['rebuild', '--shop=nope', '--db', dbPath]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('nope');
    await expect(run(['rebiuld', '--db', dbPath])).rejects.toThrow(UsageError);
    await expect(run(['rebuild', '--database-url', 'mysql://x'])).rejects.toThrow(UsageError);
  });
});
