/** Builds the default data source: the seeded simulated market of emulator/market/sim. */
import { createSimulatedMarket, type SimMarketOptions, type SimulatedMarket } from '../sim';

export function createDefaultMarket(opts: SimMarketOptions = {}): SimulatedMarket {
  return createSimulatedMarket(opts);
}
