/** Streams a command reads and writes; injected so tests run commands in-process. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** One `kefu <name>` sub-command. `run` resolves to the process exit code. */
export interface CliCommand {
  name: string;
  /** One line for `kefu --help`. */
  summary: string;
  /** Full usage text for `kefu <name> --help` (first line is the usage line). */
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Thrown for bad flags: main prints `message` + the usage line and exits 2. */
export class UsageError extends Error {}
