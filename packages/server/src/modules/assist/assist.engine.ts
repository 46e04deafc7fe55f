import type { ScenarioId } from '@kefu/contracts';
import {
  classify,
  type ClassifierModel,
  createDefaultClassifier,
  DEFAULT_SCENARIO_EXAMPLES,
  createSuggestionIndex,
  fillVariables,
  loadClassifier,
  type PickStats,
  recordFeedback,
  type ScenarioClassification,
  type ScenarioExample,
  type ScenarioScore,
  suggest,
  type SuggestIndex,
  type SuggestItem,
  type SuggestQuery,
  trainClassifier,
  type VariableName,
} from '@kefu/core';
import { remember } from '../../storage/lru.js';

/**
 * The CPU-heavy half of suggestions — classify a buyer message with the shop's model and rank the shop's
 * library — behind a message protocol, so it runs the same in the `assist.worker.ts` thread and inline
 * (fallback) on the main thread. State is per shop and versioned: the main thread sends a shop's library
 * (items + pick counts) and model before the first request that needs that version, then feedback as it
 * happens; operations are applied strictly in order. No I/O here.
 */

/** A suggestion item with what the pushed frame shows besides the item itself. */
export interface LibraryItem extends SuggestItem {
  shortcut?: string;
}

/** A library version as the main thread holds it; `stats` is replaced (never mutated) on feedback. */
export interface LibraryRef {
  readonly v: number;
  readonly items: readonly LibraryItem[];
  stats: ReadonlyMap<string, PickStats>;
}

/** Variables whose values come from the buyer's latest order (read by the main thread only when a ranked text needs one). */
export const ORDER_VARIABLES: readonly VariableName[] = ['订单号', '快递', '物流单号', '金额', '收货地址'];
const ORDER_VARS_RE = /\{(订单号|快递|物流单号|金额|收货地址)\}/;

/** A shop's classifier version: `json` is the retrained model (`model.toJSON()` as text), null for the shared default. */
export interface ModelRef {
  readonly v: number;
  readonly json: string | null;
}

export type EngineOp =
  | { op: 'library'; shopId: string; v: number; items: readonly LibraryItem[]; stats: ReadonlyMap<string, PickStats> }
  | { op: 'model'; shopId: string; v: number; json: string | null }
  | { op: 'feedback'; shopId: string; v: number; shownIds: readonly string[]; pickedId: string | null }
  | { op: 'drop'; shopId: string }
  | RunOp;

/** Classify `text` and, with `lib` set, rank that library version for it and fill the variables. */
export interface RunOp {
  op: 'run';
  id: number;
  shopId: string;
  /** Expected versions: a mismatch answers an error (the caller then computes inline) instead of using other state. */
  model: number;
  lib: number;
  text: string;
  productSku?: string;
  limit: number;
  /** Variable values for the texts; `order: true` when the order variables were looked up (present or not). */
  vars?: Partial<Record<VariableName, string>>;
  order?: boolean;
  /** Also return the classifier's runner-ups and the keyword rules that fired (routes, auto-answer). */
  detail?: boolean;
  /** Also give each item its ranking score (the try-out route). */
  scores?: boolean;
  /** Also return the ranking before its texts are filled (`RunOk.ranked`), for the main thread to keep. */
  keep?: boolean;
}

/**
 * One suggestion as pushed to agents — what the workbench shows: the text has its variables filled, `missing` (only when
 * not empty) lists the ones left open, `reasons` are the ranking's reasons as UI labels. `score` only on request.
 */
export interface SuggestionItemDto {
  id: string;
  kind: 'reply' | 'faq';
  title: string;
  text: string;
  missing?: string[];
  shortcut?: string;
  reasons: string[];
  score?: number;
}

export interface RunOk {
  id: number;
  scenario: ScenarioId;
  confidence: number;
  /** The frame's `items` as JSON text (`SuggestionItemDto[]`), built here so the main thread neither rebuilds nor re-serialises them. */
  items: string;
  /** What the main thread keeps to tell which item an agent then sent (`shownItems`): `id␁key` per item, joined by `␂`. */
  shown: string;
  /**
   * A short key standing for `items` exactly (`renderItems`): the same key means the same items JSON, so an agent socket
   * finds a list it already has by this (a fraction of the items' length) instead of hashing and comparing the whole JSON.
   */
  list?: string;
  /** A ranked text uses an order variable that `vars` lacks and `order` was not set: look the order up and ask again. */
  needOrder?: boolean;
  /** The classification came from the engine's cache of recent texts (`ClassificationCache`). */
  cached?: true;
  /** A ranked text has placeholders, so `items` depends on `vars` (filled or left open); without it the answer is the same whatever `vars` holds. */
  varies?: true;
  /** With `keep`: the ranked items before filling (`encodeRanked`), which `renderItems` turns into `items` for any variables. */
  ranked?: string;
  /** Filled in on the main thread from a kept ranking (`RankedCache`): the same request was answered before. */
  kept?: true;
  top?: ScenarioScore[];
  rules?: string[];
}
export interface RunFailed {
  id: number;
  error: string;
}
export type RunResult = RunOk | RunFailed;

/** An item's fixed JSON parts, serialised once per library version. */
export interface ItemJson {
  /** `{"id":…,"kind":…,"title":…,` */
  head: string;
  /** `,"shortcut":…` or empty. */
  tail: string;
  /** `"text":…` when the text has no placeholder, else null (filled per request). */
  text: string | null;
  template: string;
  order: boolean;
  /** `textKey` of the text when it has no placeholder. */
  key: string;
  /** Names these very parts (`renderItems`' list key): unique in the process and across processes (`JSON_NONCE`). */
  uid: string;
}

/**
 * Random per thread (each thread loads this module anew), so the ItemJson uids of the worker, the main thread and other
 * processes (scaled mode: suggestion events cross processes) never coincide.
 */
const JSON_NONCE = Math.floor(Math.random() * 36 ** 8).toString(36);
let jsonCount = 0;

const SHOWN_ITEM = '\u0002';
const SHOWN_KEY = '\u0001';

/** The text without white space (what `\s` matches): how an agent's sent text is compared with a suggestion's. */
export function withoutSpace(text: string): string {
  return text.replace(/\s+/g, '');
}

/**
 * A short key of a reply text, white space ignored (FNV-1a, 32 bits, base 36): an agent's message whose key equals a
 * shown item's is taken as that item sent. Kept instead of the texts, so a conversation waiting for its answer holds
 * ~200 bytes rather than the whole frame (thousands of conversations wait at a peak).
 */
export function textKey(text: string): string {
  return fnv1a(withoutSpace(text)).toString(36);
}

/** FNV-1a over the UTF-16 code units of `s`: 32 bits, unsigned. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The items of a `shown` string (RunOk), in rank order. */
export function shownItems(shown: string): Array<{ id: string; key: string }> {
  if (!shown) return [];
  return shown.split(SHOWN_ITEM).map((x) => {
    const at = x.indexOf(SHOWN_KEY);
    return { id: x.slice(0, at), key: x.slice(at + 1) };
  });
}

/** Reason labels repeat (one per scenario and a few fixed ones): their JSON is kept, bounded. */
const labelJson = new Map<string, string>();
function jsonLabel(label: string): string {
  let j = labelJson.get(label);
  if (j === undefined) {
    j = JSON.stringify(label);
    if (labelJson.size < 2000) labelJson.set(label, j);
  }
  return j;
}

/**
 * Classifications of recently seen texts, keyed by model and exact text. Buyers repeat themselves — 在吗, 好的, 包邮吗,
 * 能便宜点吗 — and a classification is a pure function of the model and the text, so a repeated text is not classified
 * again. Only short texts are kept (long ones rarely repeat); the least recently used entry goes first when full. Keys
 * carry the model version, so a retrained model never sees the previous one's answers.
 */
export class ClassificationCache {
  private readonly map = new Map<string, ScenarioClassification>();
  hits = 0;
  misses = 0;

  constructor(
    readonly maxEntries = 20_000,
    /** Texts longer than this (UTF-16 units) are classified every time and not kept. */
    readonly maxTextLength = 64,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** `model` names the model version (the same string for every shop on the shared default). */
  classify(model: string, classifier: ClassifierModel, text: string): { c: ScenarioClassification; cached: boolean } {
    if (text.length > this.maxTextLength) {
      this.misses++;
      return { c: classify(classifier, text), cached: false };
    }
    const key = `${model}\u0000${text}`;
    const have = this.map.get(key);
    if (have) {
      this.hits++;
      remember(this.map, key, have, this.maxEntries);
      return { c: have, cached: true };
    }
    this.misses++;
    const c = classify(classifier, text);
    remember(this.map, key, c, this.maxEntries);
    return { c, cached: false };
  }
}

interface ShopState {
  lib: number;
  index: SuggestIndex | null;
  json: Map<string, ItemJson>;
  stats: ReadonlyMap<string, PickStats>;
  model: number;
  custom: ClassifierModel | null;
  /** Why the shop's model could not be loaded; requests answer this error until a new version arrives. */
  modelError: string | null;
}

export class AssistEngine {
  private readonly shops = new Map<string, ShopState>();
  readonly classified = new ClassificationCache();

  /** Trains the shared default model now (the worker does this at start, before the first request waits for it). */
  warm(): void {
    createDefaultClassifier();
  }

  private shop(shopId: string): ShopState {
    let s = this.shops.get(shopId);
    if (!s) {
      s = { lib: -1, index: null, json: new Map(), stats: new Map(), model: -1, custom: null, modelError: null };
      this.shops.set(shopId, s);
    }
    return s;
  }

  /** Applies one operation; `run` answers, the others change state. */
  apply(op: EngineOp): RunResult | undefined {
    switch (op.op) {
      case 'library': {
        const s = this.shop(op.shopId);
        s.lib = op.v;
        s.index = createSuggestionIndex(op.items);
        s.json = libraryJson(op.items);
        s.stats = op.stats;
        return undefined;
      }
      case 'model': {
        const s = this.shop(op.shopId);
        s.model = op.v;
        s.custom = null;
        s.modelError = null;
        if (op.json !== null) {
          try {
            s.custom = loadClassifier(op.json);
          } catch (err) {
            s.modelError = `model ${op.v}: ${(err as Error).message}`;
          }
        }
        return undefined;
      }
      case 'feedback': {
        const s = this.shops.get(op.shopId);
        if (s && s.lib === op.v) s.stats = recordFeedback(s.stats, op.shownIds, op.pickedId);
        return undefined;
      }
      case 'drop':
        this.shops.delete(op.shopId);
        return undefined;
      case 'run':
        return this.run(op);
    }
  }

  private run(op: RunOp): RunResult {
    try {
      const s = this.shops.get(op.shopId);
      if (!s || s.model !== op.model) return { id: op.id, error: `model ${op.model} of ${op.shopId} not loaded` };
      if (s.modelError) return { id: op.id, error: s.modelError };
      if (op.lib >= 0 && (s.lib !== op.lib || !s.index)) return { id: op.id, error: `library ${op.lib} of ${op.shopId} not loaded` };
      const { c, cached } = s.custom
        ? this.classified.classify(`${op.shopId}\u0001${s.model}`, s.custom, op.text)
        : this.classified.classify('', createDefaultClassifier(), op.text);
      let items = '[]';
      let shown = '';
      let list = '';
      let needOrder = false;
      let varies = false;
      let kept: string | undefined;
      if (op.lib >= 0 && s.index) {
        const query: SuggestQuery = { scenario: c.scenario, alternatives: c.top.slice(1), text: op.text, shopStats: s.stats };
        if (op.productSku) query.productSku = op.productSku;
        const ranked: RankedRef[] = [];
        for (const r of suggest(s.index, query, op.limit)) {
          let reasons = '';
          for (const x of r.reasons) reasons += reasons ? `,${jsonLabel(x.label)}` : jsonLabel(x.label);
          ranked.push({ id: r.id, score: r.score, reasons });
        }
        ({ items, shown, list, needOrder, varies } = renderItems(s.json, ranked, op.vars ?? {}, op.order ?? false, op.scores ?? false));
        if (op.keep) kept = encodeRanked(ranked);
      }
      const out: RunOk = { id: op.id, scenario: c.scenario, confidence: c.confidence, items, shown, list };
      if (needOrder) out.needOrder = true;
      if (varies) out.varies = true;
      if (kept !== undefined) out.ranked = kept;
      if (cached) out.cached = true;
      if (op.detail) {
        out.top = c.top;
        out.rules = c.rules;
      }
      return out;
    } catch (err) {
      return { id: op.id, error: (err as Error).message };
    }
  }

  /** Versions this engine holds for a shop (tests). */
  versions(shopId: string): { lib: number; model: number } | null {
    const s = this.shops.get(shopId);
    return s ? { lib: s.lib, model: s.model } : null;
  }
}

function itemJson(i: LibraryItem): ItemJson {
  const placeholders = i.text.includes('{');
  return {
    key: placeholders ? '' : textKey(i.text),
    uid: `${JSON_NONCE}.${(jsonCount++).toString(36)}`,
    head: `{"id":${JSON.stringify(i.id)},"kind":"${i.kind}","title":${JSON.stringify(i.title)},`,
    tail: i.shortcut ? `,"shortcut":${JSON.stringify(i.shortcut)}` : '',
    text: placeholders ? null : `"text":${JSON.stringify(i.text)}`,
    template: i.text,
    order: ORDER_VARS_RE.test(i.text),
  };
}

/** The fixed JSON parts of a library's items, by id (once per library version, in the worker and on the main thread). */
export function libraryJson(items: readonly LibraryItem[]): Map<string, ItemJson> {
  return new Map(items.map((i) => [i.id, itemJson(i)]));
}

/** One ranked item before its text is filled: id, score and its reasons' labels as JSON (the array's inside). */
export interface RankedRef {
  id: string;
  score: number;
  reasons: string;
}

const RANKED_ITEM = '\u0002';
const RANKED_FIELD = '\u0001';

/** A ranking as one string (cheap to post between threads; JSON escapes control characters, so the separators never occur inside). */
export function encodeRanked(ranked: readonly RankedRef[]): string {
  let out = '';
  for (const r of ranked) out += `${out ? RANKED_ITEM : ''}${r.id}${RANKED_FIELD}${r.score}${RANKED_FIELD}${r.reasons}`;
  return out;
}

export function decodeRanked(s: string): RankedRef[] {
  if (!s) return [];
  return s.split(RANKED_ITEM).map((x) => {
    const [id, score, reasons] = x.split(RANKED_FIELD) as [string, string, string];
    return { id, score: Number(score), reasons };
  });
}

/**
 * The frame's `items` JSON for a ranking, with `vars` filled in: texts without placeholders use their JSON serialised
 * once per library version; the others are filled now (and then the answer `varies` with the variables).
 */
export function renderItems(
  json: ReadonlyMap<string, ItemJson>,
  ranked: readonly RankedRef[],
  vars: Partial<Record<VariableName, string>>,
  order: boolean,
  scores: boolean,
): { items: string; shown: string; list: string; needOrder: boolean; varies: boolean } {
  let items = '[';
  let shown = '';
  // The list key: per item its JSON parts' uid, the filled text when it has placeholders (exactly, not its key), the
  // reasons and the score when shown — everything `items` is made of, so equal keys mean equal items.
  let list = '';
  let needOrder = false;
  let varies = false;
  let first = true;
  for (const r of ranked) {
    const j = json.get(r.id)!;
    if (j.order && !order) needOrder = true;
    let text = j.text;
    let key = j.key;
    if (text === null) {
      varies = true;
      const f = fillVariables(j.template, vars);
      text = `"text":${JSON.stringify(f.text)}`;
      if (f.missing.length) text += `,"missing":${JSON.stringify(f.missing)}`;
      key = textKey(f.text);
    }
    list += `${first ? '' : SHOWN_ITEM}${j.uid}${SHOWN_KEY}${j.text === null ? text : ''}${SHOWN_KEY}${r.reasons}${scores ? `${SHOWN_KEY}${r.score}` : ''}`;
    shown += `${first ? '' : SHOWN_ITEM}${r.id}${SHOWN_KEY}${key}`;
    items += `${first ? '' : ','}${j.head}${text},"reasons":[${r.reasons}]${scores ? `,"score":${r.score}` : ''}${j.tail}}`;
    first = false;
  }
  return { items: `${items}]`, shown, list, needOrder, varies };
}

/** A shop model trained on the shipped examples plus the shop's own, as the JSON text that is stored and loaded. */
export function trainShopModel(own: readonly ScenarioExample[]): string {
  return JSON.stringify(trainClassifier([...DEFAULT_SCENARIO_EXAMPLES, ...own]).toJSON());
}

/** Whether a result is an error. */
export function failed(r: RunResult): r is RunFailed {
  return 'error' in r;
}
