import type { Platform } from '@kefu/contracts';
import {
  type CoachFlagExt,
  type CoachRules,
  type CoachRulesOverride,
  type ConcessionKind,
  type ConcessionLadder,
  type ConcessionStep,
  type GuardResult,
  checkConcessionJump,
  defaultCoachRules,
  defaultLadder,
  detectConcessions,
  extendCoachRules,
  lintReply,
  nextConcession,
  screenBuyerMessage,
  screenFile,
} from '@kefu/core';
import type { AppContext } from '../../app-context.js';
import type { AuthContext } from '../../http/auth.js';
import { AppError, notFound } from '../../http/errors.js';
import { newId } from '../../storage/ids.js';
import { CHAT_EVENTS, type ConversationChangedEvent, type MessageCreatedEvent } from '../conversations/conversations.events.js';
import type { ConversationRow } from '../conversations/conversations.presenter.js';
import type { SendInput } from '../conversations/conversations.service.js';
import { blockedMessage, blockingFlags, blockingSet, canManageQuality, platformOf } from './quality.policy.js';
import { type ReviewDto, type TranscriptLine, presentReview } from './quality.presenter.js';
import { type CoachSettingsRow, QualityRepository, type ReviewFilter } from './quality.repository.js';
import { type AutoBreakdown, DEFAULT_TARGETS, type QualityTargets, type ScoredMessage, flagAgentMessages, scoreSession } from './quality.scoring.js';

/** A shop's coach configuration, resolved. */
export interface ShopCoach {
  platform: Platform;
  override: CoachRulesOverride;
  rules: CoachRules;
  blocking: Set<string>;
  chosenBlocking: string[];
  ladder: ConcessionLadder;
  targets: QualityTargets;
  updatedAt: number | null;
}

export interface LintResult {
  flags: CoachFlagExt[];
  /** Ids of the flags that stop sending. */
  blocking: string[];
  blocked: boolean;
}

const rulesCache = new Map<string, CoachRules>();
const COACH_TTL_MS = 60_000;

/** Rules objects are cached by (platform, override JSON) so core's per-object caches stay warm. */
function rulesFor(platform: Platform, overrideJson: string, override: CoachRulesOverride): CoachRules {
  const key = `${platform}|${overrideJson}`;
  let r = rulesCache.get(key);
  if (!r) {
    if (rulesCache.size > 200) rulesCache.clear();
    r = extendCoachRules(defaultCoachRules(platform), override);
    rulesCache.set(key, r);
  }
  return r;
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Reply coach on the server, buyer-message and file guard, bargaining ladder state, and 质检 reviews. */
export class QualityService {
  readonly repo: QualityRepository;
  private readonly now: () => number;
  /** Resolved coach per shop: read on every buyer message, so cached until its settings or the shop change (events from any process). */
  private readonly coaches = new Map<string, { at: number; value: Promise<ShopCoach> }>();

  constructor(private readonly ctx: AppContext, now: () => number = Date.now) {
    this.repo = new QualityRepository(ctx.storage.db);
    this.now = now;
  }

  /** Installs the send hook and the event listeners (once per context). */
  install(): void {
    this.ctx.chat.conversations.hooks.beforeAgentSend = (conv, input) => this.beforeAgentSend(conv, input);
    const own = (origin: string) => origin === this.ctx.events.origin;
    const offMsg = this.ctx.events.on(CHAT_EVENTS.messageCreated, async (e) => {
      if (!own(e.origin) || !e.shopId) return;
      await this.onMessage(e.shopId, e.payload as MessageCreatedEvent);
    });
    const offConv = this.ctx.events.on(CHAT_EVENTS.conversationChanged, async (e) => {
      const p = e.payload as ConversationChangedEvent;
      if (!own(e.origin) || !e.shopId || p.reason !== 'closed') return;
      await this.scoreClosed(e.shopId, p.conversation.id);
    });
    const forget = (e: { shopId: string | null }) => void (e.shopId && this.coaches.delete(e.shopId));
    const offSettings = this.ctx.events.on('coach.settings_updated', forget);
    const offShop = this.ctx.events.on('shop.updated', forget);
    this.ctx.onClose.push(() => {
      offMsg();
      offConv();
      offSettings();
      offShop();
    });
  }

  // ---- settings --------------------------------------------------------------------------------

  /** The shop's coach configuration (cached; a missed invalidation from another process expires after COACH_TTL_MS). */
  coach(shopId: string): Promise<ShopCoach> {
    const have = this.coaches.get(shopId);
    const t = this.now();
    if (have && t - have.at < COACH_TTL_MS) return have.value;
    const value = this.loadCoach(shopId);
    value.catch(() => this.coaches.get(shopId)?.value === value && this.coaches.delete(shopId));
    if (this.coaches.size > 10_000) this.coaches.clear();
    this.coaches.set(shopId, { at: t, value });
    return value;
  }

  private async loadCoach(shopId: string): Promise<ShopCoach> {
    const [row, platformRaw] = await Promise.all([this.repo.settings(shopId), this.repo.shopPlatform(shopId)]);
    const platform = platformOf(platformRaw);
    const overrideJson = row?.rules_override ?? '{}';
    const override = parseJson<CoachRulesOverride>(overrideJson, {});
    const chosen = parseJson<string[]>(row?.blocking, []);
    return {
      platform,
      override,
      rules: rulesFor(platform, overrideJson, override),
      blocking: blockingSet(chosen),
      chosenBlocking: chosen,
      ladder: parseJson<ConcessionLadder>(row?.ladder, defaultLadder()),
      targets: { ...DEFAULT_TARGETS, ...parseJson<Partial<QualityTargets>>(row?.targets, {}) },
      updatedAt: row ? Number(row.updated_at) : null,
    };
  }

  async saveCoach(shopId: string, by: string, body: { rulesOverride: CoachRulesOverride; blocking: string[]; ladder: ConcessionLadder; targets: QualityTargets }): Promise<ShopCoach> {
    const row: CoachSettingsRow = {
      shop_id: shopId,
      rules_override: JSON.stringify(body.rulesOverride),
      blocking: JSON.stringify([...new Set(body.blocking)]),
      ladder: JSON.stringify(body.ladder),
      targets: JSON.stringify(body.targets),
      updated_by: by,
      updated_at: this.now(),
    };
    await this.repo.saveSettings(row);
    this.coaches.delete(shopId);
    return this.coach(shopId);
  }

  // ---- coach -----------------------------------------------------------------------------------

  /** Lints a draft with the shop's rules; with a conversation, also checks the ladder against what was offered. */
  async lint(shopId: string, input: { buyer: string; reply: string; offered?: ConcessionKind[] }, coach?: ShopCoach): Promise<LintResult> {
    const c = coach ?? (await this.coach(shopId));
    const flags: CoachFlagExt[] = [
      ...lintReply({ buyer: input.buyer, reply: input.reply, platform: c.platform }, c.rules),
      ...checkConcessionJump(input.reply, c.ladder, input.offered ?? []),
    ].sort((a, b) => a.start - b.start || a.end - b.end);
    const blocking = blockingFlags(flags, c.blocking).map((f) => f.id);
    return { flags, blocking: [...new Set(blocking)], blocked: blocking.length > 0 };
  }

  /** What the current session already offered a bargaining buyer, the next ladder step, and the buyer's last text. */
  async conversationState(shopId: string, conv: ConversationRow): Promise<{ offered: ConcessionKind[]; next: ConcessionStep | null; ladder: ConcessionLadder; lastBuyerText: string }> {
    const coach = await this.coach(shopId);
    const msgs = await this.repo.sessionMessages(shopId, conv.id, Number(conv.session_started_at ?? conv.created_at), null);
    const offered: ConcessionKind[] = [];
    let lastBuyerText = '';
    for (const m of msgs) {
      if (m.sender === 'agent' && m.kind === 'text' && m.text) for (const d of detectConcessions(m.text)) if (!offered.includes(d.kind)) offered.push(d.kind);
      if (m.sender === 'buyer' && m.kind === 'text' && m.text) lastBuyerText = m.text;
    }
    return { offered, next: nextConcession(coach.ladder, offered), ladder: coach.ladder, lastBuyerText };
  }

  /** The send hook: a reply holding a blocking flag is refused with `message.blocked` (nothing is stored). */
  async beforeAgentSend(conv: ConversationRow, input: SendInput): Promise<void> {
    if (input.kind !== 'text' || !input.text) return;
    const coach = await this.coach(conv.shop_id);
    const state = await this.conversationState(conv.shop_id, conv);
    const r = await this.lint(conv.shop_id, { buyer: state.lastBuyerText, reply: input.text, offered: state.offered }, coach);
    if (!r.blocked) return;
    const flags = r.flags.filter((f) => r.blocking.includes(f.id));
    throw new AppError('message.blocked', blockedMessage(flags, input.text), { flags });
  }

  // ---- guard and flags on stored messages ------------------------------------------------------

  private async onMessage(shopId: string, p: MessageCreatedEvent): Promise<void> {
    const m = p.message;
    if (m.kind !== 'text' || !m.text) return;
    if (m.sender === 'buyer') {
      const coach = await this.coach(shopId);
      const g = screenBuyerMessage({ text: m.text, platform: coach.platform });
      if (g.level === 'safe' && g.links.length === 0) return;
      await this.repo.saveFlags({ message_id: m.id, shop_id: shopId, conversation_id: m.conversationId, kind: 'guard', agent_id: null, flags: JSON.stringify(g), level: g.level, created_at: m.createdAt });
    } else if (m.sender === 'agent') {
      const conv = await this.repo.conversation(shopId, m.conversationId);
      if (!conv) return;
      const msgs = await this.repo.sessionMessages(shopId, conv.id, Number(conv.session_started_at ?? conv.created_at), null);
      const before = msgs.filter((x) => Number(x.seq) < m.seq);
      const state = { offered: [] as ConcessionKind[], buyer: '' };
      for (const x of before) {
        if (x.sender === 'agent' && x.kind === 'text' && x.text) for (const d of detectConcessions(x.text)) if (!state.offered.includes(d.kind)) state.offered.push(d.kind);
        if (x.sender === 'buyer' && x.kind === 'text' && x.text) state.buyer = x.text;
        if (x.sender === 'agent' && x.kind === 'text') state.buyer = '';
      }
      const r = await this.lint(shopId, { buyer: state.buyer, reply: m.text, offered: state.offered });
      await this.repo.saveFlags({ message_id: m.id, shop_id: shopId, conversation_id: m.conversationId, kind: 'coach', agent_id: m.agentId ?? null, flags: JSON.stringify(r.flags), level: String(r.flags.length), created_at: m.createdAt });
    }
  }

  /** Screens a buyer's upload before it is stored: refused files answer `file.rejected` with the buyer message and warn the agents with a note. */
  async screenBuyerUpload(shopId: string, buyerId: string, file: { name: string; mime: string; bytes: Uint8Array }): Promise<void> {
    const v = screenFile({ name: file.name, mime: file.mime, bytes: file.bytes });
    if (v.accept && (v.kind === 'image' || v.kind === 'video')) return;
    const conv = await this.ctx.chat.conversations.repo.findForBuyer(shopId, buyerId);
    if (conv) {
      const name = file.name ? `「${file.name.slice(0, 80)}」` : '';
      await this.ctx.chat.conversations.writer.append({
        shopId,
        conversationId: conv.id,
        clientId: newId('guard').slice(6),
        sender: 'system',
        agentId: null,
        kind: 'note',
        text: `⚠ 买家发送的文件${name}已被拦截：${v.agentWarning ?? '文件类型不安全'}`,
        payload: null,
      });
    }
    throw new AppError('file.rejected', v.buyerMessage ?? '亲，这种文件我们这边没法接收哦，您可以直接发图片给我~', { kind: v.kind });
  }

  // ---- reviews ---------------------------------------------------------------------------------

  /** Scores the current (closed) session of a conversation; idempotent per session. */
  async scoreClosed(shopId: string, conversationId: string): Promise<void> {
    const conv = await this.repo.conversation(shopId, conversationId);
    if (!conv || conv.status !== 'closed' || conv.closed_at === null) return;
    const from = Number(conv.session_started_at ?? conv.created_at);
    const closedAt = Number(conv.closed_at);
    const rows = (await this.repo.sessionMessages(shopId, conv.id, from, null)).filter((m) => m.kind !== 'note');
    const coach = await this.coach(shopId);
    const messages: ScoredMessage[] = rows.map((m) => ({ sender: m.sender as ScoredMessage['sender'], kind: m.kind, text: m.text, createdAt: Number(m.created_at) }));
    const breakdown = scoreSession({ messages, rules: coach.rules, ladder: coach.ladder, targets: coach.targets, scenario: conv.scenario });
    const byAgent = new Map<string, number>();
    for (const m of rows) if (m.sender === 'agent' && m.agent_id) byAgent.set(m.agent_id, (byAgent.get(m.agent_id) ?? 0) + 1);
    const agentId = [...byAgent].sort((a, b) => b[1] - a[1])[0]?.[0] ?? conv.assigned_agent_id;
    const t = this.now();
    await this.repo.upsertAuto({
      id: newId('rev', t),
      shop_id: shopId,
      conversation_id: conv.id,
      session_started_at: from,
      closed_at: closedAt,
      agent_id: agentId,
      auto_score: breakdown.total,
      auto_breakdown: JSON.stringify(breakdown),
      manual_score: null,
      comment: null,
      reviewer_id: null,
      sampled_at: null,
      reviewed_at: null,
      created_at: t,
      updated_at: t,
    });
  }

  /** Scores closed sessions of the period that were missed (process stopped between close and scoring). */
  async catchUp(shopId: string, from: number, to: number): Promise<number> {
    const missing = await this.repo.unscoredClosed(shopId, from, to, 500);
    for (const c of missing) await this.scoreClosed(shopId, c.id);
    return missing.length;
  }

  /** Agents see their own reviews only; managers any agent's. */
  private scope(auth: AuthContext, f: ReviewFilter): ReviewFilter {
    return canManageQuality(auth) ? f : { ...f, agentId: auth.agent.id };
  }

  async list(auth: AuthContext, shopId: string, f: ReviewFilter, limit: number, offset: number) {
    const filter = this.scope(auth, f);
    await this.catchUp(shopId, f.from ?? 0, f.to ?? this.now());
    const [rows, stats] = await Promise.all([this.repo.list(shopId, filter, limit, offset), this.repo.count(shopId, filter)]);
    return { reviews: rows.map((r) => presentReview(r)), ...stats };
  }

  /** Draws `n` not-yet-sampled reviews of the period (and agent) at random and marks them sampled. */
  async sample(shopId: string, f: ReviewFilter, n: number, random: () => number = Math.random): Promise<ReviewDto[]> {
    await this.catchUp(shopId, f.from ?? 0, f.to ?? this.now());
    const ids = await this.repo.unsampledIds(shopId, f);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const picked = ids.slice(0, n);
    await this.repo.markSampled(shopId, picked, this.now());
    const out: ReviewDto[] = [];
    for (const id of picked) {
      const r = await this.repo.find(shopId, id);
      if (r) out.push(presentReview(r));
    }
    return out;
  }

  async get(auth: AuthContext, shopId: string, id: string): Promise<ReviewDto & { breakdown: AutoBreakdown; transcript: TranscriptLine[] }> {
    const r = await this.repo.find(shopId, id);
    if (!r || (!canManageQuality(auth) && r.agent_id !== auth.agent.id)) throw notFound('质检记录');
    const rows = await this.repo.sessionMessages(shopId, r.conversation_id, Number(r.session_started_at), Number(r.closed_at) + 60_000);
    const stored = new Map((await this.repo.flagsOf(r.conversation_id, Number(r.session_started_at))).map((f) => [f.message_id, f]));
    const coach = await this.coach(shopId);
    const visible = rows.filter((m) => m.kind !== 'note');
    // Flags as scored (recomputed with today's rules when not stored).
    const recomputed = flagAgentMessages(
      visible.map((m) => ({ sender: m.sender as ScoredMessage['sender'], kind: m.kind, text: m.text, createdAt: Number(m.created_at) })),
      coach.rules,
      coach.ladder,
    );
    let k = 0;
    const names = new Map((await this.repo.agentNames([...new Set(rows.map((m) => m.agent_id).filter((x): x is string => !!x))])).map((a) => [a.id, a.display_name]));
    const transcript: TranscriptLine[] = rows.map((m) => {
      const s = stored.get(m.id);
      const line: TranscriptLine = { id: m.id, seq: Number(m.seq), sender: m.sender, kind: m.kind, text: m.text ?? '', createdAt: Number(m.created_at), agentName: m.agent_id ? (names.get(m.agent_id) ?? null) : null };
      if (m.sender === 'agent' && m.kind === 'text' && m.text) {
        const flags = s?.kind === 'coach' ? parseJson<CoachFlagExt[]>(s.flags, []) : (recomputed[k] ?? []);
        k++;
        if (flags.length) line.flags = flags;
      }
      if (m.sender === 'buyer' && m.kind === 'text' && m.text) {
        const g = s?.kind === 'guard' ? parseJson<GuardResult | null>(s.flags, null) : screenBuyerMessage({ text: m.text, platform: coach.platform });
        if (g && (g.level !== 'safe' || g.links.length)) line.guard = { level: g.level, warnings: g.agentWarnings };
      }
      return line;
    });
    return { ...presentReview(r), breakdown: parseJson<AutoBreakdown>(r.auto_breakdown, null as unknown as AutoBreakdown), transcript };
  }

  async review(auth: AuthContext, shopId: string, id: string, body: { score: number; comment?: string | undefined }): Promise<ReviewDto> {
    const r = await this.repo.find(shopId, id);
    if (!r) throw notFound('质检记录');
    await this.repo.saveManual(shopId, id, { manual_score: body.score, comment: body.comment?.trim() || null, reviewer_id: auth.agent.id, reviewed_at: this.now() });
    return presentReview((await this.repo.find(shopId, id))!);
  }
}

const services = new WeakMap<AppContext, QualityService>();

/** The quality service of a context (one per process), installed on first use. */
export function qualityOf(ctx: AppContext): QualityService {
  let s = services.get(ctx);
  if (!s) {
    s = new QualityService(ctx);
    s.install();
    services.set(ctx, s);
  }
  return s;
}
