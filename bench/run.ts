// `npm run bench [-- --quick] [names…]`: runs every benchmark in bench/ (each exports `bench`),
// writes bench/results/<name>.json and prints one table of all metrics.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeResult, type Bench, type BenchResult } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['lib.ts', 'run.ts'].includes(f) && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .sort();

const results: BenchResult[] = [];
let failures = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { bench?: Bench };
  if (!mod.bench) continue;
  if (names.length && !names.includes(mod.bench.name)) continue;
  process.stdout.write(`▶ ${mod.bench.name}${quick ? ' (quick)' : ''} …\n`);
  const t0 = Date.now();
  try {
    const res = await mod.bench.run({ quick });
    const file = writeResult(res);
    results.push(res);
    process.stdout.write(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${file}\n`);
  } catch (err) {
    failures++;
    process.stdout.write(`  FAILED: ${(err as Error).stack ?? err}\n`);
  }
}

const rows = results.flatMap((r) =>
  r.metrics.map((m) => [r.name, m.id, `${m.value} ${m.unit}`, `${m.baselineValue} (${m.baseline})`, String(m.ratio), m.target, m.pass ? 'pass' : 'FAIL']),
);
const head = ['bench', 'metric', 'value', 'baseline', 'ratio', 'target', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
process.stdout.write('\n' + line(head) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
for (const r of rows) process.stdout.write(line(r) + '\n');
const failed = rows.filter((r) => r[6] === 'FAIL').length;
process.stdout.write(`\n${rows.length} metrics, ${failed} below target${failures ? `, ${failures} benchmarks crashed` : ''}\n`);
process.exit(failures ? 1 : 0);
