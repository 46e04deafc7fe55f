import type { Platform } from '@kefu/contracts';

/** Flag ids of `kefu lint` (CONTRACT.md): stable, do not rename. */
export const COACH_FLAG_IDS = [
  'too_short',
  'not_warm',
  'cold_tone',
  'absolute_promise',
  'ad_law_extreme',
  'platform_forbidden',
  'off_platform_contact',
] as const;
export type CoachFlagId = (typeof COACH_FLAG_IDS)[number];

/** Extension ids the UI may show but `kefu lint` does not print. */
export type CoachExtraFlagId = 'concession_jump';

/** One finding on a reply draft; start/end are UTF-16 offsets into the reply, end exclusive. */
export interface CoachFlag {
  id: CoachFlagId;
  start: number;
  end: number;
  message: string;
  suggestion?: string;
}

/** A flag that may also carry an extension id (UI only). */
export interface CoachFlagExt extends Omit<CoachFlag, 'id'> {
  id: CoachFlagId | CoachExtraFlagId;
}

/**
 * How context decides whether a matched cold phrase is really cold:
 * - `always`: always flagged (爱买不买);
 * - `unsoftened`: flagged unless the same sentence is a question, or a softener (呢/哦/亲 …) follows it,
 *   or a reason/alternative (因为/不过/可以/建议 …) appears in the sentence;
 * - `bare`: flagged only when the phrase is the whole clause (a bare 没有).
 */
export type PhraseMode = 'always' | 'unsoftened' | 'bare';

/** One word or phrase of a rule list. Lists are data: shops may edit, add or remove entries. */
export interface PhraseRule {
  phrase: string;
  /** A warmer or safer rewrite of the matched span. */
  suggestion?: string;
  /** Overrides the rule's default message. */
  message?: string;
  /** The match is ignored when the text right before it ends with one of these (能不能, 不一定). */
  notBefore?: string[];
  /** The match is ignored when the text right after it starts with one of these (最近, 第一次). */
  notAfter?: string[];
  /** The match is ignored when its sentence holds one of these (邮箱 in a sentence about 发票). */
  unlessSentenceHas?: string[];
  /** Only meaningful for cold_tone; default `always`. */
  mode?: PhraseMode;
}

/** All word lists and switches of the coach for one shop. Plain data, JSON-serialisable. */
export interface CoachRules {
  platform: Platform;
  /** Rules switched off for this shop. */
  disabled: CoachFlagId[];
  tooShort: {
    /** Reply content chars must be >= ratio × buyer content chars (1 = 问答对等). */
    ratio: number;
    /** Question words marking a buyer clause as a question (besides ？/?). */
    questionWords: string[];
    /** Question words that count only at the end of a clause (吗/呢/嘛). */
    questionEndings: string[];
    /** Lookalikes that are not questions (那么, 几乎). */
    notQuestionWords: string[];
    /** Greetings and particles that do not count as an answer (亲, 您好, 哦). */
    pleasantries: string[];
  };
  /** Any of these anywhere in the reply makes it warm (besides emoji and emoticons). */
  warmMarkers: string[];
  /** Text emoticons counted as warm (:) ^_^); bracket emoticons like [微笑] are warm unless in coldEmoticons. */
  emoticons: string[];
  /** Cold, dismissive phrases, emoticons and emoji (seed 000: avoid 无奈/皱眉/汗). */
  cold: PhraseRule[];
  /** Particles and pleas that soften a refusal when they follow it in the sentence. */
  softeners: string[];
  /** Words that give a reason or an alternative, anywhere in the sentence. */
  reasonMarkers: string[];
  absolute: PhraseRule[];
  adLaw: PhraseRule[];
  platformForbidden: PhraseRule[];
  offPlatform: PhraseRule[];
  /** Detect phone numbers, landlines and e-mail addresses by pattern. */
  contactPatterns: { mobile: boolean; landline: boolean; email: boolean };
  /** A number right after one of these (within a few chars) is an order/tracking number, not a phone. */
  numberContexts: string[];
}
