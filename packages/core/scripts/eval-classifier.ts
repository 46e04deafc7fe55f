// Evaluates the scenario classifier: top-1/top-3 accuracy and confusions on the hold-out set and on
// hand-labelled real JD buyer turns (labels only in data/eval/jddc-labels.tsv; text joined at eval time).
// Run: npx tsx --conditions=source packages/core/scripts/eval-classifier.ts [--errors] [--json]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isScenarioId, type ScenarioId } from '@kefu/contracts';
import { classify, createDefaultClassifier, type ClassifierModel } from '../src/classify/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const JDDC_TSV = process.env.KEFU_JDDC_TSV ?? '/work/shared/real-data/jddc2019/user_messages_derived.tsv';

export interface LabelledText {
  text: string;
  scenario: ScenarioId;
}

export interface EvalReport {
  n: number;
  top1: number;
  top3: number;
  confusions: { gold: ScenarioId; got: ScenarioId; count: number }[];
  errors: { text: string; gold: ScenarioId; got: ScenarioId; confidence: number }[];
}

/** Reads a JSONL file of {text, scenario}. */
export function readJsonl(file: string): LabelledText[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledText);
}

/** Joins jddc-labels.tsv (session, turn, scenario) with the real TSV; undefined when the TSV is absent. */
export function readJddc(labelsFile: string, tsvFile: string): (LabelledText & { split: 'dev' | 'test' })[] | undefined {
  if (!existsSync(tsvFile)) return undefined;
  const text = new Map<string, string>();
  for (const line of readFileSync(tsvFile, 'utf8').split('\n').slice(1)) {
    const [sid, turn, ...rest] = line.split('\t');
    if (sid && turn) text.set(`${sid}\t${turn}`, rest.join('\t'));
  }
  const out: (LabelledText & { split: 'dev' | 'test' })[] = [];
  for (const line of readFileSync(labelsFile, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#') || line.startsWith('session_id')) continue;
    const [sid, turn, scenario] = line.split('\t');
    const t = text.get(`${sid}\t${turn}`);
    if (t === undefined || !scenario || !isScenarioId(scenario)) throw new Error(`bad label line: ${line}`);
    // Fixed split by session: first hex digit even → dev (error analysis allowed), odd → test (never inspected).
    out.push({ text: t, scenario, split: parseInt(sid!.charAt(0), 16) % 2 === 0 ? 'dev' : 'test' });
  }
  return out;
}

/** Scores a model on labelled texts. */
export function evaluate(model: ClassifierModel, rows: readonly LabelledText[]): EvalReport {
  let top1 = 0;
  let top3 = 0;
  const conf = new Map<string, number>();
  const errors: EvalReport['errors'] = [];
  for (const r of rows) {
    const c = classify(model, r.text, 3);
    if (c.scenario === r.scenario) top1++;
    else {
      const key = `${r.scenario}\t${c.scenario}`;
      conf.set(key, (conf.get(key) ?? 0) + 1);
      errors.push({ text: r.text, gold: r.scenario, got: c.scenario, confidence: c.confidence });
    }
    if (c.top.some((t) => t.scenario === r.scenario)) top3++;
  }
  const confusions = [...conf]
    .map(([k, count]) => {
      const [gold, got] = k.split('\t') as [ScenarioId, ScenarioId];
      return { gold, got, count };
    })
    .sort((a, b) => b.count - a.count);
  return { n: rows.length, top1: rows.length ? top1 / rows.length : 0, top3: rows.length ? top3 / rows.length : 0, confusions, errors };
}

function print(name: string, r: EvalReport, showErrors: boolean): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`\n## ${name}: n=${r.n}  top-1 ${pct(r.top1)}  top-3 ${pct(r.top3)}`);
  console.log('most frequent confusions (gold → predicted):');
  for (const c of r.confusions.slice(0, 12)) console.log(`  ${c.gold} → ${c.got}: ${c.count}`);
  if (showErrors) for (const e of r.errors) console.log(`  ✗ [${e.gold} → ${e.got} ${e.confidence}] ${e.text.slice(0, 80)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const showErrors = process.argv.includes('--errors');
  const t0 = performance.now();
  const model = createDefaultClassifier();
  console.log(`trained on shipped examples in ${(performance.now() - t0).toFixed(0)} ms (${model.size} features)`);
  const holdout = evaluate(model, readJsonl(join(root, 'data/scenarios/holdout.jsonl')));
  print('hold-out (authored, never trained on)', holdout, showErrors);
  const jd = readJddc(join(root, 'data/eval/jddc-labels.tsv'), JDDC_TSV);
  if (!jd) console.log(`\n## JDDC: skipped, ${JDDC_TSV} not found`);
  else {
    print('JDDC real buyer turns, all (hand-labelled)', evaluate(model, jd), false);
    print('JDDC dev half (errors looked at while tuning)', evaluate(model, jd.filter((r) => r.split === 'dev')), showErrors);
    print('JDDC test half (errors never looked at)', evaluate(model, jd.filter((r) => r.split === 'test')), false);
  }
}
