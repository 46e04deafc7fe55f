import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** URL of tsx's ESM register API (`tsx/esm/api` under the `import` condition), found from `from`. */
function tsxEsmApi(from: string): string {
  const pkgPath = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}

/**
 * Starts the worker module `name` (no extension) that sits next to the caller (`from`: its `import.meta.url`): from the
 * TypeScript sources when the caller runs from them (tests, dev: tsx registered in the worker first, since a worker's
 * own `--import` does not apply to its entry on Node 20), else the built JavaScript. A `--cpu-prof` of this process is
 * passed on, so profiling the server profiles its workers too.
 */
export function spawnWorker(from: string, name: string, workerData?: unknown): Worker {
  if (from.endsWith('.ts')) {
    const entry = new URL(`./${name}.ts`, from).href;
    const boot = `import(${JSON.stringify(tsxEsmApi(from))}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))`;
    const prof = process.execArgv.filter((a) => a === '--cpu-prof' || a.startsWith('--cpu-prof-dir='));
    return new Worker(boot, { eval: true, execArgv: ['--conditions=source', ...prof], workerData });
  }
  return new Worker(new URL(`./${name}.js`, from), { workerData });
}
