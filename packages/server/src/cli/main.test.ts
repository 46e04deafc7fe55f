import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMANDS, runCli } from './main.js';
import type { CliIo } from './types.js';

function io(): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c) => (o += c));
  stderr.on('data', (c) => (e += c));
  return { stdin: new PassThrough(), stdout, stderr, cwd: process.cwd(), env: {}, out: () => o, err: () => e };
}

describe('kefu CLI', () => {
  it('--help lists every command with its summary', async () => {
    const t = io();
    expect(await runCli(['--help'], t)).toBe(0);
    for (const c of COMMANDS) expect(t.out()).toContain(`  ${c.name}`);
    expect(t.out()).toMatch(/^usage: kefu <command>/);
  });

  it('exits 2 with a usage line for an unknown command', async () => {
    const t = io();
    expect(await runCli(['fly'], t)).toBe(2);
    expect(t.err()).toMatch(/unknown command 'fly'\nusage: kefu/);
  });

  it('exits 2 with the usage line for a bad flag', async () => {
    const t = io();
    expect(await runCli(['serve', '--colour', 'red'], t)).toBe(2);
    expect(t.err()).toContain('unknown flag --colour');
    expect(t.err()).toContain('usage: kefu serve');
  });

  it('exits 2 for a flag missing its value or out of range', async () => {
    const a = io();
    expect(await runCli(['serve', '--port'], a)).toBe(2);
    expect(a.err()).toContain('--port needs a value');
    const b = io();
    expect(await runCli(['serve', '--port', '99999'], b)).toBe(2);
    expect(b.err()).toContain('--port must be a whole number');
  });

  it('each command answers --help with its usage', async () => {
    for (const c of COMMANDS) {
      const t = io();
      expect(await runCli([c.name, '--help'], t), c.name).toBe(0);
      expect(t.out()).toContain(`usage: kefu ${c.name}`);
    }
  });

  it('prints the help and exits 2 with no command at all', async () => {
    const t = io();
    expect(await runCli([], t)).toBe(2);
    expect(t.out()).toContain('commands:');
  });
});
