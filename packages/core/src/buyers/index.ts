export * from './groups.js';
export * from './mask.js';
export * from './traits.js';
export * from './profile.js';
export * from './segment.js';
