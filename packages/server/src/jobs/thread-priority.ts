import { readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Nice value of the server's background threads — the assist worker and the rollup facts worker (docs/decisions/0004;
 * not the WAL checkpointer, whose rounds bound the log). Their work can wait a few milliseconds; the event loop's
 * cannot. At nice 10 a thread's CPU share against a nice-0 thread is about 1 to 9 when both want the core, and a thread
 * the event loop wakes (a batch posted to the assist worker) no longer preempts it. An idle core still runs them at
 * full speed.
 */
export const BACKGROUND_NICE = backgroundNice(process.env.KEFU_BACKGROUND_NICE);

/** `KEFU_BACKGROUND_NICE` (0–19; 0 leaves the threads as they are), else 10. */
export function backgroundNice(env: string | undefined): number {
  const n = Number(env);
  return env !== undefined && env.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= 19 ? n : 10;
}

/** The calling thread's kernel id (Linux), or null elsewhere. */
export function threadTid(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ', 1)[0]) || null;
  } catch {
    return null;
  }
}

/**
 * Gives the thread `tid` (a kernel thread id, as `threadTid` reads it) the nice value `nice`. On Linux nice is per
 * thread, so only that thread changes — never the process's main thread, which this refuses. Lowering a priority needs
 * no privilege. False where it did not happen (no tid: another system; refused).
 */
export function lowerThreadPriority(tid: number | null, nice = BACKGROUND_NICE): boolean {
  if (!tid || tid === process.pid || nice <= 0) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * Names the calling thread (Linux, at most 15 bytes), so `top -H -p <pid>` and `ps -L` tell the server's threads
 * apart: kefu-assist, kefu-train, kefu-rollup and kefu-wal; the event loop, libuv's pool and V8's helpers stay "node".
 * False where it did not happen (another system).
 */
export function nameThread(name: string): boolean {
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
    return true;
  } catch {
    return false;
  }
}
