import type { ScenarioId } from '@kefu/contracts';

/** Where a text comes from: a seed handbook and section (`seed:001 §议价`), or written for Kefu. */
export type SeedSource = `seed:${string}` | 'authored';

/** One entry of the quick-reply library (快捷短语). */
export interface QuickReplySeed {
  id: string;
  scenario: ScenarioId;
  title: string;
  /** Typed in the composer to insert the reply, e.g. `/jj1`; unique in the library. */
  shortcut: string;
  /** Text with `{变量}` placeholders (see VARIABLES). */
  text: string;
  source: SeedSource;
  keywords?: readonly string[];
  /** May be sent without an agent when the shop enables auto-answer (facts that need no judgement). */
  safeForAuto?: boolean;
}

export type AutoReplyKind = 'greeting' | 'greeting_promotion' | 'greeting_reminder' | 'returning' | 'busy' | 'out_of_hours';

/** An automatic message of reception (first response, busy, outside business hours). */
export interface AutoReplySeed {
  id: string;
  kind: AutoReplyKind;
  text: string;
  source: SeedSource;
}

export type AfterPaymentKind = 'confirm_address' | 'courier' | 'review' | 'favorite' | 'thanks';

/** A message sent after the buyer pays (seed 002 step 7, seed 004 核对收件信息). */
export interface AfterPaymentSeed {
  id: string;
  kind: AfterPaymentKind;
  text: string;
  source: SeedSource;
}

/** When an urging script fits (seed 003: impulse window, 24 h, before the order closes). */
export type UrgingTiming = 'impulse' | 'event_ending' | 'same_day_dispatch' | 'any' | 'before_close';

/** A payment-urging (催付) script. */
export interface UrgingScript {
  id: string;
  title: string;
  text: string;
  timing: UrgingTiming;
  /** The lever the handbook says the script pulls. */
  lever: string;
  source: SeedSource;
}

/** The three FAQ kinds of seed 000: product knowledge, recommendation, transaction. */
export type FaqKind = 'product' | 'recommend' | 'transaction';

export interface FaqEntry {
  id: string;
  kind: FaqKind;
  scenario: ScenarioId;
  question: string;
  answer: string;
  keywords: readonly string[];
  /** Set when the answer is about one product. */
  productSku?: string;
  source: SeedSource;
}

/** Foot length → shoe size: the largest foot (cm) each size fits. */
export interface ShoeSizeChart {
  kind: 'shoe';
  rows: readonly { size: string; footLengthMaxCm: number }[];
  /** How the last runs: `wide` → slim feet take one size down; `standard` → wide/high-instep feet one up (seed 001). */
  fit: 'standard' | 'wide' | 'narrow';
  note: string;
}

/** Height/weight → clothing size. */
export interface ClothingSizeChart {
  kind: 'clothing';
  rows: readonly {
    size: string;
    heightCm: readonly [number, number];
    weightKg: readonly [number, number];
    bustCm?: number;
    lengthCm?: number;
  }[];
  note: string;
}

export type SizeChart = ShoeSizeChart | ClothingSizeChart;

export type ProductCategory = 'outdoor_shoes' | 'womens_clothing';

/** A concise product file (商品档案) as seed 001 asks an agent to keep for each item. */
export interface ProductFile {
  sku: string;
  name: string;
  category: ProductCategory;
  /** Price in yuan. */
  price: number;
  colors: readonly string[];
  sizes: readonly string[];
  /** Stock per colour, then per size. */
  stock: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Material by part (鞋面, 防水层, 面料 …). */
  material: readonly { part: string; value: string }[];
  sizeChart: SizeChart;
  sellingPoints: readonly string[];
  /** What to tell the buyer honestly: weak points, care, who it does not suit. */
  cautions: readonly string[];
  relatedSkus: readonly string[];
  /** Weight, fit, use — short facts for the product card. */
  facts?: readonly string[];
}

/** The demo shop the server seeds. */
export interface DemoShopProfile {
  name: string;
  agentName: string;
  businessHours: string;
  defaultCourier: string;
  freeShippingNote: string;
}
