import type { MessageSender } from '@kefu/contracts';
import { type Kysely, type Transaction, sql } from 'kysely';
import { AppError } from '../../http/errors.js';
import { newId } from '../../storage/ids.js';
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

type SenderClass = 'buyer' | 'agent' | 'note' | 'other';
/** Messages that change a conversation's counters the same way. */
const classOf = (i: AppendInput): SenderClass => (i.kind === 'note' ? 'note' : i.sender === 'buyer' ? 'buyer' : i.sender === 'agent' ? 'agent' : 'other');

/**
 * Appends messages with a per-conversation seq allocated in the insert transaction and an idempotent
 * (conversation, clientId). Appends queued in the same tick are group-committed: one transaction (and
 * one fsync) per batch; each promise resolves only after its batch committed.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
    /** Called after commit for each new (non-duplicate) message, in commit order. */
    private readonly onCommitted: (r: AppendResult) => void = () => {},
  ) {}

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
      const batch = this.queue.splice(0, MAX_BATCH);
      // Sorting by conversation (stable) keeps per-conversation order and takes row locks in one order (no deadlocks).
      batch.sort((a, b) => (a.input.conversationId < b.input.conversationId ? -1 : a.input.conversationId > b.input.conversationId ? 1 : 0));
      let results: Array<AppendResult | AppError>;
      try {
        results = await this.db.transaction().execute((trx) => this.writeBatch(trx, batch.map((p) => p.input)));
      } catch {
        // A conflict with another process (same clientId) fails the batch: retry one by one.
        results = [];
        for (const p of batch) {
          try {
            const [r] = await this.db.transaction().execute((trx) => this.writeBatch(trx, [p.input]));
            results.push(r!);
          } catch (err) {
            results.push(err instanceof AppError ? err : new AppError('internal'));
          }
        }
      }
      batch.forEach((p, i) => {
        const r = results[i]!;
        if (r instanceof AppError) return p.reject(r);
        if (!r.duplicate) {
          try {
            this.onCommitted(r);
          } catch {
            // listeners must not break acknowledgements
          }
        }
        p.resolve(r);
      });
    }
  }

  /** Appends inside the caller's transaction (same seq and idempotency rules); call `notifyCommitted` after it commits. */
  async appendIn(trx: Transaction<Database>, input: AppendInput): Promise<AppendResult> {
    const [r] = await this.writeBatch(trx, [input]);
    if (r instanceof AppError) throw r;
    return r!;
  }

  /** Emits a message written with `appendIn` once its transaction committed (duplicates emit nothing). */
  notifyCommitted(r: AppendResult): void {
    if (!r.duplicate) this.onCommitted(r);
  }

  /**
   * One transaction: one query finds retried clientIds, one update per run of same-kind messages of a
   * conversation allocates their seqs, one multi-row insert stores them.
   */
  private async writeBatch(trx: Transaction<Database>, inputs: AppendInput[]): Promise<Array<AppendResult | AppError>> {
    const out: Array<AppendResult | AppError | null> = inputs.map(() => null);
    const key = (conversationId: string, clientId: string) => `${conversationId}\u0000${clientId}`;
    const existing = new Map<string, MessageRow>();
    // Row-value IN over the unique (conversation_id, client_id) index: exact lookups, whatever the history size.
    const pairs = sql.join(inputs.map((i) => sql`(${i.conversationId}, ${i.clientId})`));
    for (const row of await trx
      .selectFrom('messages')
      .selectAll()
      .where(sql<boolean>`(conversation_id, client_id) in (values ${pairs})`)
      .execute()) {
      existing.set(key(row.conversation_id, row.client_id), row);
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
    // Runs: consecutive fresh inputs of one conversation and one sender class share one update.
    const byConv = new Map<string, number[]>();
    for (const i of fresh) byConv.set(inputs[i]!.conversationId, [...(byConv.get(inputs[i]!.conversationId) ?? []), i]);
    for (const [conversationId, idxs] of byConv) {
      let r = 0;
      while (r < idxs.length) {
        const cls = classOf(inputs[idxs[r]!]!);
        let e = r + 1;
        while (e < idxs.length && classOf(inputs[idxs[e]!]!) === cls) e++;
        const run = idxs.slice(r, e);
        const first = inputs[run[0]!]!;
        const conversation = await this.bumpConversation(trx, first.shopId, conversationId, cls, run.length, t);
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
            };
            rows.push(message);
            out[i] = { message, conversation, duplicate: false };
          }
        }
        r = e;
      }
    }
    for (let i = 0; i < rows.length; i += 100) await trx.insertInto('messages').values(rows.slice(i, i + 100)).execute();
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

  /** Allocates `n` seqs and updates the conversation's counters in one statement. */
  private bumpConversation(trx: Transaction<Database>, shopId: string, conversationId: string, cls: SenderClass, n: number, t: number): Promise<ConversationRow | undefined> {
    let q = trx
      .updateTable('conversations')
      .set({ last_seq: sql<number>`last_seq + ${n}`, updated_at: t })
      .where('id', '=', conversationId)
      .where('shop_id', '=', shopId);
    if (cls !== 'note') q = q.set({ last_message_at: t });
    if (cls === 'buyer') {
      q = q.set({
        unread: sql<number>`unread + ${n}`,
        waiting_since: sql<number>`coalesce(waiting_since, ${t})`,
        // A buyer message reopens a closed conversation; routing picks it up from `open`.
        session_started_at: sql<number>`case when status = 'closed' then ${t} else session_started_at end`,
        closed_at: sql<number | null>`case when status = 'closed' then null else closed_at end`,
        status: sql<string>`case when status = 'closed' then 'open' else status end`,
      });
    } else if (cls === 'agent') {
      q = q.set({ unread: 0, waiting_since: null, agent_read_seq: sql<number>`last_seq + ${n}` });
    }
    return q.returningAll().executeTakeFirst();
  }

  /** Resolves when everything queued so far is committed (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.queue.length || this.scheduled) {
      await new Promise((r) => setImmediate(r));
      await this.running;
    }
    await this.running;
  }
}
