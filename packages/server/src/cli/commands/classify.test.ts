import { PassThrough } from 'node:stream';
import { SCENARIO_IDS } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../types.js';
import { command } from './classify.js';

interface Line {
  text: string;
  scenario: string;
  confidence: number;
  top: { scenario: string; score: number }[];
}

async function run(args: string[], input: string | Buffer): Promise<{ code: number; lines: Line[]; raw: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let raw = '';
  stdout.on('data', (d: Buffer) => (raw += d.toString('utf8')));
  const io: CliIo = { stdin, stdout, stderr, cwd: process.cwd(), env: {} };
  stdin.end(input);
  const code = await command.run(args, io);
  const lines = raw.startsWith('usage:')
    ? []
    : raw
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Line);
  return { code, lines, raw };
}

describe('kefu classify', () => {
  it('writes one contract JSON line per input line, in order', async () => {
    const { code, lines } = await run([], '能便宜点吗\n包邮吗\n我要投诉\n');
    expect(code).toBe(0);
    expect(lines.map((l) => l.scenario)).toEqual(['bargain', 'shipping_fee', 'complaint']);
    expect(Object.keys(lines[0]!)).toEqual(['text', 'scenario', 'confidence', 'top']);
    expect(lines[0]!.text).toBe('能便宜点吗');
    expect(lines[0]!.top).toHaveLength(3);
    expect(lines[0]!.top[0]).toEqual({ scenario: 'bargain', score: lines[0]!.confidence });
  });

  it('gives other for an empty line and keeps the line count', async () => {
    const { lines } = await run([], '在吗\n\n谢谢\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatchObject({ text: '', scenario: 'other', confidence: 0 });
  });

  it('honours --top N and --top=N', async () => {
    expect((await run(['--top', '5'], '能便宜点吗\n')).lines[0]!.top).toHaveLength(5);
    expect((await run(['--top=1'], '能便宜点吗\n')).lines[0]!.top).toHaveLength(1);
  });

  it('rejects bad flags with UsageError', async () => {
    await expect(run(['--top', '0'], '')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--top', 'abc'], '')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--top', String(SCENARIO_IDS.length + 1)], '')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--top'], '')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--nope'], '')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['extra'], '')).rejects.toBeInstanceOf(UsageError);
  });

  it('prints usage for --help', async () => {
    const { code, raw } = await run(['--help'], '');
    expect(code).toBe(0);
    expect(raw).toMatch(/^usage: kefu classify/);
  });

  it('survives 10 KB lines, binary garbage and mixed scripts with a valid line each', async () => {
    const long = '这个能便宜点吗'.repeat(1500);
    const garbage = Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 37 + 11) % 256).filter((b) => b !== 10 && b !== 13));
    const input = Buffer.concat([
      Buffer.from(long + '\n'),
      garbage,
      Buffer.from('\nHola ¿envío gratis? Спасибо 🙏 新疆包邮吗 مرحبا\n\u0000\u0001\n   \n'),
    ]);
    const { code, lines } = await run([], input);
    expect(code).toBe(0);
    expect(lines).toHaveLength(5);
    for (const l of lines) {
      expect(SCENARIO_IDS).toContain(l.scenario);
      expect(l.confidence).toBeGreaterThanOrEqual(0);
      expect(l.confidence).toBeLessThanOrEqual(1);
    }
    expect(lines[0]!.text).toBe(long);
    expect(lines[0]!.scenario).toBe('bargain');
    expect(lines[3]!.scenario).toBe('other');
    expect(lines[4]!.scenario).toBe('other');
  });
});
