export * from './random.js';
export { inQuietHours, nextAllowed, type QuietHours } from './time.js';
export * from './schedule.js';
export * from './plan.js';
export * from './bandit.js';
export * from './scripts.js';
