import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../types.js';
import { command } from './lint.js';

interface Out {
  flags: Array<{ id: string; start: number; end: number; message: string; suggestion?: string }>;
  error?: string;
}

async function run(args: string[], input: string, cwd = process.cwd()): Promise<{ code: number; lines: Out[]; raw: string; err: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let raw = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (raw += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const io: CliIo = { stdin, stdout, stderr, cwd, env: {} };
  stdin.end(input);
  const code = await command.run(args, io);
  const lines = raw.startsWith('usage:') ? [] : raw.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Out);
  return { code, lines, raw, err };
}

const jl = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('kefu lint', () => {
  it('writes one {"flags":[…]} line per input line, in order, with contract keys', async () => {
    const { code, lines, err } = await run(
      ['--platform', 'jd'],
      jl({ buyer: '能便宜点吗', reply: '本店坚决不议价' }, { buyer: '有货吗', reply: '亲，有货的哦，今天下单今天发呢~' }, { buyer: '', reply: '亲，天猫也有店哦' }),
    );
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0]!)).toEqual(['flags']);
    const cold = lines[0]!.flags.find((f) => f.id === 'cold_tone');
    expect(cold).toMatchObject({ start: 0, end: 7 });
    expect(Object.keys(cold!)).toEqual(['id', 'start', 'end', 'message', 'suggestion']);
    expect(lines[1]!.flags).toEqual([]);
    expect(lines[2]!.flags.map((f) => f.id)).toEqual(['platform_forbidden']);
  });
  it('prints only contract flag ids', async () => {
    const ids = new Set(['too_short', 'not_warm', 'cold_tone', 'absolute_promise', 'ad_law_extreme', 'platform_forbidden', 'off_platform_contact']);
    const { lines } = await run(['--platform=taobao'], jl({ buyer: '能便宜吗？', reply: '直接给你底价，最低价，绝对正品，加微信13812345678，京东也有' }));
    expect(lines[0]!.flags.length).toBeGreaterThan(4);
    for (const f of lines[0]!.flags) expect(ids.has(f.id)).toBe(true);
  });
  it('keeps going past bad lines: error line on stdout, file:line on stderr, exit 1', async () => {
    const input = jl({ buyer: 'a', reply: '亲，好的哦' }) + 'not json\n' + jl({ buyer: 'x' }, [1, 2], { buyer: 'b', reply: '亲，好的呢' }) + '\n';
    const { code, lines, err } = await run(['--platform', 'pdd'], input);
    expect(code).toBe(1);
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => l.error === undefined)).toEqual([true, false, false, false, true, false]);
    expect(lines[1]).toEqual({ flags: [], error: expect.stringMatching(/^line 2: not valid JSON/) });
    expect(err).toContain('stdin:2: not valid JSON');
    expect(err).toContain('stdin:3: "reply" must be a string');
    expect(err).toContain('stdin:4: expected a JSON object');
    expect(err).toContain('stdin:6: empty line');
    expect(err).toContain('4 of 6 lines skipped');
    expect(err).not.toMatch(/at .*\.ts:\d+/);
  });
  it('accepts a line without "buyer"', async () => {
    const { code, lines } = await run(['--platform', 'web'], jl({ reply: '亲，好的哦' }));
    expect(code).toBe(0);
    expect(lines[0]!.flags).toEqual([]);
  });
  it('rejects a missing or unknown platform with a UsageError (exit 2)', async () => {
    await expect(run([], '')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--platform', 'amazon'], '')).rejects.toThrow(/taobao, tmall, jd, pdd, douyin, wechat, web/);
    await expect(run(['--platform', 'jd', 'extra'], '')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--platform'], '')).rejects.toBeInstanceOf(UsageError);
  });
  it('prints usage for --help', async () => {
    const { code, raw } = await run(['--help'], '');
    expect(code).toBe(0);
    expect(raw).toMatch(/^usage: kefu lint --platform P/);
  });
  it('applies a --rules override file, and reports a broken one as file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-lint-'));
    writeFileSync(join(dir, 'rules.json'), JSON.stringify({ add: { cold: [{ phrase: '自己想办法' }] }, disable: ['not_warm'] }));
    writeFileSync(join(dir, 'bad.json'), '{oops');
    writeFileSync(join(dir, 'shape.json'), JSON.stringify({ add: { cold: ['x'] }, disable: ['nope'] }));
    const ok = await run(['--platform', 'taobao', '--rules', 'rules.json'], jl({ buyer: '', reply: '自己想办法' }), dir);
    expect(ok.lines[0]!.flags.map((f) => f.id)).toEqual(['cold_tone']);
    const bad = await run(['--platform', 'taobao', '--rules', 'bad.json'], '', dir);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^bad\.json:1: rules file is not valid JSON/);
    const shape = await run(['--platform', 'taobao', '--rules', 'shape.json'], '', dir);
    expect(shape.code).toBe(1);
    expect(shape.err).toMatch(/^shape\.json:1: "add\.cold" must be a list of \{"phrase":"…"\} entries; "disable" must list flag ids/);
    const missing = await run(['--platform', 'taobao', '--rules', 'nope.json'], '', dir);
    expect(missing.err).toMatch(/^nope\.json:1: cannot read rules file \(ENOENT\)/);
  });
});
