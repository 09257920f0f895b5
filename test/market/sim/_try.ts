import { createSimulatedMarket } from '../../../emulator/market/sim';
import { DEFAULT_APPROVED_PROTOCOLS, DEFAULT_APPROVED_TOKENS, DEFAULT_BLACKLISTED_TOKENS } from '../../../functions/src/lib/params';
const t0 = Date.now();
const m = createSimulatedMarket({ endDate: '2025-10-06' });
const s = m.poolsSnapshot('2025-10-06');
const t1 = Date.now();
console.log('snapshot', s.length, t1 - t0, 'ms', 'heap', Math.round(process.memoryUsage().heapUsed / 1e6));
const s2 = m.poolsSnapshot('2025-10-05'); console.log('snap2', s2.length, Date.now() - t1, 'ms');
const approved = new Map(DEFAULT_APPROVED_TOKENS.map(t => [t.address.toLowerCase(), t.symbol]));
const black = new Set(DEFAULT_BLACKLISTED_TOKENS.map(t => t.symbol.toUpperCase()));
const blackAddr = new Set(DEFAULT_BLACKLISTED_TOKENS.filter(t => t.address).map(t => t.address!.toLowerCase()));
const mc = new Map(m.tokens().map(t => [t.symbol, m.ohlcvDaily(t.cmcId, '2025-10-06', '2025-10-06')[0]?.marketCap ?? 0]));
const reasons: Record<string, number> = {};
let pass = 0;
for (const p of s) {
  const r: string[] = [];
  if (!DEFAULT_APPROVED_PROTOCOLS.includes(p.project)) r.push('protocol');
  if (p.chain !== 'Ethereum') r.push('chain');
  const u = (p.underlyingTokens ?? []).map(a => a.toLowerCase());
  const pendle = p.project === 'pendle';
  if (u.length === 0 || (pendle ? !u.some(a => approved.has(a)) : !u.every(a => approved.has(a)))) r.push('token');
  if (p.symbol.split('-').some(x => black.has(x)) || u.some(a => blackAddr.has(a))) r.push('blacklist');
  if (u.some(a => approved.has(a) && (mc.get(approved.get(a)!) ?? 0) < 35e6)) r.push('mcap');
  for (const x of r) reasons[x] = (reasons[x] ?? 0) + 1;
  if (r.length === 0) pass++;
}
console.log('pass', pass, reasons);
console.log('mcap', [...mc].filter(([k, v]) => v < 35e6 && approved.size).slice(0, 10));
