export * from './scenarios.js';
export * from './platforms.js';
export * from './errors.js';
export * from './api.js';
export * from './realtime.js';
