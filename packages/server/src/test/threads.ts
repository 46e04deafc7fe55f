import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Per-thread nice values are readable here (Linux). */
export const threadNiceReadable = existsSync('/proc/self/task');

/** The nice value of thread `tid` of this process (Linux: field 19 of its stat). */
export function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** This process's threads' kernel ids (Linux). */
export const threadIds = (): number[] => readdirSync('/proc/self/task').map(Number);

/** The name of thread `tid` of this process (Linux: its comm). */
export function nameOf(tid: number): string {
  return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
}
