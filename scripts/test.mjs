#!/usr/bin/env node
// `npm test`: makes sure what the tests need is there (PostgreSQL, Redis, Debian's Chromium, a built
// web app), runs the unit, PostgreSQL and browser suites, and ends with one line summing them all:
// `N passed, N failed[, N skipped]`. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, '.tmp', 'test-results');
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = (only.length ? only : ['unit', 'pg', 'e2e']).filter((s) => s !== 'static');

function sh(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}
function log(msg) {
  process.stdout.write(`[test] ${msg}\n`);
}

function ensurePostgres() {
  const ready = () => sh('pg_isready', ['-h', '127.0.0.1', '-p', '5432']).status === 0;
  if (ready()) return true;
  log('PostgreSQL is not answering on 127.0.0.1:5432; starting it');
  try {
    for (const v of readdirSync('/etc/postgresql')) sh('pg_ctlcluster', ['--skip-systemctl-redirect', v, 'main', 'start'], { stdio: 'inherit' });
  } catch {
    /* no cluster installed */
  }
  for (let i = 0; i < 30 && !ready(); i++) sh('sleep', ['1']);
  return ready();
}

function ensureRedis() {
  const ok = () => sh('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping']).stdout?.includes('PONG');
  if (ok()) return true;
  log('Redis is not answering on 127.0.0.1:6379; starting it');
  sh('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
  for (let i = 0; i < 20 && !ok(); i++) sh('sleep', ['0.5']);
  return ok();
}

function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return true;
  log('installing Debian chromium for the browser tests (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], { stdio: 'inherit', env });
  return existsSync('/usr/bin/chromium');
}

function ensureBuilt() {
  if (existsSync(join(root, 'packages/web/dist/index.html')) && existsSync(join(root, 'packages/server/dist/cli/main.js'))) return;
  log('building the app (scripts/build.mjs)');
  const res = sh(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
if (suites.includes('pg') && !ensurePostgres()) log('WARNING: PostgreSQL could not be started; the pg suite will fail');
ensureRedis();
if (suites.includes('e2e')) {
  if (!ensureChromium()) log('WARNING: chromium could not be installed; the browser suite will fail');
  ensureBuilt();
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let anyError = false;

// Static checks count as one test each: the whole tree typechecks and lints clean.
if (!only.length || only.includes('static')) {
  for (const [label, cmd, args] of [
    ['typecheck (tsc --noEmit)', join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--noEmit']],
    ['lint (eslint)', join(root, 'node_modules/.bin/eslint'), ['.']],
  ]) {
    log(label);
    const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
    if (res.status === 0) totals.passed++;
    else {
      totals.failed++;
      anyError = true;
      log(`${label} FAILED`);
    }
  }
}
for (const suite of suites) {
  const file = join(outDir, `${suite}.json`);
  log(`suite ${suite}`);
  const res = spawnSync(
    join(root, 'node_modules/.bin/vitest'),
    ['run', '--project', suite, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`],
    { cwd: root, stdio: 'inherit', env: { ...process.env, KEFU_TEST_SUITE: suite } },
  );
  let counted = false;
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += r.numPassedTests ?? 0;
    totals.failed += r.numFailedTests ?? 0;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A file that failed to load has no tests but is a failure.
    const brokenFiles = (r.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
    totals.failed += brokenFiles;
    counted = true;
    log(`suite ${suite}: ${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles} failed`);
  }
  if (res.status !== 0) {
    anyError = true;
    if (!counted) totals.failed += 1;
  }
}
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
process.exit(anyError || totals.failed > 0 ? 1 : 0);
