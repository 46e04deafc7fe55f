import { SCENARIO_IDS } from '@kefu/contracts';
import { classify, createDefaultClassifier } from '@kefu/core';
import { intFlag, parseArgs, readLines } from '../args.js';
import { UsageError, type CliCommand } from '../types.js';

const usage = `usage: kefu classify [--top N]

Reads buyer messages from standard input, one per line (UTF-8), and writes one JSON line per input line,
in order: {"text","scenario","confidence","top":[{"scenario","score"}]} (scenario ids: docs SCENARIOS.md).
  --top N    how many ranked scenarios to list in "top" (1-${SCENARIO_IDS.length}, default 3)
An empty line gives scenario "other" with confidence 0.`;

/** `kefu classify`: scenario of each buyer message read from stdin. */
export const command: CliCommand = {
  name: 'classify',
  summary: 'classify buyer messages (stdin lines) into scenarios (议价、运费、物流…)',
  usage,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, { values: ['top'] });
    if (flags.help) {
      io.stdout.write(usage + '\n');
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const topN = intFlag(flags, 'top', 3, 1, SCENARIO_IDS.length);
    const model = createDefaultClassifier();
    for await (const line of readLines(io.stdin)) {
      const c = classify(model, line, topN);
      const out = JSON.stringify({ text: line, scenario: c.scenario, confidence: c.confidence, top: c.top }) + '\n';
      // Respect back-pressure so a huge stdin does not pile up in memory.
      if (!io.stdout.write(out)) await new Promise<void>((resolve) => io.stdout.once('drain', () => resolve()));
    }
    return 0;
  },
};
