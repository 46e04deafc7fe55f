import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../storage/create-db.js';
import { testStorage } from '../../test/harness.js';
import { DEFAULT_ROLLUP_SETTINGS } from './rollup-facts.js';
import { RollupOffload } from './rollup.offload.js';
import { BACKGROUND_NICE } from '../../jobs/thread-priority.js';
import { nameOf, niceOf, threadIds, threadNiceReadable } from '../../test/threads.js';

describe('rollup facts worker: started ahead of the first refresh (warm)', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, cleanup } = await testStorage('sqlite'));
  });
  afterAll(() => cleanup());

  it('warm starts the thread and waits for its first answer; a second warm and the first real request find it ready', async () => {
    const offload = new RollupOffload(storage.sqliteFile!);
    try {
      expect(offload.ready).toBe(false);
      const before = threadNiceReadable ? threadIds() : [];
      await offload.warm();
      expect(offload.ready).toBe(true);
      expect(offload.broken).toBeNull();
      // Its thread runs below the event loop's priority (docs/decisions/0004), under its own name for `top -H`.
      if (threadNiceReadable) expect(threadIds().filter((t) => !before.includes(t) && niceOf(t) === BACKGROUND_NICE && nameOf(t) === 'kefu-rollup')).toHaveLength(1);
      await offload.warm();
      // Buyers nobody has heard of have no facts: the worker answered from its own connection.
      const facts = await offload.facts('shop_none', ['buyer_none'], { tz: 'Asia/Shanghai', ...DEFAULT_ROLLUP_SETTINGS });
      expect(facts).toEqual({ days: [], agents: [], orders: [], scenarios: [], repeats: [] });
    } finally {
      await offload.close();
    }
  });

  it('a worker that cannot start leaves warm resolved and the offload marked broken (the writer then computes in process)', async () => {
    const offload = new RollupOffload(join(dirname(storage.sqliteFile!), 'missing', 'nothing.db'));
    try {
      await expect(offload.warm()).resolves.toBeUndefined();
      expect(offload.ready).toBe(false);
      expect(offload.broken).toBeInstanceOf(Error);
      await expect(offload.facts('shop_none', [], { tz: 'Asia/Shanghai', ...DEFAULT_ROLLUP_SETTINGS })).rejects.toThrow();
    } finally {
      await offload.close();
    }
  });
});
