import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../storage/create-db.js';
import { runCli } from '../main.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

function io(cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  return { io: { stdin: new PassThrough(), stdout, stderr, cwd, env: {} }, out: () => out, err: () => err };
}

describe('kefu import orders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-import-'));
  const db = join(dir, 'kefu.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the good rows, reports broken lines as file:line: reason, and exits 1', async () => {
    const storage = await createStorage({ sqlitePath: db });
    await storage.migrate();
    await storage.db.insertInto('organizations').values({ id: 'org_1', name: 'o', created_at: 1 }).execute();
    await storage.db
      .insertInto('shops')
      .values({ id: 'shop_1', org_id: 'org_1', name: '丽人衣坊', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: 'pk_1', settings: '{}', created_at: 1 })
      .execute();
    await storage.close();

    const t = io(fixtures);
    const code = await runCli(['import', 'orders', '--shop', '丽人衣坊', '--file', 'ExportOrderList-utf8.csv', '--db', db, '--json'], t.io);
    expect(code).toBe(1);
    const summary = JSON.parse(t.out());
    expect(summary.imported).toBeGreaterThanOrEqual(4);
    expect(t.err()).toMatch(/^ExportOrderList-utf8\.csv:\d+: .+$/m);
    expect(t.err()).toContain('订单创建时间看不懂：昨天下午');

    const again = io(fixtures);
    await runCli(['import', 'orders', '--shop', 'shop_1', '--file', 'ExportOrderList-utf8.csv', '--db', db, '--json'], again.io);
    const second = JSON.parse(again.out());
    expect(second.imported).toBe(0);
    expect(second.unchanged).toBe(summary.imported);
  });

  it('usage errors exit 2; an unknown shop exits 1', async () => {
    expect(await runCli(['import', 'orders', '--file', 'x.csv'], io(fixtures).io)).toBe(2);
    expect(await runCli(['import', 'buyers', '--shop', 's', '--file', 'x'], io(fixtures).io)).toBe(2);
    const t = io(fixtures);
    expect(await runCli(['import', 'orders', '--shop', 'nope', '--file', 'ExportOrderList-utf8.csv', '--db', db], t.io)).toBe(1);
    expect(t.err()).toContain('找不到店铺');
  });
});
