import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PLATFORMS, isPlatform } from '@kefu/contracts';
import { defaultCoachRules, extendCoachRules, lintReply, validateCoachRulesOverride, type CoachRules, type CoachRulesOverride } from '@kefu/core';
import { parseArgs, readLines } from '../args.js';
import { UsageError, type CliCommand } from '../types.js';

const usage = `usage: kefu lint --platform P [--rules FILE]

Checks agent reply drafts against the service rules (docs/COACH.md). Reads JSON lines
{"buyer":"…","reply":"…"} (the buyer's last message and the agent's draft) from standard input and writes
one line {"flags":[{"id","start","end","message","suggestion"}]} per input line, in order.
  --platform P    the shop's platform: ${PLATFORMS.join(', ')}
  --rules FILE    JSON shop override of the default word lists:
                  {"add":{"cold":[{"phrase":"…","suggestion":"…"}]},"remove":{"adLaw":["首选"]},"disable":["not_warm"]}
Flag ids: too_short, not_warm, cold_tone, absolute_promise, ad_law_extreme, platform_forbidden, off_platform_contact.
A bad input line gives {"flags":[],"error":"line N: …"} on stdout and "stdin:N: …" on standard error;
the exit code is then 1 (after all lines are read).`;

/** Reads a `--rules` override file; a broken file is a data error (exit 1), not a usage error. */
async function loadRules(cwd: string, file: string, base: CoachRules): Promise<CoachRules | string> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (err) {
    return `${file}:1: cannot read rules file (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return `${file}:1: rules file is not valid JSON (${(err as Error).message})`;
  }
  const problems = validateCoachRulesOverride(parsed);
  if (problems.length > 0) return `${file}:1: ${problems.join('; ')}`;
  return extendCoachRules(base, parsed as CoachRulesOverride);
}

/** Parses one input line into buyer and reply, or says what is wrong. */
function parseLine(line: string): { buyer: string; reply: string } | string {
  if (line.trim() === '') return 'empty line (expected {"buyer":"…","reply":"…"})';
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'not valid JSON (expected {"buyer":"…","reply":"…"})';
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'expected a JSON object {"buyer":"…","reply":"…"}';
  const o = v as Record<string, unknown>;
  if (typeof o.reply !== 'string') return '"reply" must be a string';
  if (o.buyer !== undefined && typeof o.buyer !== 'string') return '"buyer" must be a string';
  return { buyer: (o.buyer as string | undefined) ?? '', reply: o.reply };
}

/** `kefu lint`: flags for each agent draft read from stdin (CONTRACT.md). */
export const command: CliCommand = {
  name: 'lint',
  summary: 'check agent reply drafts (JSON lines) for cold tone, promises, extreme words, off-platform contact…',
  usage,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, { values: ['platform', 'rules'] });
    if (flags.help) {
      io.stdout.write(usage + '\n');
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const platform = flags.platform;
    if (typeof platform !== 'string') throw new UsageError('--platform is required');
    if (!isPlatform(platform)) throw new UsageError(`--platform must be one of ${PLATFORMS.join(', ')}`);
    let rules = defaultCoachRules(platform);
    if (typeof flags.rules === 'string') {
      const loaded = await loadRules(io.cwd, flags.rules, rules);
      if (typeof loaded === 'string') {
        io.stderr.write(loaded + '\n');
        return 1;
      }
      rules = loaded;
    }
    let n = 0;
    let bad = 0;
    for await (const line of readLines(io.stdin)) {
      n++;
      const input = parseLine(line);
      let out: string;
      if (typeof input === 'string') {
        bad++;
        io.stderr.write(`stdin:${n}: ${input}\n`);
        out = JSON.stringify({ flags: [], error: `line ${n}: ${input}` });
      } else {
        out = JSON.stringify({ flags: lintReply({ ...input, platform }, rules) });
      }
      if (!io.stdout.write(out + '\n')) await new Promise<void>((done) => io.stdout.once('drain', () => done()));
    }
    if (bad > 0) {
      io.stderr.write(`kefu lint: ${bad} of ${n} lines skipped\n`);
      return 1;
    }
    return 0;
  },
};
