import type { CliCommand } from './types.js';

/** Sub-commands besides `serve`, registered as their issues land. */
export const COMMANDS: CliCommand[] = [];
