/** KPI engine of KPIS.md: figures, drill-down, time-zone helpers and display rounding. */
export { computeKpis, runKpis, resolveKpiSettings, dataSpan, UNKNOWN_AGENT } from './engine.js';
export type { KpiSink, CohortFacts, TurnFacts, OrderFacts, ReminderFacts, EngineOrder } from './engine.js';
export { drillDown } from './drill.js';
export {
  roundHalfUp,
  roundRatio,
  roundMoney,
  roundSeconds,
  formatRate,
  formatMoney,
  formatDuration,
  kpiReportToJson,
} from './format.js';
export { makeZone, parseTime, parseDay, formatDay, isValidTimeZone, makeBusinessClock } from './time.js';
export type { Zone, BusinessHours, BusinessClock } from './time.js';
export type * from './types.js';
