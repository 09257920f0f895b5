/** backtests/{id} storage: a state or a file past Firestore's 1 MiB document limit is split and read back whole. */
import { initialState, type BacktestConfig, type BacktestDay } from '../../functions/src/steps/backtest';
import { createBacktest, loadState, readBacktestDoc, readBacktestFile, readDays, saveProgress, writeReport } from '../../functions/src/steps/backtest/store';
import { useFirestoreEmulator } from '../support/firestore';
import { tinyParams } from './support';

const db = useFirestoreEmulator('backtest-store');
const config: BacktestConfig = { from: '2025-01-10', to: '2025-01-12', aumUsd: 1e6, startToken: 'USDC', params: tinyParams(), riskFreeRate: 0.04, forecastReselectDays: 7 };

test('a large state is stored in pieces under 1 MiB, resumes exactly, and shrinks without leftovers', async () => {
  const state = initialState(config);
  // ~40,000 remembered forecast methods: > 1 MiB of JSON.
  for (let i = 0; i < 40_000; i++) state.forecastMethods[`pool-${String(i).padStart(6, '0')}-aaaa-bbbb-cccc`] = { apy: 'robustComb', tvl: null, selectedOn: 20_000 + (i % 50) };
  const doc = await createBacktest(db(), 'big', state, 3, 'test source');
  expect(doc.stateChunks).toBeGreaterThan(4);
  const pieces = await db().collection('backtests/big/state').get();
  expect(pieces.size).toBe(doc.stateChunks);
  for (const p of pieces.docs) expect(Buffer.byteLength(String(p.get('json')))).toBeLessThan(1_000_000);
  expect(await loadState(db(), doc)).toEqual(state);

  // One day later, with a small state: the surplus pieces go, the day is stored, progress advances.
  const small = { ...state, next: 1, forecastMethods: {} };
  const day = { date: '2025-01-10', nav: { strategy: 1 } } as unknown as BacktestDay;
  await saveProgress(db(), doc, { ...small, days: [day] }, [day], 3);
  const after = (await readBacktestDoc(db(), 'big'))!;
  expect(after).toMatchObject({ next: 1, stateChunks: 1, status: 'running' });
  expect((await db().collection('backtests/big/state').get()).size).toBe(1);
  expect(await loadState(db(), after)).toEqual({ ...small, days: [] });
  expect(await readDays(db(), 'big')).toEqual([day]);
});

test('a multi-megabyte file round-trips through its chunks', async () => {
  await createBacktest(db(), 'files', initialState(config), 3, 'test source');
  const html = `<html>${'é—'.repeat(700_000)}</html>`; // multi-byte characters across chunk edges
  const result = { version: 1, source: 's', config, days: [], summary: { riskFreeRate: 0.04 }, elapsedMs: 0 } as never;
  const counts = await writeReport(db(), 'files', result, html);
  expect(counts.reportChunks).toBe(Math.ceil(Buffer.byteLength(html) / 900_000));
  expect(counts.reportChunks).toBeGreaterThan(2);
  expect(await readBacktestFile(db(), 'files', 'report.html')).toBe(html);
  expect(JSON.parse((await readBacktestFile(db(), 'files', 'result.json'))!)).toEqual(JSON.parse(JSON.stringify(result)));
  expect(await readBacktestFile(db(), 'files', 'missing.html')).toBeUndefined();
});
