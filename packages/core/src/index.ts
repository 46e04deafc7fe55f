// Pure domain rules of Kefu. One line per area (append-only).
export * from './errors.js';
export * from './kpi/index.js';
export * from './taobao/index.js';
export * from './classify/index.js';
export * from './coach/index.js';
export * from './guard/index.js';
export * from './assist/index.js';
export * from './seed/index.js';
export * from './buyers/index.js';
export * from './orders/index.js';
export * from './urging/index.js';
export * from './client-id.js';
