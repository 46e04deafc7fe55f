#!/usr/bin/env node
// `npm run bench [-- --quick] [names…]`: brings the build up to date (what `npm start` runs; after `npm install` there is
// nothing to do) and runs bench/run.ts against it, so the figures are those of the code that ships.
// KEFU_BENCH_SOURCES=1 runs the packages' TypeScript sources through tsx instead, without building (bench/README.md §What runs).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const sources = process.env.KEFU_BENCH_SOURCES === '1';
if (!sources) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const run = spawnSync(
  process.execPath,
  [...(sources ? ['--conditions=source'] : []), '--import', import.meta.resolve('tsx'), join(root, 'bench/run.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
process.exit(run.status ?? 1);
