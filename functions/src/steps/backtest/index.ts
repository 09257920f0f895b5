/** The backtest (DOMAIN.md "Backtest"): pure replay engine, data sources, metrics and the HTML report. */
export * from './types';
export { Backtest, initialState, runBacktest, type BacktestState, type StepProgress } from './engine';
export { buildMarketView, allocationInput, HISTORY_WINDOW_DAYS, GAS_WINDOW_DAYS, type MarketView } from './day-step';
export { summarize, seriesMetrics, dailyReturns, maxDrawdown } from './metrics';
export { SimulatedMarketSource } from './sim-source';
export { renderReport } from './report-html';
export { FirestoreBacktestSource, StoredHistoryMissingError, type FirestoreSourceOptions } from './firestore-source';
