export { findLinks, PLATFORM_DOMAINS, type GuardLink } from './links.js';
export { screenBuyerMessage, type GuardResult, type GuardRisk, type GuardRiskKind } from './screen.js';
export { screenFile, sniffBytes, type FileKind, type FileVerdict, type ScreenFileOptions } from './file.js';
export { renderSafeSegments, type SafeSegment } from './render.js';
