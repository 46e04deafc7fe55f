import { SCENARIO_IDS, isScenarioId, type ScenarioId } from '@kefu/contracts';
import { extractFeatures, splitClauses, toUnits } from './features.js';
import { normalizeText } from './normalize.js';
import { applyScenarioRules, SCENARIO_KEYWORD_RULES, type ScenarioKeywordRule } from './rules.js';

/** One labelled buyer message. */
export interface ScenarioExample {
  text: string;
  scenario: ScenarioId;
}

/** Training knobs; the defaults are what the shipped accuracy figures were measured with. */
export interface ClassifierTrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Seed of the deterministic example shuffle. */
  seed?: number;
}

/** Serialised model (`model.toJSON()`), loadable with `loadClassifier`. */
export interface ClassifierJSON {
  format: 'kefu-scenario-classifier';
  version: 1;
  classes: ScenarioId[];
  features: string[];
  /** Row-major `features.length × classes.length`, rounded. */
  weights: number[];
  bias: number[];
}

/** A ranked scenario and its probability-like score. */
export interface ScenarioScore {
  scenario: ScenarioId;
  score: number;
}

/** What `classify` returns: best scenario, its confidence, the N best, and the keyword rules that fired. */
export interface ScenarioClassification {
  text: string;
  scenario: ScenarioId;
  confidence: number;
  top: ScenarioScore[];
  rules: string[];
}

const LOW_PRIORITY: ReadonlySet<ScenarioId> = new Set<ScenarioId>(['greeting', 'thanks_bye', 'other']);

/** Scenarios that are not a question by themselves: a later clause with a question wins over them. */
export function isLowPriorityScenario(s: ScenarioId): boolean {
  return LOW_PRIORITY.has(s);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const e = Math.exp(v[i]! - max);
    v[i] = e;
    sum += e;
  }
  for (let i = 0; i < v.length; i++) v[i]! /= sum;
}

function featuresOf(norm: string): string[] {
  return extractFeatures(toUnits(norm));
}

/** Multinomial logistic regression over sparse binary n-gram features, plus additive keyword-rule boosts. */
export class ClassifierModel {
  readonly classes: readonly ScenarioId[];
  private readonly index: Map<string, number>;
  private readonly weights: Float64Array;
  private readonly bias: Float64Array;
  readonly rules: readonly ScenarioKeywordRule[];

  constructor(classes: readonly ScenarioId[], features: readonly string[], weights: Float64Array, bias: Float64Array, rules: readonly ScenarioKeywordRule[] = SCENARIO_KEYWORD_RULES) {
    this.classes = classes;
    this.index = new Map(features.map((f, i) => [f, i]));
    this.weights = weights;
    this.bias = bias;
    this.rules = rules;
  }

  /** Number of known features. */
  get size(): number {
    return this.index.size;
  }

  /** Probabilities over `classes` for one normalised text (model + rules), and the rules that fired. */
  distribution(norm: string): { p: Float64Array; rules: string[]; known: number } {
    const k = this.classes.length;
    const logits = Float64Array.from(this.bias);
    let known = 0;
    for (const f of featuresOf(norm)) {
      const row = this.index.get(f);
      if (row === undefined) continue;
      if (f.charCodeAt(0) !== 108 && f.charCodeAt(0) !== 99) known++; // len:/cls: features say nothing on their own
      const base = row * k;
      for (let c = 0; c < k; c++) logits[c]! += this.weights[base + c]!;
    }
    const { ids, boosts } = applyScenarioRules(norm, this.rules);
    for (const [s, b] of boosts) {
      const c = this.classes.indexOf(s);
      if (c >= 0) logits[c]! += b;
    }
    softmaxInPlace(logits);
    return { p: logits, rules: ids, known };
  }

  /** Serialisable form; weights under 1e-3 are dropped and the rest rounded to 4 decimals. */
  toJSON(): ClassifierJSON {
    const k = this.classes.length;
    const features: string[] = [];
    const weights: number[] = [];
    for (const [f, row] of this.index) {
      let keep = false;
      for (let c = 0; c < k; c++) if (Math.abs(this.weights[row * k + c]!) >= 1e-3) keep = true;
      if (!keep) continue;
      features.push(f);
      for (let c = 0; c < k; c++) weights.push(Math.round(this.weights[row * k + c]! * 1e4) / 1e4);
    }
    return {
      format: 'kefu-scenario-classifier',
      version: 1,
      classes: [...this.classes],
      features,
      weights,
      bias: Array.from(this.bias, (b) => Math.round(b * 1e4) / 1e4),
    };
  }
}

/** Trains the classifier (deterministic for a given seed). Throws on an example whose scenario id is unknown. */
export function trainClassifier(examples: readonly ScenarioExample[], opts: ClassifierTrainOptions = {}): ClassifierModel {
  const epochs = opts.epochs ?? 30;
  const lr0 = opts.learningRate ?? 0.5;
  const l2 = opts.l2 ?? 1e-4;
  const rand = mulberry32(opts.seed ?? 20241111);
  const classes = SCENARIO_IDS;
  const k = classes.length;
  const index = new Map<string, number>();
  const data: { feats: Int32Array; y: number }[] = [];
  for (const ex of examples) {
    if (!isScenarioId(ex.scenario)) throw new Error(`unknown scenario id: ${String(ex.scenario)}`);
    const norm = normalizeText(ex.text);
    if (!norm) continue;
    const ids = new Set<number>();
    for (const f of featuresOf(norm)) {
      let i = index.get(f);
      if (i === undefined) {
        i = index.size;
        index.set(f, i);
      }
      ids.add(i);
    }
    data.push({ feats: Int32Array.from(ids), y: classes.indexOf(ex.scenario) });
  }
  const weights = new Float64Array(index.size * k);
  const bias = new Float64Array(k);
  const order = data.map((_, i) => i);
  const p = new Float64Array(k);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const lr = lr0 / (1 + epoch * 0.1);
    const decay = 1 - lr * l2;
    for (const n of order) {
      const { feats, y } = data[n]!;
      const scale = 1 / Math.sqrt(feats.length);
      p.set(bias);
      for (const f of feats) {
        const base = f * k;
        for (let c = 0; c < k; c++) p[c]! += weights[base + c]!;
      }
      softmaxInPlace(p);
      for (let c = 0; c < k; c++) {
        const g = p[c]! - (c === y ? 1 : 0);
        bias[c]! -= lr * g * 0.1;
        const step = lr * g * scale;
        for (const f of feats) {
          const at = f * k + c;
          weights[at] = weights[at]! * decay - step;
        }
      }
    }
  }
  return new ClassifierModel(classes, [...index.keys()], weights, bias);
}

/** Rebuilds a model from `toJSON()` output; throws on anything that is not such a document. */
export function loadClassifier(json: unknown): ClassifierModel {
  const j = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<ClassifierJSON> | null;
  if (!j || j.format !== 'kefu-scenario-classifier' || j.version !== 1) throw new Error('not a kefu scenario classifier');
  const { classes, features, weights, bias } = j;
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string' && isScenarioId(c))) throw new Error('bad classes');
  if (!Array.isArray(features) || !Array.isArray(weights) || !Array.isArray(bias)) throw new Error('bad model arrays');
  if (weights.length !== features.length * classes.length || bias.length !== classes.length) throw new Error('model size mismatch');
  return new ClassifierModel(classes, features, Float64Array.from(weights), Float64Array.from(bias));
}

function ranked(classes: readonly ScenarioId[], p: Float64Array, topN: number): ScenarioScore[] {
  const idx = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]! || a - b);
  return idx.slice(0, topN).map((i) => ({ scenario: classes[i]!, score: Math.round(p[i]! * 1e4) / 1e4 }));
}

/**
 * Classifies one buyer message. The whole message and each clause are scored; when the whole reads as a
 * greeting/thanks (or a clause is surer), the most confident actionable clause is mixed in so that
 * "亲在吗？这个能便宜点吗" comes out as bargain. Empty or garbage-only input → `other` with confidence 0.
 */
export function classify(model: ClassifierModel, text: string, topN = 3): ScenarioClassification {
  const raw = typeof text === 'string' ? text : '';
  const n = Math.max(1, Math.min(Math.floor(topN) || 3, model.classes.length));
  const norm = normalizeText(raw);
  if (!toUnits(norm).some((u) => u !== '?' && u !== '!')) {
    return { text: raw, scenario: 'other', confidence: 0, top: [{ scenario: 'other', score: 0 }], rules: [] };
  }
  const whole = model.distribution(norm);
  let p = whole.p;
  const rules = new Set(whole.rules);
  const clauses = splitClauses(norm);
  if (clauses.length > 1) {
    const wholeTop = argmax(whole.p);
    let best: { p: Float64Array; conf: number } | undefined;
    for (const c of clauses) {
      const d = model.distribution(c);
      const t = argmax(d.p);
      if (isLowPriorityScenario(model.classes[t]!)) continue;
      if (!best || d.p[t]! > best.conf) best = { p: d.p, conf: d.p[t]! };
    }
    if (best && (isLowPriorityScenario(model.classes[wholeTop]!) || best.conf > whole.p[wholeTop]!) && best.conf >= 0.3) {
      const mixed = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) mixed[i] = 0.4 * whole.p[i]! + 0.6 * best.p[i]!;
      p = mixed;
    }
  }
  const top = ranked(model.classes, p, n);
  const first = top[0]!;
  return { text: raw, scenario: first.scenario, confidence: first.score, top, rules: [...rules] };
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}
