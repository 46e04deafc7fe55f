/** Readers for Taobao/Tmall exports and the chat JSON lines of `kefu report`. */
export { parseTaobaoOrders, normalizeHeader, cleanCell, parseMoney } from './orders.js';
export type { ParsedOrder, ParsedOrders } from './orders.js';
export { parseChatJsonl } from './chats.js';
export type { ParsedChats } from './chats.js';
export { decodeExport, parseCsv } from './csv.js';
export type { LineError, CsvRecord } from './csv.js';
