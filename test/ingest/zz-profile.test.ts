import { useIngestHarness } from './harness';
const h = useIngestHarness('ingest-prof');
const STEPS = ['fetchPools', 'fetchPrices', 'fetchGas', 'fetchAccount'];
const CLEAN = ['pools', 'poolSnapshots', 'priceDaily', 'gasDaily', 'accounts', 'accountTransfers', 'accountTxs', 'accountBalances', 'scores', 'raw'];
it('profile', async () => {
  const t: string[] = [];
  for (const d of ['2025-03-01', '2025-03-01', '2025-03-02']) {
    h.market().clock.set(d);
    for (const s of STEPS) { const t0 = Date.now(); const r = await h.post(s, { runDate: d, runId: 'x' }); t.push(`${d} ${s} ${r.status} ${Date.now() - t0}ms ${JSON.stringify(r.json.counts)}`); }
    const t0 = Date.now(); const dump = await h.dump(CLEAN); t.push(`dump ${Object.keys(dump).length} ${Date.now() - t0}ms`);
  }
  console.log(t.join('\n'));
});
