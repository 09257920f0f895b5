/** The offline market: HTTP stand-ins (server/) over the simulated market (sim/). */
export * from './server';
export { createSimulatedMarket } from './sim';
export type { SimulatedMarket, LlamaPool, ChartRow, TokenInfo, OhlcvBar, GasHour, TokenTransfer, Treasury } from './sim';
