import { addDays } from '../../functions/src/lib/dates';
import { DEFAULT_PARAMS, type ApprovedToken } from '../../functions/src/lib/params';
import { emptyIceboxState, updateIcebox, type DailyCandle, type IceboxState } from '../../functions/src/steps/enrich/icebox';

const S = DEFAULT_PARAMS.icebox; // low line 0.98 for 2 days, close line 0.99 for 1 day, recovery 2 / 3
const USDC = DEFAULT_PARAMS.approvedTokens.find((t) => t.symbol === 'USDC') as ApprovedToken;
const SDAI = DEFAULT_PARAMS.approvedTokens.find((t) => t.symbol === 'sDAI') as ApprovedToken;
const START = '2025-03-01';

/** Candles on consecutive days from START; null entries are missing days. */
function series(points: Array<[low: number | null, close: number | null] | null>): DailyCandle[] {
  const out: DailyCandle[] = [];
  points.forEach((p, i) => {
    if (p) out.push({ date: addDays(START, i), low: p[0], close: p[1] });
  });
  return out;
}
const day = (i: number) => addDays(START, i);
const run = (candles: DailyCandle[], prev?: IceboxState, tokens: ApprovedToken[] = [USDC]) =>
  updateIcebox(prev, tokens, { [tokens[0].symbol]: candles }, S);

const OK: [number, number] = [0.999, 1.0];
const LOW: [number, number] = [0.97, 0.995]; // low breaches 0.98, close stays above 0.99
const CLOSE: [number, number] = [0.985, 0.985]; // close breaches 0.99, low stays above 0.98

describe('updateIcebox: adding', () => {
  test('low rule fires after exactly lowDays consecutive lows, on the day the streak completes', () => {
    const r = run(series([OK, LOW, LOW, OK]));
    expect(r.events).toEqual([expect.objectContaining({ type: 'added', symbol: 'USDC', date: day(2) })]);
    expect(r.active).toHaveLength(1);
    expect(r.active[0]).toMatchObject({ rules: ['low'], addedAt: day(2), removedAt: null, address: USDC.address });
    expect(r.active[0].reason).toMatch(/low below 0\.98 .*2 consecutive/);
  });

  test('low rule is quiet after lowDays − 1 lows', () => {
    expect(run(series([OK, LOW, OK, OK])).events).toEqual([]);
  });

  test('low rule is quiet for non-consecutive lows, whether separated by a good day or a missing day', () => {
    expect(run(series([LOW, OK, LOW, OK])).events).toEqual([]);
    expect(run(series([LOW, null, LOW])).events).toEqual([]);
    expect(run(series([LOW, [null, 1], LOW])).events).toEqual([]); // unknown low breaks the streak
  });

  test('a low exactly on the line is not a breach', () => {
    expect(run(series([[0.98, 1], [0.98, 1]])).events).toEqual([]);
    expect(run(series([[0.9799, 1], [0.9799, 1]])).events).toHaveLength(1);
  });

  test('close rule fires on one close below peg × (1 − closePct), quiet exactly on the line', () => {
    const r = run(series([OK, CLOSE]));
    expect(r.events).toEqual([expect.objectContaining({ type: 'added', date: day(1) })]);
    expect(r.active[0].rules).toEqual(['close']);
    expect(run(series([[0.985, 0.99]])).events).toEqual([]);
  });

  test('both rules firing the same day are both recorded', () => {
    const r = run(series([LOW, [0.95, 0.96]]));
    expect(r.active[0].rules).toEqual(['low', 'close']);
    expect(r.active[0].reason).toContain('; ');
  });
});

describe('updateIcebox: removing', () => {
  test('removal needs 2 days of low above the line AND 3 days of close above', () => {
    // Added on day 1 by the close rule (low stays fine throughout).
    const r = run(series([OK, CLOSE, OK, OK, OK, OK]));
    expect(r.events.map((e) => [e.type, e.date])).toEqual([
      ['added', day(1)],
      ['removed', day(4)], // close above on days 2, 3, 4; low above since day 0
    ]);
    expect(r.state.history[0]).toMatchObject({ addedAt: day(1), removedAt: day(4) });
    expect(r.state.history[0].removalReason).toMatch(/3 consecutive/);
  });

  test('not removed after only 2 good closes', () => {
    const r = run(series([OK, CLOSE, OK, OK]));
    expect(r.active).toHaveLength(1);
    expect(r.events.filter((e) => e.type === 'removed')).toEqual([]);
  });

  test('3 good closes are not enough while the low is still below the line', () => {
    // Added by the low rule on day 1; closes stay above 0.99 but the low keeps breaching until day 4.
    const r = run(series([LOW, LOW, LOW, LOW, LOW, OK, OK]));
    expect(r.events.map((e) => [e.type, e.date])).toEqual([
      ['added', day(1)],
      ['removed', day(6)], // low above on days 5 and 6; close above since day 0
    ]);
  });

  test('a missing day resets the recovery streaks', () => {
    const r = run(series([OK, CLOSE, OK, OK, null, OK, OK]));
    expect(r.events.filter((e) => e.type === 'removed')).toEqual([]);
    const later = run(series([OK, CLOSE, OK, OK, null, OK, OK, OK]));
    expect(later.events.filter((e) => e.type === 'removed').map((e) => e.date)).toEqual([day(7)]);
  });

  test('history is kept across episodes', () => {
    const r = run(series([CLOSE, OK, OK, OK, CLOSE]));
    expect(r.state.history.map((e) => [e.addedAt, e.removedAt])).toEqual([
      [day(0), day(3)],
      [day(4), null],
    ]);
    expect(r.active).toHaveLength(1);
  });
});

describe('updateIcebox: state', () => {
  const candles = series([OK, LOW, LOW, OK, OK, CLOSE, OK, OK, OK, OK]);

  test('day-by-day updates with carried state equal one update over all days', () => {
    const once = run(candles);
    let state: IceboxState | undefined;
    const events = [];
    for (let i = 0; i < candles.length; i++) {
      const r = run(candles.slice(0, i + 1), state);
      state = r.state;
      events.push(...r.events);
    }
    expect(events).toEqual(once.events);
    expect(state).toEqual(once.state);
  });

  test('rerunning with the same candles changes nothing (idempotent), and the input state is not mutated', () => {
    const first = run(candles);
    const snapshot = JSON.parse(JSON.stringify(first.state));
    const again = run(candles, first.state);
    expect(again.events).toEqual([]);
    expect(again.state).toEqual(snapshot);
    expect(first.state).toEqual(snapshot);
  });

  test('a token without candles is left alone; other tokens still advance', () => {
    const r = updateIcebox(emptyIceboxState(), [USDC, SDAI], { USDC: series([CLOSE]) }, S, (t) => (t.kind === 'stable' ? 1 : 1.15));
    expect(r.active.map((e) => e.symbol)).toEqual(['USDC']);
    expect(r.state.trackers.sDAI.lastDate).toBeNull();
  });

  test('yield-bearing wrappers are skipped with a warning unless a reference price is given', () => {
    const sdai = series([[1.1, 1.12], [1.1, 1.12]]); // far above 1, then compare with a 1.15 reference
    const skipped = updateIcebox(undefined, [SDAI], { sDAI: sdai }, S);
    expect(skipped.events).toEqual([]);
    expect(skipped.warnings).toEqual([expect.stringContaining('sDAI')]);
    const checked = updateIcebox(undefined, [SDAI], { sDAI: sdai }, S, () => 1.15);
    // close 1.12 < 1.15 × 0.99 fires on day 0; the low rule would need a second day.
    expect(checked.active.map((e) => [e.rules, e.addedAt])).toEqual([[['close'], day(0)]]);
  });
});
