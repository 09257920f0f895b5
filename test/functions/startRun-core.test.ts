import { activeIcebox, buildRunDocument, describeParamSources, previousRunOf } from '../../functions/src/steps/run/startRun';
import { DEFAULT_PARAMS, buildParamSources } from '../../functions/src/lib/params';

const now = new Date('2025-01-31T06:00:00Z');

describe('startRun pure core', () => {
  it('builds a first run document with the snapshot and status running', () => {
    const doc = buildRunDocument({ runDate: '2025-01-31', runId: 'r1', params: DEFAULT_PARAMS, paramSources: ['defaults'], icebox: [], now });
    expect(doc).toEqual({
      runId: 'r1',
      runDate: '2025-01-31',
      status: 'running',
      attempt: 1,
      supersededRunId: null,
      params: DEFAULT_PARAMS,
      paramSources: ['defaults'],
      icebox: [],
      createdAt: now,
      updatedAt: now,
      steps: { startRun: { status: 'ok', at: now } },
    });
  });

  it('records the superseded run and counts attempts on a rerun', () => {
    const previous = previousRunOf({ runId: 'old', attempt: 2, status: 'failed' });
    expect(previous).toEqual({ runId: 'old', attempt: 2 });
    const doc = buildRunDocument({ runDate: '2025-01-31', runId: 'new', params: DEFAULT_PARAMS, paramSources: [], icebox: [], now, previous });
    expect(doc.attempt).toBe(3);
    expect(doc.supersededRunId).toBe('old');
    expect(previousRunOf(undefined)).toBeUndefined();
    expect(previousRunOf({ runId: 'legacy' })).toEqual({ runId: 'legacy', attempt: 1 });
  });

  it('keeps only active icebox entries', () => {
    const entries = activeIcebox({
      tokens: [
        { symbol: 'USDe', address: '0x4c9EDD5852cd905f086C759E8383e09bff1E68B3', reason: 'low below peg 2 days', addedAt: '2025-01-30' },
        { symbol: 'USDC', reason: 'recovered', addedAt: '2025-01-01', removedAt: '2025-01-05' },
        { symbol: 'DAI', removedAt: null },
      ],
    });
    expect(entries.map((e) => e.symbol)).toEqual(['USDe', 'DAI']);
    expect(activeIcebox(undefined)).toEqual([]);
    expect(activeIcebox({})).toEqual([]);
  });

  it('refuses a malformed icebox document, naming the field', () => {
    expect(() => activeIcebox({ tokens: [{ reason: 'no symbol' }] })).toThrow(/icebox\/current\.tokens\.0\.symbol/);
  });

  it('describes which parameter layers were in effect', () => {
    const sources = buildParamSources({ minPools: 4 }, { weightCap: 0.1 }, { RISK_AVERSION: '3' });
    expect(describeParamSources(sources)).toEqual(['defaults', 'Firestore params/current', 'env RISK_AVERSION', 'request params']);
    expect(describeParamSources(buildParamSources(undefined, undefined, {}))).toEqual(['defaults']);
  });
});
