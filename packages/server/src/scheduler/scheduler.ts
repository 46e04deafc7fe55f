import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../storage/schema.js';
import { newId } from '../storage/ids.js';

export type JobStatus = 'pending' | 'running' | 'done' | 'cancelled' | 'failed';

export interface JobRow {
  id: string;
  shop_id: string;
  kind: string;
  dedupe_key: string;
  payload: string;
  run_at: number;
  status: string;
  attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  result: string | null;
  created_at: number;
  finished_at: number | null;
}

/**
 * A handler runs a due job. It receives the transaction in which the job is marked done, so
 * whatever it writes (a chat message, an outbox row) commits together with "done": a crash before
 * the commit leaves the job pending (retried after the lease), never half-done and never twice.
 * Returning `{ cancel: reason }` ends the job without effect (e.g. the order was paid meanwhile).
 */
export type JobHandler = (job: { id: string; shopId: string; kind: string; payload: any; runAt: number; attempts: number }, trx: Transaction<Database>) => Promise<void | { result?: unknown; cancel?: string }>;

export interface SchedulerOptions {
  /** Identifies this process in leases. */
  owner: string;
  /** How long a claimed job is reserved before another process may take it over. */
  leaseMs?: number;
  pollMs?: number;
  batch?: number;
  maxAttempts?: number;
  now?: () => number;
  onError?: (err: unknown, job: JobRow) => void;
}

/** Exact prefix match on dedupe keys (LIKE would treat `_` in ids as a wildcard, and is case-insensitive on SQLite). */
function hasPrefix(prefix: string) {
  return sql<boolean>`substr(dedupe_key, 1, ${prefix.length}) = ${prefix}`;
}

/** Durable, lease-based timers on the database: works the same on SQLite and PostgreSQL, one process or many. */
export class Scheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: SchedulerOptions,
  ) {
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 1000;
    this.batch = opts.batch ?? 50;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.now = opts.now ?? Date.now;
  }

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Schedules a job; the same (shop, dedupe key) twice keeps the first. Returns whether it was new. */
  async schedule(
    input: { shopId: string; kind: string; dedupeKey: string; runAt: number; payload?: unknown },
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<boolean> {
    const res = await db
      .insertInto('scheduled_jobs')
      .values({
        id: newId('job'),
        shop_id: input.shopId,
        kind: input.kind,
        dedupe_key: input.dedupeKey,
        payload: JSON.stringify(input.payload ?? {}),
        run_at: input.runAt,
        status: 'pending',
        attempts: 0,
        locked_by: null,
        locked_until: null,
        last_error: null,
        result: null,
        created_at: this.now(),
        finished_at: null,
      })
      .onConflict((oc) => oc.columns(['shop_id', 'dedupe_key']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Cancels pending jobs whose dedupe key starts with a prefix (e.g. every reminder of an order). */
  async cancelByPrefix(shopId: string, prefix: string, reason: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<number> {
    const res = await db
      .updateTable('scheduled_jobs')
      .set({ status: 'cancelled', result: JSON.stringify({ reason }), finished_at: this.now() })
      .where('shop_id', '=', shopId)
      .where(hasPrefix(prefix))
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
    return Number(res.numUpdatedRows ?? 0);
  }

  list(shopId: string, prefix: string): Promise<JobRow[]> {
    return this.db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('shop_id', '=', shopId)
      .where(hasPrefix(prefix))
      .orderBy('run_at')
      .execute() as Promise<JobRow[]>;
  }

  /** Claims and runs every due job once; returns how many ran. Safe to call from several processes at once. */
  async tick(): Promise<number> {
    const t = this.now();
    const due = await this.db
      .selectFrom('scheduled_jobs')
      .select(['id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', t)]),
          // A process that died holding a lease: take the job over after the lease.
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', t)]),
        ]),
      )
      .orderBy('run_at')
      .limit(this.batch)
      .execute();
    let ran = 0;
    for (const { id } of due) {
      const claimed = await this.claim(id, t);
      if (!claimed) continue;
      await this.runOne(claimed);
      ran++;
    }
    return ran;
  }

  /** Atomic compare-and-set: only one process wins a job. */
  private async claim(id: string, t: number): Promise<JobRow | null> {
    const res = await this.db
      .updateTable('scheduled_jobs')
      .set((eb) => ({ status: 'running', locked_by: this.opts.owner, locked_until: t + this.leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', t)]), eb.and([eb('status', '=', 'running'), eb('locked_until', '<', t)])]),
      )
      .executeTakeFirst();
    if (Number(res.numUpdatedRows ?? 0) !== 1) return null;
    return (await this.db.selectFrom('scheduled_jobs').selectAll().where('id', '=', id).executeTakeFirst()) as JobRow | null;
  }

  private async runOne(job: JobRow): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await this.db.transaction().execute(async (trx) => {
        // Re-check inside the transaction: a cancel that landed after the claim wins.
        const current = await trx.selectFrom('scheduled_jobs').select(['status', 'locked_by']).where('id', '=', job.id).executeTakeFirst();
        if (!current || current.status !== 'running' || current.locked_by !== this.opts.owner) return;
        const out = await handler({ id: job.id, shopId: job.shop_id, kind: job.kind, payload: JSON.parse(job.payload), runAt: job.run_at, attempts: job.attempts }, trx);
        const cancelled = out && typeof out === 'object' && 'cancel' in out && out.cancel;
        await trx
          .updateTable('scheduled_jobs')
          .set({
            status: cancelled ? 'cancelled' : 'done',
            result: JSON.stringify(cancelled ? { reason: out.cancel } : (out && 'result' in out ? out.result : null) ?? null),
            finished_at: this.now(),
            locked_by: null,
            locked_until: null,
          })
          .where('id', '=', job.id)
          .execute();
      });
    } catch (err) {
      this.opts.onError?.(err, job);
      const failed = job.attempts >= this.maxAttempts;
      await this.db
        .updateTable('scheduled_jobs')
        .set({
          status: failed ? 'failed' : 'pending',
          // Back off: 10 s, 40 s, 90 s …
          run_at: this.now() + 10_000 * job.attempts * job.attempts,
          last_error: String((err as Error)?.message ?? err).slice(0, 500),
          locked_by: null,
          locked_until: null,
          ...(failed ? { finished_at: this.now() } : {}),
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.opts.owner)
        .execute();
    }
  }

  /** Polls until stopped; a tick never overlaps the previous one. */
  start(): void {
    if (this.timer) return;
    const loop = () => {
      this.running = this.tick().catch(() => 0);
      void this.running.finally(() => {
        if (this.timer) this.timer = setTimeout(loop, this.pollMs);
      });
    };
    this.timer = setTimeout(loop, this.pollMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
