import { setFlagsFromString } from 'node:v8';

/** The V8 flag `tuneHeap` sets (docs/decisions/0005). */
export const HEAP_FLAGS = ['--no-allocation-site-pretenuring'] as const;

let applied: boolean | null = null;

/**
 * Heap settings for a server process; called by `startServer` before anything else, once per process (flags are
 * process-wide, so they hold for the worker threads too). Returns whether they were applied.
 *
 * Allocation-site pretenuring: V8 watches how many objects of each allocation site survive a young-generation
 * collection and, past 85 %, makes that site's objects directly in the old generation. A chat server's message path
 * is bursty, and the likely path is: under a burst the writer's rows, Kysely's query objects and the message events
 * queue for tens of milliseconds and survive, V8 pretenures their sites, and afterwards every message's short-lived
 * objects from them land in the old generation — which fills it and brings on the full collections that stall every
 * socket (the profile shows those sites' objects promoted by default and not with the flag). Measured in the
 * realtime bench (bench/README.md, 2026-11-25): bytes reaching the old generation per message in the latency phase
 * 7.0–7.9 KB → 3.4 KB, and p99 lower in each of six alternating pairs.
 */
export function tuneHeap(): boolean {
  if (applied !== null) return applied;
  try {
    for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
    applied = true;
  } catch {
    // A V8 that froze its flags after start-up: run with its defaults.
    applied = false;
  }
  return applied;
}
