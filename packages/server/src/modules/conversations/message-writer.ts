import type { MessageSender } from '@kefu/contracts';
import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import { AppError } from '../../http/errors.js';
import { type CommitSync, passThroughCommitSync } from '../../storage/commit-sync.js';
import { newId } from '../../storage/ids.js';
import { rawQuery, sqlText, tuples } from '../../storage/raw-sql.js';
import type { Database } from '../../storage/schema.js';
import type { ConversationRow, MessageRow } from './conversations.presenter.js';

export interface AppendInput {
  shopId: string;
  conversationId: string;
  clientId: string;
  sender: MessageSender;
  agentId: string | null;
  kind: string;
  text: string | null;
  payload: unknown;
  /**
   * A buyer message's scenario when it is already known as it is written (the assist module's classification of a
   * recently repeated text, `ConversationsService.hooks.scenarioOf`): stored with the message and made the
   * conversation's, in the same statements, instead of written afterwards.
   */
  scenario?: string | null;
}

export interface AppendResult {
  message: MessageRow;
  /** The conversation right after this message (status, last_seq, unread, waiting_since …). */
  conversation: ConversationRow;
  duplicate: boolean;
}

interface Pending {
  input: AppendInput;
  resolve(r: AppendResult): void;
  reject(e: unknown): void;
}

const MAX_BATCH = 512;
/** Group commit window (ms) and the batch size that does not wait for it (`MessageWriter.gather`). */
const COMMIT_GAP_MS = 2;
const GATHER_FULL = 64;
/** Batches that look up retried clientIds first after one failed without the look-up. */
const LOOKUP_AFTER_CONFLICT = 100;

/** Every column of `conversations`, for RETURNING after UPDATE … FROM (SQLite refuses `conversations.*` there). */
const CONVERSATION_COLUMNS = [
  'id', 'shop_id', 'buyer_id', 'status', 'assigned_agent_id', 'group_id', 'scenario', 'last_seq', 'last_message_at', 'waiting_since',
  'queued_at', 'unread', 'agent_read_seq', 'buyer_read_seq', 'session_started_at', 'created_at', 'updated_at', 'closed_at',
] as const satisfies ReadonlyArray<keyof ConversationRow>;
// A column added to the table but not to the list above fails type checking here.
const allColumnsListed: [Exclude<keyof ConversationRow, (typeof CONVERSATION_COLUMNS)[number]>] extends [never] ? true : never = true;
void allColumnsListed;

type SenderClass = 'buyer' | 'agent' | 'note' | 'other';
const MESSAGE_COLUMNS = ['id', 'shop_id', 'conversation_id', 'seq', 'client_id', 'sender', 'agent_id', 'kind', 'text', 'payload', 'created_at', 'scenario'] as const;

/** SQL text (with `?` placeholders) of the writer's statements for `rows` rows; parameters in the order the writer pushes them. */
function statementText(kind: string, rows: number): string {
  if (kind === 'existing') return `select * from messages where (client_id, conversation_id) in (values ${tuples(rows, 2)})`;
  if (kind === 'insert') return `insert into messages (${MESSAGE_COLUMNS.join(', ')}) values ${tuples(rows, MESSAGE_COLUMNS.length)}`;
  const cls = kind.slice('bump:'.length) as SenderClass;
  const sets = ['last_seq = conversations.last_seq + v.column2', 'updated_at = ?'];
  if (cls !== 'note') sets.push('last_message_at = ?');
  if (cls === 'buyer') {
    // The status columns are set apart (in bumpConversations, only for closed conversations): naming `status` in this
    // SET would make SQLite rewrite the four status indexes for every buyer message (measured: twice the cost of the update).
    // `scenario` is not indexed; column4 is the run's latest scenario known at insert (`AppendInput.scenario`), else null.
    sets.push('unread = conversations.unread + v.column2', 'waiting_since = coalesce(conversations.waiting_since, ?)', 'scenario = coalesce(v.column4, conversations.scenario)');
  } else if (cls === 'agent') {
    sets.push('unread = 0', 'waiting_since = null', 'agent_read_seq = conversations.last_seq + v.column2');
  }
  const row = cls === 'buyer' ? '(?, cast(? as integer), ?, ?)' : '(?, cast(? as integer), ?)';
  return (
    `update conversations set ${sets.join(', ')} from (values ${Array.from({ length: rows }, () => row).join(', ')}) as v ` +
    `where conversations.id = v.column1 and conversations.shop_id = v.column3 returning ${CONVERSATION_COLUMNS.map((col) => `conversations.${col}`).join(', ')}`
  );
}

/** The scenario of the latest message of a run that came with one (the conversation's scenario is its latest message's). */
function latestScenario(inputs: readonly AppendInput[], idxs: readonly number[]): string | null {
  for (let k = idxs.length - 1; k >= 0; k--) {
    const s = inputs[idxs[k]!]!.scenario;
    if (s) return s;
  }
  return null;
}

/** Messages that change a conversation's counters the same way. */
const classOf = (i: AppendInput): SenderClass => (i.kind === 'note' ? 'note' : i.sender === 'buyer' ? 'buyer' : i.sender === 'agent' ? 'agent' : 'other');

/**
 * Appends messages with a per-conversation seq allocated in the insert transaction and an idempotent
 * (conversation, clientId). Appends queued in the same tick are group-committed: one transaction (and
 * one fsync) per batch; each promise resolves only after its batch committed and reached the disk.
 * The disk sync runs off the event loop (`CommitSync`): while batch N syncs, batch N+1 is written. A batch's new
 * messages are announced (`onCommitted`) as soon as it is committed and its promises settle once it is on disk,
 * each strictly in commit order.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  /** The last batch's settlement: the next one settles after it (acks leave in commit order). */
  private settling: Promise<void> = Promise.resolve();
  private yieldBetweenBatches = false;
  /** Batches left that look up retried clientIds first (after a batch failed without the look-up). */
  private lookupBatches = 0;
  /** Batches that failed without the look-up and were written again with it (tests, stats). */
  optimisticFailures = 0;
  /** Batches written (one transaction each) and the messages in them (stats, bench). */
  readonly written = { batches: 0, messages: 0 };
  private readonly commits: CommitSync;
  /** When the last batch was taken from the queue (`performance.now()`). */
  private lastBatchAt = -Infinity;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
    /**
     * Called for each new (non-duplicate) message once its batch is committed, in commit order: before the disk sync
     * that the message's own promise (the sender's ack) waits for, since readers see a committed message at once.
     */
    private readonly onCommitted: (r: AppendResult) => void = () => {},
    commits?: CommitSync,
    /** Group commit window: a small batch waits until this long after the previous one (0: never waits). */
    private readonly commitGapMs = COMMIT_GAP_MS,
  ) {
    this.commits = commits ?? passThroughCommitSync(db);
  }

  append(input: AppendInput): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.running = this.running.then(() => this.drain());
        });
      }
    });
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    while (this.queue.length) {
      if (this.yieldBetweenBatches) {
        // Give the event loop a turn between batches: the frames of the batch just committed leave (sockets uncork
        // on the next tick) and new frames are read and join the next batch, instead of a backlog being written
        // batch after batch in one turn while every socket waits.
        await new Promise((r) => setImmediate(r));
      }
      this.yieldBetweenBatches = true;
      await this.gather();
      const batch = this.queue.splice(0, MAX_BATCH);
      // Sorting by conversation (stable) keeps per-conversation order and takes row locks in one order (no deadlocks).
      batch.sort((a, b) => (a.input.conversationId < b.input.conversationId ? -1 : a.input.conversationId > b.input.conversationId ? 1 : 0));
      let results: Array<AppendResult | AppError>;
      const inputs = batch.map((p) => p.input);
      this.written.batches++;
      this.written.messages += batch.length;
      try {
        results = await this.writeWithRetryCheck(inputs);
      } catch {
        // A conflict with another process (same clientId) fails the batch: retry one by one.
        results = [];
        for (const p of batch) {
          try {
            const [r] = await this.commits.transaction((trx) => this.writeBatch(trx, [p.input], true));
            results.push(r!);
          } catch (err) {
            results.push(err instanceof AppError ? err : new AppError('internal'));
          }
        }
      }
      // Announce the new messages now — committed, so any reader already sees them — in commit order (batches are
      // written one after the other); acknowledge them once the commit is on disk, without waiting here: the next
      // batch is written meanwhile.
      this.announce(results);
      const durable = this.commits.durable();
      this.settling = this.settling.then(() => durable).then(
        () => this.settle(batch, results),
        () => this.settle(batch, results.map((r) => (r instanceof AppError ? r : new AppError('internal')))),
      );
    }
    this.yieldBetweenBatches = false;
  }

  /**
   * Group commit. A transaction has a fixed cost besides its messages' (measured with plain better-sqlite3: 101 µs
   * per message written alone, 63 µs in batches of 7), and under a steady stream of messages a batch taken every
   * turn holds three or four messages, so the event loop spends much of its time on commits. A small batch therefore
   * waits until `commitGapMs` after the previous one, reading the messages that arrive meanwhile. When messages are
   * rare the previous batch is long past and nothing waits; a full batch (a backlog) never waits either.
   */
  private async gather(): Promise<void> {
    const since = performance.now() - this.lastBatchAt;
    if (this.queue.length < GATHER_FULL && since < this.commitGapMs) await new Promise((r) => setTimeout(r, this.commitGapMs - since));
    this.lastBatchAt = performance.now();
  }

  /**
   * Writes a batch, first without looking up retried clientIds: a retry is rare (a client resending after a lost ack),
   * and the unique (client_id, conversation_id) index refuses one anyway. If the batch fails, it is written again with
   * the look-up, which answers retries with the stored message; the batches that follow look up too for a while, so a
   * client that keeps resending costs one failed attempt, not one per batch.
   */
  private async writeWithRetryCheck(inputs: AppendInput[]): Promise<Array<AppendResult | AppError>> {
    const write = (lookup: boolean) => this.commits.transaction((trx) => this.writeBatch(trx, inputs, lookup));
    if (this.lookupBatches > 0) {
      this.lookupBatches--;
      return write(true);
    }
    try {
      return await write(false);
    } catch {
      this.lookupBatches = LOOKUP_AFTER_CONFLICT;
      this.optimisticFailures++;
      return write(true);
    }
  }

  /** The new messages of a committed batch go to `onCommitted`, in order. */
  private announce(results: ReadonlyArray<AppendResult | AppError>): void {
    for (const r of results) {
      if (r instanceof AppError || r.duplicate) continue;
      try {
        this.onCommitted(r);
      } catch {
        // listeners must not break acknowledgements
      }
    }
  }

  /** Acknowledges a batch once its commit is on disk, or fails it when the disk sync failed. */
  private settle(batch: Pending[], results: Array<AppendResult | AppError>): void {
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r instanceof AppError) p.reject(r);
      else p.resolve(r);
    });
  }

  /** Appends inside the caller's transaction (same seq and idempotency rules); call `notifyCommitted` after it commits. */
  async appendIn(trx: Transaction<Database>, input: AppendInput): Promise<AppendResult> {
    const [r] = await this.writeBatch(trx, [input], true);
    if (r instanceof AppError) throw r;
    return r!;
  }

  /** Emits a message written with `appendIn` once its transaction committed (duplicates emit nothing). */
  notifyCommitted(r: AppendResult): void {
    if (!r.duplicate) this.onCommitted(r);
  }

  /**
   * One transaction: one query finds retried clientIds (`lookup`; without it a retry fails the insert), one update
   * per run of same-kind messages of a conversation allocates their seqs, one multi-row insert stores them.
   */
  private async writeBatch(trx: Transaction<Database>, inputs: AppendInput[], lookup: boolean): Promise<Array<AppendResult | AppError>> {
    const out: Array<AppendResult | AppError | null> = inputs.map(() => null);
    const key = (conversationId: string, clientId: string) => `${conversationId}\u0000${clientId}`;
    const existing = new Map<string, MessageRow>();
    if (lookup) {
      // Row-value IN over the unique (client_id, conversation_id) index: exact lookups, whatever the history size.
      const pairs: unknown[] = [];
      for (const i of inputs) pairs.push(i.clientId, i.conversationId);
      for (const row of (await trx.executeQuery<MessageRow>(this.query('existing', inputs.length, pairs))).rows) {
        existing.set(key(row.conversation_id, row.client_id), row);
      }
    }
    const firstInBatch = new Map<string, number>();
    const fresh: number[] = [];
    inputs.forEach((input, i) => {
      const k = key(input.conversationId, input.clientId);
      if (existing.has(k)) return;
      if (firstInBatch.has(k)) return;
      firstInBatch.set(k, i);
      fresh.push(i);
    });
    const t = this.now();
    const rows: MessageRow[] = [];
    const convAfter = new Map<string, ConversationRow>();
    // Runs: consecutive fresh inputs of one conversation (and shop) and one sender class share one seq allocation.
    const byConv = new Map<string, number[]>();
    for (const i of fresh) {
      const k = key(inputs[i]!.shopId, inputs[i]!.conversationId);
      const list = byConv.get(k);
      if (list) list.push(i);
      else byConv.set(k, [i]);
    }
    const runsOf = new Map<string, Array<{ cls: SenderClass; idxs: number[] }>>();
    let rounds = 0;
    for (const [convKey, idxs] of byConv) {
      const runs: Array<{ cls: SenderClass; idxs: number[] }> = [];
      for (const i of idxs) {
        const cls = classOf(inputs[i]!);
        const last = runs[runs.length - 1];
        if (last && last.cls === cls) last.idxs.push(i);
        else runs.push({ cls, idxs: [i] });
      }
      runsOf.set(convKey, runs);
      rounds = Math.max(rounds, runs.length);
    }
    // Round k allocates the k-th run of every conversation: one statement per sender class and round, so a
    // conversation's runs still get their seqs in order.
    for (let k = 0; k < rounds; k++) {
      const byClass = new Map<SenderClass, Array<{ conversationId: string; shopId: string; idxs: number[] }>>();
      for (const runs of runsOf.values()) {
        const run = runs[k];
        if (!run) continue;
        const list = byClass.get(run.cls) ?? [];
        const first = inputs[run.idxs[0]!]!;
        list.push({ conversationId: first.conversationId, shopId: first.shopId, idxs: run.idxs });
        byClass.set(run.cls, list);
      }
      for (const [cls, list] of byClass) {
        const bumps = list.map((r) => ({ conversationId: r.conversationId, shopId: r.shopId, n: r.idxs.length, scenario: cls === 'buyer' ? latestScenario(inputs, r.idxs) : null }));
        const after = await this.bumpConversations(trx, cls, bumps, t);
        for (const { conversationId, shopId, idxs: run } of list) {
          const conversation = after.get(key(shopId, conversationId));
          if (!conversation) for (const i of run) out[i] = new AppError('conversation.not_found');
          else {
            convAfter.set(conversationId, conversation);
            let seq = Number(conversation.last_seq) - run.length;
            for (const i of run) {
              const input = inputs[i]!;
              const message: MessageRow = {
                id: newId('msg', t),
                shop_id: input.shopId,
                conversation_id: conversationId,
                seq: ++seq,
                client_id: input.clientId,
                sender: input.sender,
                agent_id: input.agentId,
                kind: input.kind,
                text: input.text,
                payload: input.payload === null || input.payload === undefined ? null : JSON.stringify(input.payload),
                created_at: t,
                scenario: input.scenario ?? null,
              };
              rows.push(message);
              out[i] = { message, conversation, duplicate: false };
            }
          }
        }
      }
    }
    for (let i = 0; i < rows.length; i += 100) {
      const part = rows.slice(i, i + 100);
      const params: unknown[] = [];
      for (const m of part) for (const col of MESSAGE_COLUMNS) params.push(m[col]);
      await trx.executeQuery(this.query('insert', part.length, params));
    }
    // Retries (stored earlier, or twice in this batch) answer with the stored message.
    const needConv = new Set<string>();
    inputs.forEach((input, i) => {
      if (out[i] === null && !convAfter.has(input.conversationId)) needConv.add(input.conversationId);
    });
    if (needConv.size) {
      for (const c of await trx.selectFrom('conversations').selectAll().where('id', 'in', [...needConv]).execute()) convAfter.set(c.id, c);
    }
    inputs.forEach((input, i) => {
      if (out[i] !== null) return;
      const k = key(input.conversationId, input.clientId);
      const prior = existing.get(k) ?? (out[firstInBatch.get(k)!] as AppendResult | undefined)?.message;
      const conversation = convAfter.get(input.conversationId);
      out[i] = prior && conversation ? { message: prior, conversation, duplicate: true } : new AppError('conversation.not_found');
    });
    return out as Array<AppendResult | AppError>;
  }

  /**
   * Allocates `n` seqs for each listed conversation and updates its counters: one UPDATE … FROM (VALUES …)
   * statement for the whole list (same SQL on SQLite and PostgreSQL). Keyed by shop and conversation id;
   * conversations not found (or of another shop) are missing.
   */
  private async bumpConversations(
    trx: Transaction<Database>,
    cls: SenderClass,
    list: ReadonlyArray<{ conversationId: string; shopId: string; n: number; scenario: string | null }>,
    t: number,
  ): Promise<Map<string, ConversationRow>> {
    const out = new Map<string, ConversationRow>();
    for (let i = 0; i < list.length; i += 500) {
      const part = list.slice(i, i + 500);
      const params: unknown[] = [];
      // SET parameters first (their placeholders come first in the text), then the VALUES rows.
      params.push(t);
      if (cls !== 'note') params.push(t);
      if (cls === 'buyer') params.push(t);
      if (cls === 'buyer') for (const r of part) params.push(r.conversationId, r.n, r.shopId, r.scenario);
      else for (const r of part) params.push(r.conversationId, r.n, r.shopId);
      const res = await trx.executeQuery<ConversationRow>(this.query(`bump:${cls}`, part.length, params));
      const closed: string[] = [];
      for (const row of res.rows) {
        out.set(`${row.shop_id}\u0000${row.id}`, row);
        if (cls === 'buyer' && row.status === 'closed') closed.push(row.id);
      }
      // A buyer message reopens a closed conversation (a new session); routing picks it up from `open`.
      if (closed.length) {
        const reopened = await trx
          .updateTable('conversations')
          .set({ status: 'open', session_started_at: t, closed_at: null })
          .where('id', 'in', closed)
          .where('status', '=', 'closed')
          .returningAll()
          .execute();
        for (const row of reopened) out.set(`${row.shop_id}\u0000${row.id}`, row);
      }
    }
    return out;
  }

  /**
   * The writer's three statements as SQL text with `?` placeholders, built once per (statement, row count) and run
   * without the query builder (`rawQuery`): compiling them on every batch cost more than running them.
   */
  private query(kind: 'existing' | 'insert' | `bump:${SenderClass}`, rows: number, params: unknown[]): CompiledQuery {
    return rawQuery(this.db, sqlText(`writer:${kind}:${rows}`, () => statementText(kind, rows)), params);
  }

  /** Resolves when everything queued so far is committed (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.queue.length || this.scheduled) {
      await new Promise((r) => setImmediate(r));
      await this.running;
    }
    await this.running;
    await this.settling;
  }
}
