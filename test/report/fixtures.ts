/** Allocation documents and ledger views for the report tests (shapes of allocate/types.ts). */
import type { AllocationRecord, AllocationSolved, PoolAllocation, Transaction } from '../../functions/src/steps/allocate/types';
import type { LedgerView, PoolInfo } from '../../functions/src/steps/report/slack-message';

export const poolUuid = (i: number) => `${String(i).padStart(8, '0')}-1111-4222-8333-${String(i).padStart(12, '0')}`;

/**
 * `nPools` pools of 100,000 USD each at APY 4 + i/10 %, AUM = invested + 50,000 USDC in the wallet;
 * transactions: one HOLD, one WITHDRAW, one CONVERT, then a DEPOSIT per remaining pool.
 */
export function solvedAllocation(runId: string, runDate: string, nPools: number): AllocationRecord {
  const pools: PoolAllocation[] = Array.from({ length: nPools }, (_, i): PoolAllocation => ({
    poolId: poolUuid(i), group: 1, forecastApy: 4 + i / 10, amountUsd: 100_000, shareOfAum: 0, tokens: { [i % 2 ? 'USDT' : 'USDC']: 100_000 },
  }));
  const invested = nPools * 100_000;
  const aum = invested + 50_000;
  for (const p of pools) p.shareOfAum = p.amountUsd / aum;
  const transactions: Transaction[] = [
    { seq: 1, type: 'HOLD', poolId: poolUuid(0), token: 'USDC', amountUsd: 100_000, costUsd: 0, gasUsd: 0, feeUsd: 0 },
    { seq: 2, type: 'WITHDRAW', poolId: poolUuid(1), token: 'USDT', amountUsd: 25_000, amountToken: 25_000, costUsd: 1.25, gasUsd: 1.25, feeUsd: 0 },
    { seq: 3, type: 'CONVERT', token: 'USDC', toToken: 'USDT', amountUsd: 40_000, costUsd: 17.5, gasUsd: 1.5, feeUsd: 16 },
    ...pools.slice(1).map((p, i): Transaction => ({ seq: 4 + i, type: 'DEPOSIT', poolId: p.poolId, token: Object.keys(p.tokens)[0], amountUsd: 100_000, costUsd: 1.25, gasUsd: 1.25, feeUsd: 0 })),
  ];
  const gas = transactions.reduce((s, t) => s + t.gasUsd, 0);
  const annual = pools.reduce((s, p) => s + (p.amountUsd * p.forecastApy) / 100, 0);
  const result: AllocationSolved = {
    status: 'optimal',
    objective: 'yield',
    transactions,
    finalAllocation: { pools, wallet: { USDC: 50_000 } },
    aumUsd: aum,
    investedUsd: invested,
    expectedYieldUsd: annual / 365,
    projectedApy: { gross: (annual / invested) * 100, net: ((annual / 365 - gas - 16) / aum) * 365 * 100 },
    costs: { gasUsd: gas, conversionUsd: 16, totalUsd: gas + 16 },
    solver: { status: 'optimal', modelStatus: 7, mipGap: 0, solveTimeMs: 12, columns: 10, rows: 10, binaries: 4, prunedPools: 0 },
    warnings: [],
  };
  return { runId, runDate, status: 'optimal', objective: 'yield', result };
}

export function poolInfos(nPools: number): Record<string, PoolInfo> {
  return Object.fromEntries(
    Array.from({ length: nPools }, (_, i) => [poolUuid(i), { project: ['aave-v3', 'compound-v3', 'morpho-v1'][i % 3], symbol: i % 2 ? 'USDT' : 'USDC', poolMeta: i === 2 ? 'Steakhouse <USDC> & co' : null, tvlUsd: 25_000_000 + i * 1_000_000 }]),
  );
}

export const LEDGER: LedgerView = {
  navUsd: 1_047_200,
  yesterday: { date: '2025-03-03', yieldUsd: -2_800, apyPct: -60.12, netFlowsUsd: -50_000, gasUsd: 20 },
  ytd: { yieldUsd: 12_345.67, apyPct: 4.87, days: 62 },
};
