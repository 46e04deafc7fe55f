import type { MessageDto } from '@kefu/contracts';
import { formatClientId } from '@kefu/core';

export interface PendingSend {
  clientId: string;
  kind: 'text' | 'image' | 'product' | 'order';
  text?: string;
  payload?: unknown;
  failed?: string;
}

/**
 * The buyer's view of the conversation: messages by seq (each once, in order, whatever order they
 * arrive in) and the outbox of sends not yet acknowledged (resent with the same clientId after a reconnect).
 */
export class MessageStore {
  conversationId: string | null = null;
  private readonly bySeq = new Map<number, MessageDto>();
  private readonly outbox = new Map<string, PendingSend>();
  maxSeq = 0;

  /** Adds a message; false when it was already there (same seq). */
  add(m: MessageDto): boolean {
    if (this.conversationId && m.conversationId !== this.conversationId) return false;
    this.conversationId ??= m.conversationId;
    if (this.bySeq.has(m.seq)) return false;
    this.bySeq.set(m.seq, m);
    this.outbox.delete(m.clientId);
    if (m.seq > this.maxSeq) this.maxSeq = m.seq;
    return true;
  }

  list(): MessageDto[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  get minSeq(): number {
    let min = Infinity;
    for (const k of this.bySeq.keys()) if (k < min) min = k;
    return Number.isFinite(min) ? min : 0;
  }

  queue(p: PendingSend): void {
    this.outbox.set(p.clientId, p);
  }

  ack(clientId: string): void {
    this.outbox.delete(clientId);
  }

  fail(clientId: string, reason: string): void {
    const p = this.outbox.get(clientId);
    if (p) p.failed = reason;
  }

  drop(clientId: string): void {
    this.outbox.delete(clientId);
  }

  pending(): PendingSend[] {
    return [...this.outbox.values()];
  }

  /** Resume point for `hello`. */
  resume(): Record<string, number> | undefined {
    return this.conversationId ? { [this.conversationId]: this.maxSeq } : undefined;
  }
}

/** A buyer's anonymous id: random only (an identity kept across visits should not tell when it was made). */
export function newAnonId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `w${Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')}`.slice(0, 32);
}

/** A clientId for a new send: time-ordered, URL-safe (`formatClientId` of @kefu/core, docs/REALTIME.md §Client ids). */
export function newClientId(): string {
  return formatClientId('w', Date.now(), crypto.getRandomValues(new Uint8Array(12)));
}

/** Parses `parent=` into an exact origin, or null (then the app never posts to a parent). */
export function parentOriginOf(param: string | null): string | null {
  if (!param) return null;
  try {
    const u = new URL(param);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === param ? u.origin : null;
  } catch {
    return null;
  }
}

/** Only our own file URLs are shown as images; only http(s) or site-relative links are followed. */
export const safeImageUrl = (url: unknown): string | null => (typeof url === 'string' && /^\/files\/[A-Za-z0-9_-]+$/.test(url) ? url : null);
export const safeLink = (url: unknown): string | null => (typeof url === 'string' && /^(https?:\/\/|\/(?!\/))[^\s"'<>]*$/.test(url) ? url : null);
