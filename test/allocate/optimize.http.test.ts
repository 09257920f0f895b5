/**
 * optimizeAllocations through the functions host on the embedded Firestore emulator. The inputs the
 * earlier steps would have stored (finalFilter, poolGroups, gasForecasts, ledger, priceDaily,
 * features) are seeded directly with the real client in the layouts their writers use; startRun is
 * called over HTTP for the run document. Checks: the stored allocation against the DOMAIN rules
 * (test/allocate/helpers.ts replays it against an input built here by hand), a held pool that must be
 * exited, an unmapped position, infeasibility with its reason, mean-variance, reruns and a
 * superseded runId.
 */
import { writeCrossSection } from '../../functions/src/lib/cross-section';
import { addDays } from '../../functions/src/lib/dates';
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import type { AllocationInput, AllocationSolved, CandidatePool } from '../../functions/src/steps/allocate';
import type { FinalFilterRow } from '../../functions/src/steps/forecast/handlers/common';
import { useIngestHarness } from '../ingest/harness';
import { violations } from './helpers';

const h = useIngestHarness('allocate-http');
const DAY = '2025-03-01';
const AS_OF = addDays(DAY, -1);
const GAS = { gasPriceGwei: 12, ethPriceUsd: 2500 };
const CLOSES: Record<string, Array<[string, number]>> = {
  USDC: [[addDays(AS_OF, -1), 0.998], [AS_OF, 1.0]],
  USDT: [[AS_OF, 0.999]],
  DAI: [[addDays(AS_OF, -3), 1.001]], // no close on the as-of day: the latest within a week counts
};
const price = (s: string) => CLOSES[s][CLOSES[s].length - 1][1];

/** Candidate pools: six passing (two per group) and H, held, failing the final filter. */
const POOLS: Array<{ id: string; tokens: string[]; apy: number; group: number }> = [
  { id: 'pool-a', tokens: ['USDC'], apy: 8, group: 1 },
  { id: 'pool-b', tokens: ['USDT'], apy: 7, group: 1 },
  { id: 'pool-c', tokens: ['USDC'], apy: 6.5, group: 2 },
  { id: 'pool-d', tokens: ['DAI'], apy: 6, group: 2 },
  { id: 'pool-e', tokens: ['USDC', 'USDT'], apy: 5.5, group: 3 },
  { id: 'pool-f', tokens: ['USDC'], apy: 5, group: 3 },
];
const HELD_EXIT = 'pool-h';
const TVL = 1e9;

const WALLET = { USDC: 500_000, USDT: 200_000 };
const POSITIONS = [
  { poolId: HELD_EXIT, token: 'USDC', amount: 100_000 },
  { poolId: 'pool-a', token: 'USDC', amount: 50_000 },
];

function filterRow(over: Partial<FinalFilterRow> & Pick<FinalFilterRow, 'poolId'>): FinalFilterRow {
  return { kept: true, mustExit: false, held: false, eligible: true, forecastApy: 5, forecastTvl: TVL, reasons: [], tokens: ['USDC'], project: 'aave-v3', symbol: 'USDC', ...over };
}

const ROWS: FinalFilterRow[] = [
  ...POOLS.map((p) => filterRow({ poolId: p.id, forecastApy: p.apy, tokens: p.tokens, symbol: p.tokens.join('-'), held: p.id === 'pool-a' })),
  filterRow({ poolId: HELD_EXIT, forecastApy: 0.4, held: true, mustExit: true, reasons: [{ rule: 'apyBelowFloor', forecastApy: 0.4, floorPercent: 1 }] }),
  filterRow({ poolId: 'pool-dropped', kept: false, forecastApy: 20, reasons: [{ rule: 'tvlBelowFloor', forecastTvl: 5, floor: 100_000 }] }),
];

async function seed(opts: { ledgerPools?: Array<Record<string, unknown>>; features?: boolean } = {}): Promise<void> {
  const db = h.db();
  await writeCrossSection(db, 'finalFilter', DAY, { asOf: AS_OF }, ROWS.map((r) => r.poolId), {
    kept: ROWS.map((r) => r.kept),
    mustExit: ROWS.map((r) => r.mustExit),
    held: ROWS.map((r) => r.held),
    eligible: ROWS.map((r) => r.eligible),
    forecastApy: ROWS.map((r) => r.forecastApy),
    forecastTvl: ROWS.map((r) => r.forecastTvl),
    reasons: ROWS.map((r) => ({ v: r.reasons })),
    tokens: ROWS.map((r) => ({ v: r.tokens })),
    project: ROWS.map((r) => r.project),
    symbol: ROWS.map((r) => r.symbol),
  });
  // H has no group (it was not eligible): group 4, must be exited anyway.
  await writeCrossSection(db, 'poolGroups', DAY, { asOf: AS_OF }, POOLS.map((p) => p.id), { group: POOLS.map((p) => p.group) });
  await db.doc(`gasForecasts/${DAY}`).set({ runDate: DAY, ...GAS, costGasGwei: [GAS.gasPriceGwei] });
  for (const [symbol, points] of Object.entries(CLOSES)) {
    await db.doc(`priceDaily/${symbol}_${AS_OF.slice(0, 7)}`).set({ series: symbol, month: AS_OF.slice(0, 7), points: Object.fromEntries(points.map(([d, close]) => [d, { close }])) });
  }
  await db.doc(`ledger/${DAY}`).set({
    runDate: DAY,
    tokens: Object.fromEntries(Object.entries(WALLET).map(([s, amount]) => [s, { contract: null, amount, price: price(s), usd: amount * price(s) }])),
    pools: (opts.ledgerPools ?? POSITIONS).map((p) => ({ basis: 'receipt', price: 1, usd: 0, ...p })),
  });
  if (opts.features) {
    // Daily returns; pool-f has no expected return and the (c, d) pair too little overlap (null).
    const ids = POOLS.map((p) => p.id);
    const mu = POOLS.map((p) => (p.id === 'pool-f' ? null : p.apy / 100 / 365));
    const vol = [1, 2, 1.5, 3, 2.5, 1].map((v) => v * 1e-6);
    const cov = ids.map((a, i) => ({ v: ids.map((b, j) => ((a === 'pool-c' && b === 'pool-d') || (a === 'pool-d' && b === 'pool-c') ? null : i === j ? vol[i] ** 2 : 0.2 * vol[i] * vol[j])) }));
    await writeCrossSection(db, 'features', DAY, { asOf: AS_OF }, ids, { expectedReturn: mu, scorePercentile: ids.map(() => null), scoreMinMax: ids.map(() => null), cov });
  }
}

async function startRun(params: Record<string, unknown> = {}): Promise<string> {
  const res = await h.post('startRun', { runDate: DAY, params });
  expect(res.status).toBe(200);
  return res.json.runId as string;
}

/** The optimizer's input built by hand from the seeded figures (independent of build-input.ts). */
function expectedInput(params: AllocationInput['params']): AllocationInput {
  const pools: CandidatePool[] = [
    ...POOLS.map((p) => ({ id: p.id, tokens: p.tokens, forecastApy: p.apy, forecastTvlUsd: TVL, group: p.group as 1 | 2 | 3, passesFinalFilter: true })),
    { id: HELD_EXIT, tokens: ['USDC'], forecastApy: 0.4, forecastTvlUsd: TVL, group: 4, passesFinalFilter: false },
  ];
  return {
    pools,
    holdings: POSITIONS.map((p) => ({ poolId: p.poolId, token: p.token, amountUsd: p.amount * price(p.token) })),
    wallet: { USDC: WALLET.USDC * price('USDC'), USDT: WALLET.USDT * price('USDT') },
    prices: { USDC: price('USDC'), USDT: price('USDT'), DAI: price('DAI') },
    ...GAS,
    params,
  };
}
const AUM = 500_000 * 1.0 + 200_000 * 0.999 + 100_000 + 50_000;

const allocation = async (runId: string) => (await h.db().doc(`allocations/${runId}`).get()).data();

describe('optimizeAllocations over HTTP', () => {
  it('objective "yield": writes allocations/{runId} with the transactions, exits the held pool that fails the filter; a rerun replaces it identically', async () => {
    await seed();
    const runId = await startRun({ minPools: 3 });
    const res = await h.post('optimizeAllocations', { runDate: DAY, runId });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', step: 'optimizeAllocations', runId, counts: { candidates: 7, passing: 6, mustExit: 1, heldPools: 2 }, allocation: { path: `allocations/${runId}`, status: 'optimal', objective: 'yield' } });

    const doc = (await allocation(runId))!;
    expect(doc).toMatchObject({ runId, runDate: DAY, status: 'optimal', objective: 'yield', ledgerDate: DAY });
    const result = doc.result as AllocationSolved;
    expect(result.aumUsd).toBeCloseTo(AUM, 6);
    // AUM at the latest closes: USDT at 0.999; the held positions priced too.
    expect(res.json.counts.aumUsd).toBeCloseTo(AUM, 2);
    // The held pool failing the final filter is withdrawn in full, and nothing stays in it.
    const exits = result.transactions.filter((t) => t.type === 'WITHDRAW' && t.poolId === HELD_EXIT);
    expect(exits).toHaveLength(1);
    expect(exits[0].amountUsd).toBeCloseTo(100_000, 6);
    expect(result.finalAllocation.pools.map((p) => p.poolId)).not.toContain(HELD_EXIT);
    expect(result.finalAllocation.pools.map((p) => p.poolId)).not.toContain('pool-dropped');
    // Every DOMAIN rule holds on the replayed transaction list, against an input built by hand.
    expect(violations(expectedInput({ ...DEFAULT_PARAMS, minPools: 3 }), result)).toEqual([]);
    // The best pool is filled to maxAllocShare × AUM; gas priced from the forecast max.
    expect(result.finalAllocation.pools.find((p) => p.poolId === 'pool-a')!.amountUsd).toBeCloseTo(0.25 * AUM, 4);
    const withdrawGas = DEFAULT_PARAMS.gasUnits.withdraw * GAS.gasPriceGwei * 1e-9 * GAS.ethPriceUsd;
    expect(exits[0].gasUsd).toBeCloseTo(withdrawGas, 9);
    expect(result.transactions.map((t) => t.seq)).toEqual(result.transactions.map((_, i) => i + 1));

    const run = (await h.db().doc(`runs/${DAY}`).get()).data()!;
    expect(run.allocation).toMatchObject({ runId, path: `allocations/${runId}`, status: 'optimal', objective: 'yield', transactions: result.transactions.length, pools: result.finalAllocation.pools.length });
    expect(run.steps.optimizeAllocations).toMatchObject({ status: 'ok', runId });

    // Rerun with the same runId: the same decision, one document.
    const again = await h.post('optimizeAllocations', { runDate: DAY, runId });
    expect(again.status).toBe(200);
    const doc2 = (await allocation(runId))!;
    const strip = (d: any) => ({ ...d, updatedAt: null, result: { ...d.result, solver: { ...d.result.solver, solveTimeMs: null } } });
    expect(strip(doc2)).toEqual(strip(doc));
    expect((await h.db().collection('allocations').get()).size).toBe(1);
  });

  it('a position the ledger could not map to a pool stays out of the investable AUM, named in a warning (degraded)', async () => {
    const unmapped = { poolId: 'contract:0x' + 'ab'.repeat(20), token: 'USDT', amount: 30_000, poolContract: '0x' + 'ab'.repeat(20), receiptToken: '0x' + 'cd'.repeat(20) };
    await seed({ ledgerPools: [...POSITIONS, unmapped] });
    const runId = await startRun({ minPools: 3 });
    const res = await h.post('optimizeAllocations', { runDate: DAY, runId });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('degraded');
    expect(res.json.counts.unmappedPositionsUsd).toBeCloseTo(30_000 * 0.999, 6);
    expect(res.json.warnings.join('\n')).toMatch(/1 position\(s\) worth 29,970 USD are in contracts not mapped to a DefiLlama pool .*params\.poolContracts.*0xabab/);
    const doc = (await allocation(runId))!;
    expect(doc.status).toBe('optimal');
    expect(doc.result.aumUsd).toBeCloseTo(AUM, 6);
    expect(JSON.stringify(doc.result.transactions)).not.toContain('contract:');
  });

  it('infeasible (fewer eligible pools than minPools): 200 degraded, stored with the reason; an older runId is refused', async () => {
    await seed();
    const first = await startRun({ minPools: 3 });
    expect((await h.post('optimizeAllocations', { runDate: DAY, runId: first })).status).toBe(200);
    const runId = await startRun({ minPools: 8 }); // a rerun of the day deletes the first run's allocation
    expect(await allocation(first)).toBeUndefined();

    const res = await h.post('optimizeAllocations', { runDate: DAY, runId });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('degraded');
    expect(res.json.warnings[0]).toMatch(/^infeasible: only 6 eligible pools, minPools is 8 \(7 candidates: 1 fail the final filter\)/);
    expect(res.json.allocation).toMatchObject({ status: 'infeasible', reasons: [expect.stringContaining('only 6 eligible pools, minPools is 8')] });
    const doc = (await allocation(runId))!;
    expect(doc).toMatchObject({ status: 'infeasible', objective: 'yield', result: { status: 'infeasible', reasons: [expect.stringContaining('minPools is 8')] } });
    expect((await h.db().doc(`runs/${DAY}`).get()).get('allocation')).toMatchObject({ runId, status: 'infeasible', transactions: 0 });

    // The superseded run's late call: 400, and its allocation is not resurrected.
    const stale = await h.post('optimizeAllocations', { runDate: DAY, runId: first });
    expect(stale.status).toBe(400);
    expect(stale.json.error).toMatchObject({ field: 'runId', message: expect.stringContaining('superseded') });
    expect(await allocation(first)).toBeUndefined();
  });

  it('objective "mean-variance": weights from the stored features, the same transaction derivation, the held failing pool exited', async () => {
    await seed({ features: true });
    const params = { objective: 'mean-variance', weightCap: 0.4, minPools: 3, riskAversion: 5, groupCaps: { '1': 0.5, '2': 0.5, '3': 0.5 } };
    const runId = await startRun(params);
    const res = await h.post('optimizeAllocations', { runDate: DAY, runId });
    expect(res.status).toBe(200);
    expect(res.json.allocation).toMatchObject({ objective: 'mean-variance' });
    const doc = (await allocation(runId))!;
    expect(doc.objective).toBe('mean-variance');
    expect(['optimal', 'heuristic']).toContain(doc.status);
    const result = doc.result as AllocationSolved;
    const weights = result.targetWeights!;
    // pool-f has no expected return: not an asset; H must be exited: never a target.
    expect(Object.keys(weights).sort()).not.toContain('pool-f');
    expect(Object.keys(weights)).not.toContain(HELD_EXIT);
    expect(Object.values(weights).reduce((s, w) => s + w, 0)).toBeCloseTo(1, 6);
    for (const w of Object.values(weights)) expect(w).toBeLessThanOrEqual(0.25 + 1e-9); // min(weightCap, maxAllocShare)
    expect(result.transactions.filter((t) => t.type === 'WITHDRAW' && t.poolId === HELD_EXIT)).toHaveLength(1);
    expect(result.finalAllocation.pools.map((p) => p.poolId)).not.toContain(HELD_EXIT);
    expect(res.json.warnings.join('\n')).toContain('1 asset(s) of features have no expected return or variance');
    expect(res.json.warnings.join('\n')).toContain('1 covariance pair(s) with too little overlap counted as 0');
  });

  it('missing inputs name the document and the step (500, not retried)', async () => {
    const runId = await startRun();
    const res = await h.post('optimizeAllocations', { runDate: DAY, runId });
    expect(res.status).toBe(500);
    expect(res.json.error.message).toMatch(/finalFilter\/2025-03-01 is missing: run filterPoolsFinal/);
  });
});
