// Scenario-classifier latency and accuracy against a trivial keyword `includes` scan, same messages, same run.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioId } from '@kefu/contracts';
import { classify, DEFAULT_SCENARIO_EXAMPLES, trainClassifier } from '@kefu/core';
import { metric, percentile, result, type Bench } from './lib.js';

const holdoutFile = join(dirname(fileURLToPath(import.meta.url)), '../packages/core/data/scenarios/holdout.jsonl');

/** The baseline: first keyword found with String.includes, else `other`. */
const KEYWORDS: readonly [string, ScenarioId][] = [
  ['微信', 'off_platform'], ['qq', 'off_platform'], ['链接', 'off_platform'], ['投诉', 'complaint'], ['差评', 'complaint'],
  ['运费险', 'return_shipping'], ['退货运费', 'return_shipping'], ['发票', 'invoice'], ['正品', 'authenticity'],
  ['便宜', 'bargain'], ['打折', 'bargain'], ['优惠', 'promotion'], ['赠品', 'promotion'], ['包邮', 'shipping_fee'],
  ['运费', 'shipping_fee'], ['邮费', 'shipping_fee'], ['有货', 'stock'], ['补货', 'stock'], ['码', 'size'],
  ['色差', 'color_diff'], ['颜色', 'color_diff'], ['质量', 'quality'], ['起球', 'quality'], ['坏', 'quality_problem'],
  ['破', 'quality_problem'], ['换', 'exchange'], ['退', 'return_refund'], ['到哪', 'logistics'], ['物流', 'logistics'],
  ['没收到', 'logistics'], ['发货', 'ship_time'], ['几天', 'ship_time'], ['顺丰', 'courier'], ['快递', 'courier'],
  ['付款', 'payment'], ['花呗', 'payment'], ['地址', 'order_change'], ['拍错', 'order_change'], ['推荐', 'recommend'],
  ['哪款', 'recommend'], ['材质', 'product_info'], ['什么', 'product_info'], ['谢谢', 'thanks_bye'], ['好的', 'thanks_bye'],
  ['在吗', 'greeting'], ['你好', 'greeting'],
];

function keywordScan(text: string): ScenarioId {
  const t = text.toLowerCase();
  for (const [k, s] of KEYWORDS) if (t.includes(k)) return s;
  return 'other';
}

function timeEach(texts: readonly string[], fn: (t: string) => unknown): number[] {
  const out = new Array<number>(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const t0 = performance.now();
    fn(texts[i]!);
    out[i] = performance.now() - t0;
  }
  return out;
}

export const bench: Bench = {
  name: 'classify',
  async run({ quick }) {
    const holdout = readFileSync(holdoutFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { text: string; scenario: ScenarioId });
    const t0 = performance.now();
    const model = trainClassifier(DEFAULT_SCENARIO_EXAMPLES);
    const trainMs = performance.now() - t0;
    // Same-run baseline for training: one plain pass that classifies every training text with the keyword scan.
    const t1 = performance.now();
    for (let r = 0; r < 20; r++) for (const e of DEFAULT_SCENARIO_EXAMPLES) keywordScan(e.text);
    const scanPassMs = (performance.now() - t1) / 20;

    const reps = quick ? 8 : 200;
    const corpus: string[] = [];
    for (let r = 0; r < reps; r++) for (const e of holdout) corpus.push(e.text);
    timeEach(corpus.slice(0, 2000), (t) => classify(model, t)); // warm-up (JIT)
    timeEach(corpus.slice(0, 2000), keywordScan);
    const model_ = timeEach(corpus, (t) => classify(model, t));
    const base = timeEach(corpus, keywordScan);

    const acc = (f: (t: string) => ScenarioId) => holdout.filter((e) => f(e.text) === e.scenario).length / holdout.length;
    const modelAcc = acc((t) => classify(model, t).scenario);
    const scanAcc = acc(keywordScan);

    const p50 = percentile(model_, 50);
    const p99 = percentile(model_, 99);
    const b50 = percentile(base, 50);
    const b99 = percentile(base, 99);
    const scanName = 'keyword includes scan';
    return result('classify', [
      metric('p50_ms', p50, 'ms', scanName, b50, 'informational', () => true),
      metric('p99_ms', p99, 'ms', scanName, b99, '< 1 ms', (m) => m.value < 1),
      metric('holdout_top1', modelAcc, 'fraction', scanName, scanAcc, '>= 0.9 and > scan', (m) => m.value >= 0.9 && m.ratio > 1),
      metric('train_ms', trainMs, 'ms', 'keyword scan of the training texts', scanPassMs, '< 3000 ms', (m) => m.value < 3000),
    ], { notes: `${corpus.length} messages (hold-out × ${reps}); ${DEFAULT_SCENARIO_EXAMPLES.length} training examples` });
  },
};
