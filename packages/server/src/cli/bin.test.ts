import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../../../bin/kefu');

/** `bin/kefu classify` run from another directory than the checkout. */
function classifyFromElsewhere(env: Record<string, string>): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, 'classify'], { cwd: tmpdir(), input: '能便宜点吗\n', encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('bin/kefu', () => {
  it('runs from any working directory, from the sources too (KEFU_DEV=1 finds tsx in the checkout, not in the cwd)', () => {
    const dev = classifyFromElsewhere({ KEFU_DEV: '1' });
    expect(dev.err).not.toContain('Cannot find package');
    expect(dev.status).toBe(0);
    expect(JSON.parse(dev.out.trim()).scenario).toBe('bargain');
  });
});
