import { SCENARIO_IDS, isScenarioId, type ScenarioId } from '@kefu/contracts';
import { extractFeatures, lengthBucket, splitClauses, toUnits } from './features.js';
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

/**
 * A probability or logit vector over the classes: a plain array, in training and on the per-message path alike (see
 * `distributionOf`), so the functions over it see a single kind of array.
 */
type Vec = number[];

function softmaxInPlace(v: Vec): void {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! > max) max = v[i]!;
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

/**
 * Feature strings of a model as a character trie, so the n-grams of a message are looked up by walking from the
 * `u:`/`b:`/`t:` nodes through their units' characters instead of building and hashing one string per feature.
 * The trie holds exactly the model's feature strings, so a walk finds a row iff the concatenated string is a feature.
 * Edges live in one open-addressing table keyed by (node, UTF-16 code unit).
 */
class FeatureTrie {
  /** Row of the feature ending at each node, -1 when none. */
  private readonly rowOf: Int32Array;
  private readonly edgeNode: Int32Array;
  private readonly edgeChar: Int32Array;
  private readonly edgeChild: Int32Array;
  private readonly mask: number;

  constructor(features: readonly string[]) {
    let chars = 0;
    for (const f of features) chars += f.length;
    let size = 16;
    while (size < chars * 2) size *= 2;
    this.mask = size - 1;
    this.edgeNode = new Int32Array(size).fill(-1);
    this.edgeChar = new Int32Array(size);
    this.edgeChild = new Int32Array(size);
    const rows: number[] = [-1];
    let nodes = 1;
    for (let r = 0; r < features.length; r++) {
      const f = features[r]!;
      let node = 0;
      for (let i = 0; i < f.length; i++) {
        const c = f.charCodeAt(i);
        let next = this.child(node, c);
        if (next < 0) {
          next = nodes++;
          rows.push(-1);
          this.insert(node, c, next);
        }
        node = next;
      }
      rows[node] = r; // a repeated feature keeps its last row, as in a Map built from the list
    }
    this.rowOf = Int32Array.from(rows);
  }

  private slot(node: number, c: number): number {
    return (Math.imul(node, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b)) & this.mask;
  }

  private insert(node: number, c: number, child: number): void {
    let i = this.slot(node, c);
    while (this.edgeNode[i] !== -1) i = (i + 1) & this.mask;
    this.edgeNode[i] = node;
    this.edgeChar[i] = c;
    this.edgeChild[i] = child;
  }

  /** Child of `node` by code unit `c`, or -1. */
  child(node: number, c: number): number {
    let i = this.slot(node, c);
    for (;;) {
      const n = this.edgeNode[i]!;
      if (n === -1) return -1;
      if (n === node && this.edgeChar[i] === c) return this.edgeChild[i]!;
      i = (i + 1) & this.mask;
    }
  }

  /** The node reached from `node` through the characters of `s`, or -1 (also when `node` is -1). */
  walk(node: number, s: string): number {
    for (let i = 0; i < s.length && node >= 0; i++) node = this.child(node, s.charCodeAt(i));
    return node;
  }

  row(node: number): number {
    return node < 0 ? -1 : this.rowOf[node]!;
  }
}

const CLASS_FEATURES = ['len:1', 'len:2-3', 'len:4-6', 'len:7-12', 'len:13+', 'cls:question', 'cls:only-placeholders', 'cls:only-ascii', 'cls:empty'] as const;

/** Multinomial logistic regression over sparse binary n-gram features, plus additive keyword-rule boosts. */
export class ClassifierModel {
  readonly classes: readonly ScenarioId[];
  private readonly index: Map<string, number>;
  private readonly weights: Float64Array;
  private readonly bias: Float64Array;
  /**
   * `bias` as a plain array, copied for each text's logits: a `Float64Array` of the 25 classes (200 bytes) is allocated
   * outside V8's heap, ~2 µs each, three or four times per message (the whole text and each clause); `slice()` of an
   * array ~0.02 µs.
   */
  private readonly biasList: number[];
  readonly rules: readonly ScenarioKeywordRule[];
  private readonly trie: FeatureTrie;
  /** Trie nodes of the `u:`, `b:`, `t:` prefixes and of `b:^`, `t:^` (-1 when absent). */
  private readonly roots: { u: number; b: number; t: number; b0: number; t0: number };
  /** Rows of the length-bucket and token-class features (-1 when the model lacks one). */
  private readonly classRows: ReadonlyMap<string, number>;
  /** Per-call scratch: the rows of one text's features, in feature order. */
  private rowsScratch = new Int32Array(64);

  constructor(classes: readonly ScenarioId[], features: readonly string[], weights: Float64Array, bias: Float64Array, rules: readonly ScenarioKeywordRule[] = SCENARIO_KEYWORD_RULES) {
    this.classes = classes;
    this.index = new Map(features.map((f, i) => [f, i]));
    this.weights = weights;
    this.bias = bias;
    this.biasList = Array.from(bias);
    this.rules = rules;
    this.trie = new FeatureTrie(features);
    const t = this.trie;
    this.roots = { u: t.walk(0, 'u:'), b: t.walk(0, 'b:'), t: t.walk(0, 't:'), b0: t.walk(0, 'b:^'), t0: t.walk(0, 't:^') };
    this.classRows = new Map(CLASS_FEATURES.map((f) => [f, this.index.get(f) ?? -1]));
  }

  /** Number of known features. */
  get size(): number {
    return this.index.size;
  }

  /**
   * Rows of the features of one unit list, in `extractFeatures` order and with its repeats (each occurrence adds its
   * weights once), found through the trie; returns how many, and counts the n-gram ones (not len:/cls:) in `known`.
   */
  private rowsOf(units: readonly string[], out: { known: number }): number {
    const t = this.trie;
    const { u: U, b: B, t: T, b0, t0 } = this.roots;
    // Content units (without ? and !) — same filter as extractFeatures.
    const content = units.length === 0 ? units : units.filter((x) => x !== '?' && x !== '!');
    const n = content.length;
    const maxRows = 3 * n + 6;
    if (this.rowsScratch.length < maxRows) this.rowsScratch = new Int32Array(maxRows * 2);
    const rows = this.rowsScratch;
    const cr = this.classRows;
    let k = 0;
    let known = 0;
    let r = cr.get(lengthBucket(n))!;
    if (r >= 0) rows[k++] = r;
    if (n !== units.length && (r = cr.get('cls:question')!) >= 0) rows[k++] = r;
    let placeholders = 0;
    let ascii = 0;
    // bPrev: `b:` + previous unit (or ^); tPrev: `t:` + previous unit (or ^); tPair: `t:` + the two previous units.
    let bPrev = b0;
    let tPrev = t0;
    let tPair = -1;
    for (let i = 0; i < n; i++) {
      const x = content[i]!;
      const c0 = x.charCodeAt(0);
      if (c0 === 60) placeholders++;
      else if (c0 < 128) ascii++;
      r = t.row(t.walk(U, x));
      if (r >= 0) {
        rows[k++] = r;
        known++;
      }
      r = t.row(t.walk(bPrev, x));
      if (r >= 0) {
        rows[k++] = r;
        known++;
      }
      r = i >= 1 ? t.row(t.walk(tPair, x)) : -1;
      if (r >= 0) {
        rows[k++] = r;
        known++;
      }
      tPair = t.walk(tPrev, x);
      tPrev = t.walk(T, x);
      bPrev = t.walk(B, x);
    }
    if (n > 0) {
      const last = content[n - 1]!;
      r = t.row(t.walk(t.walk(B, last), '$'));
      if (r >= 0) {
        rows[k++] = r;
        known++;
      }
      r = t.row(t.walk(t.walk(n >= 2 ? t.walk(T, content[n - 2]!) : t0, last), '$'));
      if (r >= 0) {
        rows[k++] = r;
        known++;
      }
    }
    if (n > 0 && placeholders === n && (r = cr.get('cls:only-placeholders')!) >= 0) rows[k++] = r;
    if (n > 0 && ascii === n && (r = cr.get('cls:only-ascii')!) >= 0) rows[k++] = r;
    if (n === 0 && (r = cr.get('cls:empty')!) >= 0) rows[k++] = r;
    out.known = known;
    return k;
  }

  /** Probabilities over `classes` for one normalised text (model + rules), and the rules that fired. */
  distribution(norm: string): { p: number[]; rules: string[]; known: number } {
    return this.distributionOf(norm, toUnits(norm));
  }

  /** `distribution` for a text whose units (`toUnits(norm)`) are known already. */
  private distributionOf(norm: string, units: readonly string[]): { p: number[]; rules: string[]; known: number } {
    const k = this.classes.length;
    const logits = this.biasList.slice();
    const counted = { known: 0 };
    const nRows = this.rowsOf(units, counted);
    const rows = this.rowsScratch;
    const w = this.weights;
    for (let i = 0; i < nRows; i++) {
      const base = rows[i]! * k;
      for (let c = 0; c < k; c++) logits[c]! += w[base + c]!;
    }
    const { ids, boosts } = applyScenarioRules(norm, this.rules);
    for (const [s, b] of boosts) {
      const c = this.classes.indexOf(s);
      if (c >= 0) logits[c]! += b;
    }
    softmaxInPlace(logits);
    return { p: logits, rules: ids, known: counted.known };
  }

  /** @internal classify's entry: the units of the whole text are computed once. */
  scoreUnits(norm: string, units: readonly string[]) {
    return this.distributionOf(norm, units);
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
  // A plain array like the per-message path's logits: `softmaxInPlace` then only ever sees one kind of array.
  const p: Vec = new Array<number>(k).fill(0);
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
      for (let c = 0; c < k; c++) p[c] = bias[c]!;
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

/** The `topN` best classes, by probability then class order (a selection, not a sort of all classes). */
function ranked(classes: readonly ScenarioId[], p: Vec, topN: number): ScenarioScore[] {
  const out: ScenarioScore[] = [];
  const taken = new Uint8Array(p.length);
  for (let k = 0; k < topN && k < p.length; k++) {
    let best = -1;
    for (let i = 0; i < p.length; i++) if (!taken[i] && (best < 0 || p[i]! > p[best]!)) best = i;
    taken[best] = 1;
    out.push({ scenario: classes[best]!, score: Math.round(p[best]! * 1e4) / 1e4 });
  }
  return out;
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
  const units = toUnits(norm);
  if (!units.some((u) => u !== '?' && u !== '!')) {
    return { text: raw, scenario: 'other', confidence: 0, top: [{ scenario: 'other', score: 0 }], rules: [] };
  }
  const whole = model.scoreUnits(norm, units);
  let p = whole.p;
  const rules = new Set(whole.rules);
  const clauses = splitClauses(norm);
  if (clauses.length > 1) {
    const wholeTop = argmax(whole.p);
    let best: { p: Vec; conf: number } | undefined;
    for (const c of clauses) {
      const d = model.distribution(c);
      const t = argmax(d.p);
      if (isLowPriorityScenario(model.classes[t]!)) continue;
      if (!best || d.p[t]! > best.conf) best = { p: d.p, conf: d.p[t]! };
    }
    if (best && (isLowPriorityScenario(model.classes[wholeTop]!) || best.conf > whole.p[wholeTop]!) && best.conf >= 0.3) {
      const mixed: number[] = [];
      for (let i = 0; i < p.length; i++) mixed.push(0.4 * whole.p[i]! + 0.6 * best.p[i]!);
      p = mixed;
    }
  }
  const top = ranked(model.classes, p, n);
  const first = top[0]!;
  return { text: raw, scenario: first.scenario, confidence: first.score, top, rules: [...rules] };
}

function argmax(p: Vec): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}
