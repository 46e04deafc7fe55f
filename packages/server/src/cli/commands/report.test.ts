import { PassThrough } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../types.js';
import { command, parseBusinessHours } from './report.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const io: CliIo = { stdin: new PassThrough(), stdout, stderr, cwd: fixtures, env: {} };
  const code = await command.run(args, io);
  return { code, out, err };
}

const UTF8 = ['--orders', 'ExportOrderList-utf8.csv', '--chats', 'chats.jsonl'];
const GBK = ['--orders', 'ExportOrderList-gbk.csv', '--chats', 'chats.jsonl'];

describe('kefu report', () => {
  it('--json gives the contract object; bad lines go to stderr as file:line and the exit code is 1', async () => {
    const { code, out, err } = await run([...UTF8, '--json']);
    expect(code).toBe(1);
    const j = JSON.parse(out) as Record<string, unknown>;
    expect(j).toMatchObject({
      period: { from: '2013-09-01', to: '2013-09-03', tz: 'Asia/Shanghai' },
      inquirers: 4,
      orderers: 4,
      payers: 3,
      inquiryConversion: 1,
      paymentConversion: 0.75,
      inquiryToPayment: 0.75,
      replyRate: 0.75,
      firstResponseSec: 18.7,
      firstHumanResponseSec: 25.3,
      avgResponseSec: 30.2,
      unansweredTurns: 1,
      revenue: 187.5,
      payingCustomers: 2,
      paidOrders: 2,
      perCustomerValue: 93.75,
      perOrderValue: 93.75,
      refundRate: 0.5,
      silentBuyers: 1,
    });
    expect(j.byAgent).toEqual([
      expect.objectContaining({ agent: '小美', inquirers: 2, payers: 2, revenue: 187.5, avgResponseSec: 27.8 }),
      expect.objectContaining({ agent: '阿强', inquirers: 1, payers: 0, revenue: 0, avgResponseSec: 40 }),
    ]);
    const lines = err.trim().split('\n');
    expect(lines[0]).toMatch(/^ExportOrderList-utf8\.csv:5: 引号/);
    expect(lines[1]).toBe('ExportOrderList-utf8.csv:7: 订单创建时间看不懂：昨天下午');
    expect(err).toContain('共跳过 2 条');
  });

  it('reads the GBK export and exits 0 when every line is good', async () => {
    const { code, out, err } = await run([...GBK, '--json', '--from', '2013-09-01', '--to', '2013-09-30']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const j = JSON.parse(out) as { revenue: number; paidOrders: number; shop: { revenue: number }; period: unknown; silentBuyers: number };
    expect(j.period).toEqual({ from: '2013-09-01', to: '2013-09-30', tz: 'Asia/Shanghai' });
    expect(j.revenue).toBe(59);
    expect(j.paidOrders).toBe(1);
    expect(j.shop.revenue).toBe(158.8);
    expect(j.silentBuyers).toBe(1);
  });

  it('prints an aligned Chinese table with % rates, 2-decimal money and second/minute times', async () => {
    const { out } = await run(UTF8);
    expect(out).toContain('询单人数');
    expect(out).toMatch(/咨询转化率 +100\.0%/);
    expect(out).toMatch(/付款转化率 +75\.0%/);
    expect(out).toMatch(/客单价 +93\.75/);
    expect(out).toMatch(/平均响应时间 +30\.2秒/);
    expect(out).toMatch(/小美 +2 +2 +2 +100\.0% +187\.50/);
    expect(out).not.toContain('{');
  });

  it('honours --from/--to, --tz and --window-hours', async () => {
    const day2 = JSON.parse((await run([...UTF8, '--json', '--from', '2013-09-02', '--to', '2013-09-02'])).out) as Record<string, unknown>;
    expect(day2).toMatchObject({ inquirers: 0, inquiryConversion: null, revenue: 128.5, paidOrders: 1 });
    const narrow = JSON.parse((await run([...UTF8, '--json', '--window-hours', '1'])).out) as Record<string, unknown>;
    expect(narrow.orderers).toBe(3); // 青青草 ordered 62 h after asking
    const utc = JSON.parse((await run([...UTF8, '--json', '--tz', 'UTC'])).out) as { period: { from: string } };
    expect(utc.period.from).toBe('2013-09-01');
  });

  it('rejects bad flags with a UsageError', async () => {
    await expect(run(['--orders', 'ExportOrderList-utf8.csv'])).rejects.toThrow(UsageError);
    await expect(run(['--chats', 'chats.jsonl'])).rejects.toThrow(UsageError);
    await expect(run([...UTF8, '--from', '2013-9-1'])).rejects.toThrow(UsageError);
    await expect(run([...UTF8, '--tz', 'Mars/Base'])).rejects.toThrow(UsageError);
    await expect(run([...UTF8, '--window-hours', 'abc'])).rejects.toThrow(UsageError);
    await expect(run([...UTF8, '--from', '2013-09-05', '--to', '2013-09-01'])).rejects.toThrow(UsageError);
    await expect(run([...UTF8, '--bogus'])).rejects.toThrow(UsageError);
  });

  it('says which file it cannot read, exit 1', async () => {
    const { code, err } = await run(['--orders', 'nope.csv', '--chats', 'chats.jsonl']);
    expect(code).toBe(1);
    expect(err).toContain('nope.csv');
  });

  it('prints usage for --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out.startsWith('usage: kefu report --orders FILE --chats FILE')).toBe(true);
  });

  it('reads --business-hours', () => {
    expect(parseBusinessHours('09:00-23:00')).toEqual([{ days: [0, 1, 2, 3, 4, 5, 6], open: '09:00', close: '23:00' }]);
    expect(parseBusinessHours('1-5@09:00-18:00,6-0@10:00-16:00')).toEqual([
      { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' },
      { days: [6, 0], open: '10:00', close: '16:00' },
    ]);
    expect(() => parseBusinessHours('18:00-09:00')).toThrow(UsageError);
    expect(() => parseBusinessHours('每天')).toThrow(UsageError);
  });
});
