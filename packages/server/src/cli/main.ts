import { UsageError, type CliCommand, type CliIo } from './types.js';
import { command as serve } from './commands/serve.js';
import { COMMANDS as MORE } from './registry.js';

/** Every `kefu` sub-command, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [serve, ...MORE];

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: kefu <command> [flags]',
    '',
    'Kefu 客服 — customer-service workbench for online shops.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `kefu <command> --help` for the flags of a command.',
  ].join('\n');
}

/** Runs one command line; returns the exit code (2 for usage errors, never a stack trace for them). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout.write('kefu 0.1.0\n');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`kefu: unknown command '${name}'\nusage: kefu <command> [flags]   (kefu --help lists the commands)\n`);
    return 2;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`kefu ${cmd.name}: ${err.message}\n${cmd.usage.split('\n')[0]}\n`);
      return 2;
    }
    throw err;
  }
}

/** Process entry used by bin/kefu. */
export async function main(): Promise<void> {
  const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
  try {
    const code = await runCli(process.argv.slice(2), io);
    process.exitCode = code;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ENOENT' || e?.code === 'EACCES') {
      io.stderr.write(`kefu: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    if (e?.code === 'EADDRINUSE') {
      io.stderr.write(`kefu: 端口已被占用 (${e.message})。用 --port 换一个端口。\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
