import type { Redis } from 'ioredis';

/** Counts attempts per key in a fixed window; shared across processes when backed by Redis. */
export interface RateLimiter {
  /** Records one hit; resolves to whether the key is still within its limit, and when it frees up. */
  hit(key: string): Promise<{ allowed: boolean; retryAfterSec: number }>;
  /** Whether the key is over its limit, without counting a hit. */
  blocked(key: string): Promise<{ blocked: boolean; retryAfterSec: number }>;
  reset(key: string): Promise<void>;
}

/** In-process limiter for the single-process mode. */
export function memoryRateLimiter(limit: number, windowMs: number, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key) {
      const t = now();
      let b = buckets.get(key);
      if (!b || b.resetAt <= t) {
        b = { count: 0, resetAt: t + windowMs };
        buckets.set(key, b);
      }
      b.count++;
      if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.resetAt <= t) buckets.delete(k);
      return { allowed: b.count <= limit, retryAfterSec: Math.max(1, Math.ceil((b.resetAt - t) / 1000)) };
    },
    async blocked(key) {
      const t = now();
      const b = buckets.get(key);
      if (!b || b.resetAt <= t) return { blocked: false, retryAfterSec: 0 };
      return { blocked: b.count >= limit, retryAfterSec: Math.max(1, Math.ceil((b.resetAt - t) / 1000)) };
    },
    async reset(key) {
      buckets.delete(key);
    },
  };
}


/** Redis-backed limiter for the scaled mode: every process sees the same counts. */
export function redisRateLimiter(redis: Redis, prefix: string, limit: number, windowMs: number): RateLimiter {
  return {
    async hit(key) {
      const k = `${prefix}:${key}`;
      const res = await redis.multi().incr(k).pexpire(k, windowMs, 'NX').pttl(k).exec();
      const count = Number(res?.[0]?.[1] ?? 0);
      const ttl = Number(res?.[2]?.[1] ?? windowMs);
      return { allowed: count <= limit, retryAfterSec: Math.max(1, Math.ceil(ttl / 1000)) };
    },
    async blocked(key) {
      const k = `${prefix}:${key}`;
      const [count, ttl] = await Promise.all([redis.get(k), redis.pttl(k)]);
      return { blocked: Number(count ?? 0) >= limit, retryAfterSec: Math.max(1, Math.ceil(Math.max(ttl, 0) / 1000)) };
    },
    async reset(key) {
      await redis.del(`${prefix}:${key}`);
    },
  };
}
