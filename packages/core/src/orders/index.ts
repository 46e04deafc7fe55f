export * from './types.js';
export * from './machine.js';
