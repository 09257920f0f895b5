import { createSimulatedMarket } from '../../../emulator/market/sim';
const t0 = Date.now();
const m = createSimulatedMarket({ endDate: '2025-10-06' });
const s = m.poolsSnapshot('2025-10-06'); const t1 = Date.now(); console.log('snap', s.length, t1 - t0);
const mcap = new Map(m.tokens().map((t) => [t.symbol, m.ohlcvDaily(t.cmcId, '2025-10-06', '2025-10-06')[0]?.marketCap ?? 0]));
console.log('ohlcv', Date.now() - t1, mcap.size);
