import { existsSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { niceOf } from '../test/threads.js';
import { backgroundNice, lowerThreadPriority, threadTid } from './thread-priority.js';

const linux = existsSync('/proc/thread-self/stat');

describe('background thread priority', () => {
  it('reads KEFU_BACKGROUND_NICE (0–19), else 10', () => {
    expect(backgroundNice(undefined)).toBe(10);
    expect(backgroundNice('')).toBe(10);
    expect(backgroundNice('5')).toBe(5);
    expect(backgroundNice('0')).toBe(0);
    for (const bad of ['-5', '20', '2.5', 'high']) expect(backgroundNice(bad)).toBe(10);
  });

  it('never touches the main thread, and does nothing without a thread id or at nice 0', () => {
    // Compared with its own value before, so that the suite may itself run under `nice`.
    const mainNice = linux ? niceOf(process.pid) : null;
    expect(lowerThreadPriority(null)).toBe(false);
    expect(lowerThreadPriority(process.pid)).toBe(false);
    expect(lowerThreadPriority(12345, 0)).toBe(false);
    if (linux && isMainThread) {
      expect(threadTid()).toBe(process.pid); // the main thread's kernel id is the process id
      expect(niceOf(process.pid)).toBe(mainNice);
    }
  });
});
