// Pure domain rules of Kefu. One line per area (append-only).
export * from './errors.js';
