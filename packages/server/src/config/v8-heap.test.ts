import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEAP_FLAGS, tuneHeap } from './v8-heap.js';

const dir = mkdtempSync(join(tmpdir(), 'kefu-v8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * In a fresh process (flags are process-wide, and V8 decides per allocation site): one site whose objects all survive,
 * then where its next objects are made — in the old generation when V8 pretenured the site, young otherwise. Plain
 * JavaScript from a file, set up as `tuneHeap` does (the flags at run time, not on the command line): run under the
 * TypeScript loader or from `-e`, V8 did not pretenure the site even by default, and the test would prove nothing.
 */
function whereNewObjectsGo(flags: readonly string[]): { young: number; old: number } {
  const file = join(dir, `site-${flags.length}.mjs`);
  writeFileSync(
    file,
    `import v8 from 'node:v8';
    for (const f of ${JSON.stringify(flags)}) v8.setFlagsFromString(f);
    const used = (n) => v8.getHeapSpaceStatistics().find((s) => s.space_name === n).space_used_size;
    const make = (i) => ({ a: i, b: i + 1, c: 'x', d: null });
    const keep = [];
    for (let i = 0; i < 2_000_000; i++) keep.push(make(i));
    const more = new Array(5000);
    const y0 = used('new_space'), o0 = used('old_space');
    for (let i = 0; i < 5000; i++) more[i] = make(i);
    const y1 = used('new_space'), o1 = used('old_space');
    console.log(JSON.stringify({ young: y1 - y0, old: o1 - o0, kept: keep.length + more.length }));
    `,
  );
  const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { young: number; old: number };
}

// 5,000 objects of four fields: ~160 KB wherever they go.
describe('server heap settings (tuneHeap)', () => {
  it('by default V8 makes the objects of a site whose objects all survive in the old generation (what the setting turns off)', () => {
    expect(whereNewObjectsGo([]).old).toBeGreaterThan(100_000);
  }, 30_000);

  it('set at run time, the flags take effect: the same objects are made young', () => {
    const r = whereNewObjectsGo(HEAP_FLAGS);
    expect(r.young).toBeGreaterThan(100_000);
    expect(r.old).toBeLessThan(20_000);
  }, 30_000);

  it('applies once per process and says so', () => {
    expect(tuneHeap()).toBe(true);
    expect(tuneHeap()).toBe(true);
  });
});
