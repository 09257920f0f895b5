/**
 * Fault injection through the stand-ins: every fault kind on every ingestion source. A fault that
 * clears (times: 1) is retried away and the result equals a clean run; a persistent one answers 503
 * with a clear message, keeps the raw payload, and leaves the clean layer untouched.
 */
import { DEFAULT_ETHERSCAN_API_KEY, DEFAULT_CMC_API_KEY, type FaultKind, type ServiceName } from '../../emulator/market/server';
import { DEFAULT_APPROVED_TOKENS } from '../../functions/src/lib/params';
import { useIngestHarness } from './harness';

// Speed without a different code path: a 'timeout' fault costs one client timeout per attempt, so
// the per-request timeout is shortened (the stand-in holds a faulted socket forever, so any value
// shows the behaviour); a spurious timeout of a healthy request under load is just one more retry.
const h = useIngestHarness('ingest-faults', { env: { HTTP_TIMEOUT_MS: '500' } });
const DAY = '2025-03-01';
const CLEAN = ['pools', 'poolSnapshots', 'priceDaily', 'gasDaily', 'accounts', 'accountTransfers', 'accountTxs', 'accountBalances'];

const TARGETS: Array<{ step: string; service: ServiceName; path?: string; cleanProbe: string; source: string }> = [
  { step: 'fetchPools', service: 'defillama', cleanProbe: 'pools', source: 'defillama' },
  { step: 'fetchPrices', service: 'cmc', path: 'symbol=USDC', cleanProbe: 'priceDaily', source: 'cmc' },
  { step: 'fetchGas', service: 'gas', cleanProbe: 'gasDaily', source: 'ethgastracker' },
  { step: 'fetchAccount', service: 'etherscan', path: 'action=tokentx', cleanProbe: 'accountTransfers', source: 'etherscan' },
];
const KINDS: FaultKind[] = ['429', '5xx', 'timeout', 'truncated', 'malformed', 'wrong-shape', 'empty', 'duplicate-rows'];

const reference = new Map<string, Record<string, unknown>>();

async function cleanRun(step: string): Promise<Record<string, unknown>> {
  if (!reference.has(step)) {
    await h.db().recursiveDelete(h.db().collection('raw'));
    for (const c of CLEAN) await h.db().recursiveDelete(h.db().collection(c));
    const res = await h.post(step, { runDate: DAY, runId: 'r' });
    expect(res.status).toBe(200);
    reference.set(step, await h.dump(CLEAN));
  }
  return reference.get(step)!;
}

// fetchPrices fetches a year for ETH, BTC and every approved token; the faults target USDC, so two
// approved tokens (four coins in flight, one of them faulted) show the same behaviour at a seventh of
// the cost. The full default list is covered by ingest.http.test.ts.
const APPROVED = DEFAULT_APPROVED_TOKENS.filter((t) => t.symbol === 'USDC' || t.symbol === 'USDT');

beforeEach(async () => {
  h.market().clock.set(DAY);
  await h.db().doc('params/current').set({ approvedTokens: APPROVED });
});

describe.each(TARGETS)('$step', ({ step, service, path, cleanProbe, source }) => {
  it.each(KINDS)('a passing %s fault is retried away: same documents as a clean run', async (kind) => {
    const expected = await cleanRun(step);
    await h.db().recursiveDelete(h.db().collection(cleanProbe));
    h.market().faults.configure({ rules: [{ match: { service, path }, kind, times: 1, retryAfterSeconds: 0 }] });
    const res = await h.post(step, { runDate: DAY, runId: 'r' });
    expect(res.status).toBe(200);
    expect(h.market().faults.injected()).toEqual([1]);
    expect(await h.dump(CLEAN)).toEqual(expected);
    // CMC's by-symbol answer repeats the coin, not bars: collapsed by coin id, so no count there.
    if (kind === 'duplicate-rows' && step !== 'fetchPrices') expect(res.json.counts.duplicates).toBeGreaterThan(0);
  });

  it.each(KINDS.filter((k) => k !== 'duplicate-rows'))('a persistent %s fault: 503, clear message, raw kept, clean layer untouched', async (kind) => {
    h.market().faults.configure({ rules: [{ match: { service, path }, kind, retryAfterSeconds: 0 }] });
    const res = await h.post(step, { runDate: DAY, runId: 'r' });
    if (kind === 'empty' && step === 'fetchAccount') {
      // An empty tokentx answer in Etherscan's own form would be legitimate; the stand-in keeps status "1".
      expect([200, 503]).toContain(res.status);
      return;
    }
    expect(res.status).toBe(503);
    expect(res.json.error.status).toBe('UNAVAILABLE');
    expect(res.json.error.message).toMatch(/gave up after 4 attempts|timed out/);
    if (kind === 'wrong-shape') expect(res.json.error.message).toMatch(/source: /);
    expect((await h.db().collection(cleanProbe).limit(1).get()).empty).toBe(true);
    const manifest = (await h.db().doc(`raw/${source}/days/${DAY}`).get()).data();
    expect(manifest).toMatchObject({ status: 'failed' });
    if (!['429', '5xx', 'timeout'].includes(kind)) expect(manifest!.payloads.length).toBeGreaterThan(0);
    const logs = h.logs().join('\n');
    expect(logs).not.toContain(DEFAULT_ETHERSCAN_API_KEY);
    expect(logs).not.toContain(DEFAULT_CMC_API_KEY);
    expect(JSON.stringify(res.json)).not.toContain(DEFAULT_ETHERSCAN_API_KEY);
  });
});

describe('error classification', () => {
  it('a wrong-shape /pools names the field path and the source', async () => {
    h.market().faults.configure({ rules: [{ match: { service: 'defillama' }, kind: 'wrong-shape' }] });
    const res = await h.post('fetchPools', { runDate: DAY, runId: 'r' });
    expect(res.status).toBe(503);
    expect(res.json.error.message).toContain('data: ');
    expect(res.json.error.message).toContain('(source: DefiLlama /pools)');
  });

  it("Etherscan's HTTP-200 rate-limit body is retried", async () => {
    h.market().faults.configure({ rules: [{ match: { service: 'etherscan' }, kind: '429', status: 200, times: 2 }] });
    const res = await h.post('fetchAccount', { runDate: DAY, runId: 'r' });
    expect(res.status).toBe(200);
  });

  it('a Retry-After longer than one invocation waits ends the attempt with 503 at once', async () => {
    h.market().faults.configure({ rules: [{ match: { service: 'gas' }, kind: '429', retryAfterSeconds: 3600 }] });
    const res = await h.post('fetchGas', { runDate: DAY, runId: 'r' });
    expect(res.status).toBe(503);
    expect(res.json.error.message).toContain('Retry-After');
    expect(h.market().faults.injected()).toEqual([1]);
  });
});
