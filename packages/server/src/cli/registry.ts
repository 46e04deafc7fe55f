import type { CliCommand } from './types.js';
import { command as classify } from './commands/classify.js';
import { command as report } from './commands/report.js';
import { command as lint } from './commands/lint.js';

/** Sub-commands besides `serve`, registered as their issues land. */
export const COMMANDS: CliCommand[] = [classify, lint, report];
