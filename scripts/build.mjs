#!/usr/bin/env node
// Builds everything `bin/kefu` and `npm start` need: the TypeScript packages (tsc -b) and the
// web app and widget bundles (vite). Runs on `npm install` (prepare) so a fresh clone needs no other step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const force = process.argv.includes('--force');

function run(label, cmd, args, cwd = root) {
  const t0 = Date.now();
  process.stdout.write(`kefu build: ${label} …\n`);
  const res = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (res.status !== 0) {
    process.stderr.write(`kefu build: ${label} failed (exit ${res.status})\n`);
    process.exit(res.status ?? 1);
  }
  process.stdout.write(`kefu build: ${label} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

if (!existsSync(bin('tsc'))) {
  // `npm install --omit=dev` or a partial install: nothing to build with.
  process.stderr.write('kefu build: typescript is not installed; skipping build\n');
  process.exit(0);
}

run('server packages (tsc -b)', bin('tsc'), ['-b', 'tsconfig.build.json', ...(force ? ['--force'] : [])]);
for (const pkg of ['widget', 'web']) {
  const dir = join(root, 'packages', pkg);
  if (existsSync(join(dir, 'vite.config.ts'))) run(`${pkg} (vite build)`, bin('vite'), ['build', '--logLevel', 'warn'], dir);
}
