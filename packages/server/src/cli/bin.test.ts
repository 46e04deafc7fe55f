import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../../../bin/kefu');

describe('bin/kefu', () => {
  it('runs from any working directory, from the sources too (KEFU_DEV=1 finds tsx in the checkout, not in the cwd)', () => {
    const r = spawnSync(process.execPath, [bin, 'classify'], { cwd: tmpdir(), input: '能便宜点吗\n', encoding: 'utf8', env: { ...process.env, KEFU_DEV: '1' }, timeout: 60_000 });
    expect(r.stderr).not.toContain('Cannot find package');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim()).scenario).toBe('bargain');
  });
});
