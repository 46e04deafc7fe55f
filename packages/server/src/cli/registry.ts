import type { CliCommand } from './types.js';
import { command as classify } from './commands/classify.js';
import { command as report } from './commands/report.js';
import { command as lint } from './commands/lint.js';
import { command as rollups } from './commands/rollups.js';
import { command as importCmd } from './commands/import.js';

/** Sub-commands besides `serve`, registered as their issues land. */
export const COMMANDS: CliCommand[] = [classify, importCmd, lint, report, rollups];
