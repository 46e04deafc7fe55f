import { SCENARIOS } from '@kefu/contracts';
import {
  type CoachFlagExt,
  type CoachRules,
  type ConcessionKind,
  type ConcessionLadder,
  checkConcessionJump,
  countQuestions,
  detectConcessions,
  lintReply,
} from '@kefu/core';

/** One message of a closed session, oldest first (notes excluded by the caller). */
export interface ScoredMessage {
  sender: 'buyer' | 'agent' | 'auto' | 'system';
  kind: string;
  text: string | null;
  createdAt: number;
}

/** Response-time targets of a shop (seconds). Seeds: reply within 1 minute (004), 20–30 s is good. */
export interface QualityTargets {
  firstResponseSec: number;
  responseSec: number;
}

export const DEFAULT_TARGETS: QualityTargets = { firstResponseSec: 30, responseSec: 60 };

/** The reception steps of seed 002 §三 that the auto review looks for in the agent's messages. */
export const RECEPTION_STEPS = ['greeting', 'needs', 'related', 'payment', 'after_payment', 'thanks'] as const;
export type ReceptionStep = (typeof RECEPTION_STEPS)[number];

export interface StepResult {
  step: ReceptionStep;
  /** false: the step does not apply to this conversation (after-sales has no selling); not counted. */
  applies: boolean;
  done: boolean;
  /** The agent text that showed the step (first 60 chars). */
  evidence?: string;
}

export interface FlagCount {
  id: string;
  count: number;
  /** Points taken off for this flag id. */
  penalty: number;
}

/** Auto score of one session: 100 points in four parts. */
export interface AutoBreakdown {
  total: number;
  response: { score: number; max: 30; firstResponseSec: number | null; withinTarget: number; answeredTurns: number; targets: QualityTargets };
  answered: { score: number; max: 15; questionTurns: number; unanswered: number; unansweredTexts: string[] };
  coach: { score: number; max: 25; flags: FlagCount[]; flaggedMessages: number; agentMessages: number };
  steps: { score: number; max: 30; results: StepResult[] };
}

/** Points off per coach flag on an agent message (serious violations cost most); the coach part floors at 0. */
export const FLAG_PENALTY: Record<string, number> = {
  off_platform_contact: 10,
  platform_forbidden: 10,
  cold_tone: 5,
  absolute_promise: 3,
  ad_law_extreme: 3,
  concession_jump: 3,
  not_warm: 1,
  too_short: 1,
};

/**
 * Cues for the reception steps (seed 002 §三): simple word lists on the agent's own messages, documented in
 * docs/QUALITY.md. A step is done when any agent message (not auto replies) matches.
 */
export const STEP_CUES: Record<ReceptionStep, RegExp> = {
  // 1. 主动问好并介绍自己: a greeting AND a self-introduction (我是X / 客服X / 叫我X).
  greeting: /(?=[\s\S]*(?:您好|你好|欢迎|在的|亲[，,！!~～ ]))(?=[\s\S]*(?:我是[^，,。！!？?\s]|客服[^，,。！!？?\s为您]|叫我[^，,。！!？?\s]|工号))/,
  // 2. 了解需要: asks the buyer about their need.
  needs: /请问|需要什么|想要|想买|喜欢什么|什么颜色|哪个颜色|哪款|尺码|身高|体重|多高|多重|预算|平时穿|用途|给谁|送人|自己用|什么场合|肤质|有什么可以帮/,
  // 5. 关联销售: suggests more items.
  related: /搭配|推荐您|给您推荐|为您推荐|一起买|一起拍|加购|凑单|套装|顺便|还需要|还有其他需要|再看看|配一|配上|满\d+减|第二件/,
  // 6. 引导付款: leads to ordering and paying.
  payment: /拍下|下单|付款|支付|结算|付一下|拍了|拍一下|完成付款|尽快付|链接给您|购物车/,
  // 7. 付款后提醒: 好评、收藏店铺 (seed 002), or checking the address and delivery.
  after_payment: /好评|五星|收藏|关注店铺|关注我们|晒图|核对|确认(?:一下)?(?:收货)?地址|地址(?:是否|对吗|没问题)|安排发货|尽快发货|注意查收|签收/,
  // 8. 感谢与祝福: thanks, blessing, welcome back.
  thanks: /谢谢|感谢|欢迎(?:您)?(?:再次|下次|常来|再来)|期待(?:您)?(?:再次|下次)|祝您|生活愉快|再见|拜拜|慢走/,
};

const SELLING_STEPS: ReadonlySet<ReceptionStep> = new Set(['related', 'payment', 'after_payment']);
const STAGE = new Map<string, string>(SCENARIOS.map((s) => [s.id, s.stage]));

/** Selling steps apply unless the session is after-sales or a risk chat (by its routed scenario). */
export function sellingApplies(scenario: string | null): boolean {
  if (!scenario) return true;
  if (scenario === 'off_platform' || scenario === 'complaint') return false;
  return STAGE.get(scenario) !== 'after';
}

interface Turn {
  start: number;
  texts: string[];
  replyAt: number | null;
}

/** Buyer turns (runs of consecutive buyer messages) and when the next agent message answered each. */
export function buyerTurns(messages: readonly ScoredMessage[]): Turn[] {
  const turns: Turn[] = [];
  let open: Turn | null = null;
  for (const m of messages) {
    if (m.sender === 'buyer') {
      if (!open) {
        open = { start: m.createdAt, texts: [], replyAt: null };
        turns.push(open);
      }
      if (m.text) open.texts.push(m.text);
    } else if (m.sender === 'agent' && open) {
      open.replyAt = m.createdAt;
      open = null;
    }
  }
  return turns;
}

/** Coach flags of each agent text message, linted against the buyer text right before it; concessions tracked. */
export function flagAgentMessages(messages: readonly ScoredMessage[], rules: CoachRules, ladder: ConcessionLadder): CoachFlagExt[][] {
  const out: CoachFlagExt[][] = [];
  let lastBuyer = '';
  const offered: ConcessionKind[] = [];
  for (const m of messages) {
    if (m.sender === 'buyer' && m.text) lastBuyer = m.text;
    if (m.sender !== 'agent' || m.kind !== 'text' || !m.text) continue;
    const flags: CoachFlagExt[] = [...lintReply({ buyer: lastBuyer, reply: m.text, platform: rules.platform }, rules), ...checkConcessionJump(m.text, ladder, offered)];
    for (const c of detectConcessions(m.text)) if (!offered.includes(c.kind)) offered.push(c.kind);
    out.push(flags);
    lastBuyer = '';
  }
  return out;
}

/**
 * Scores one closed session (pure): response times against targets (30), answered questions (15), coach flags on
 * the agent's messages (25) and the reception steps of seed 002 (30). Total 0–100.
 */
export function scoreSession(input: {
  messages: readonly ScoredMessage[];
  rules: CoachRules;
  ladder: ConcessionLadder;
  targets?: QualityTargets;
  scenario?: string | null;
  /** Coach flags already computed per agent text message (same order as flagAgentMessages); recomputed when absent. */
  agentFlags?: CoachFlagExt[][];
}): AutoBreakdown {
  const targets = input.targets ?? DEFAULT_TARGETS;
  const msgs = [...input.messages].sort((a, b) => a.createdAt - b.createdAt);
  const turns = buyerTurns(msgs);
  const answered = turns.filter((t) => t.replyAt !== null);

  // Response: 10 for the first human response, 20 spread over the answered turns.
  const first = answered[0];
  const firstSec = first ? (first.replyAt! - first.start) / 1000 : null;
  const firstPts = firstSec === null ? 0 : firstSec <= targets.firstResponseSec ? 10 : firstSec <= 2 * targets.firstResponseSec ? 5 : 0;
  const within = answered.filter((t) => (t.replyAt! - t.start) / 1000 <= targets.responseSec).length;
  const turnPts = answered.length ? Math.round((20 * within) / answered.length) : 0;
  const responseScore = turns.length === 0 ? 30 : firstPts + turnPts;

  // Answered: buyer turns holding a question with no agent message after them.
  const questionTurns = turns.filter((t) => countQuestions(t.texts.join('。'), input.rules) > 0);
  const unanswered = questionTurns.filter((t) => t.replyAt === null);
  const answeredScore = Math.max(0, 15 - 5 * unanswered.length);

  // Coach flags on the agent's messages.
  const perMessage = input.agentFlags ?? flagAgentMessages(msgs, input.rules, input.ladder);
  const counts = new Map<string, number>();
  for (const flags of perMessage) for (const f of flags) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
  const flagCounts: FlagCount[] = [...counts].map(([id, count]) => ({ id, count, penalty: count * (FLAG_PENALTY[id] ?? 1) })).sort((a, b) => b.penalty - a.penalty);
  const coachScore = Math.max(0, 25 - flagCounts.reduce((s, f) => s + f.penalty, 0));

  // Reception steps.
  const agentTexts = msgs.filter((m) => m.sender === 'agent' && m.text).map((m) => m.text!);
  const selling = sellingApplies(input.scenario ?? null);
  const results: StepResult[] = RECEPTION_STEPS.map((step) => {
    const applies = !SELLING_STEPS.has(step) || selling;
    const hit = applies ? agentTexts.find((t) => STEP_CUES[step].test(t)) : undefined;
    return { step, applies, done: hit !== undefined, ...(hit !== undefined ? { evidence: hit.slice(0, 60) } : {}) };
  });
  const applicable = results.filter((r) => r.applies);
  const stepsScore = agentTexts.length === 0 ? 0 : Math.round((30 * applicable.filter((r) => r.done).length) / applicable.length);

  return {
    total: responseScore + answeredScore + coachScore + stepsScore,
    response: { score: responseScore, max: 30, firstResponseSec: firstSec === null ? null : Math.round(firstSec), withinTarget: within, answeredTurns: answered.length, targets },
    answered: { score: answeredScore, max: 15, questionTurns: questionTurns.length, unanswered: unanswered.length, unansweredTexts: unanswered.map((t) => t.texts.join(' / ').slice(0, 80)) },
    coach: { score: coachScore, max: 25, flags: flagCounts, flaggedMessages: perMessage.filter((f) => f.length > 0).length, agentMessages: perMessage.length },
    steps: { score: stepsScore, max: 30, results },
  };
}
