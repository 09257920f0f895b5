/**
 * `yieldopt backtest --from DATE --to DATE [--source simulated|stored] [--aum N] [--params FILE]
 *  [--out DIR] [--seed N] [--pools N] [--risk-free R] [--reselect-days K] [--quiet]`
 *
 * Replays forecast → filter → allocate day by day over the simulated market (the default) or the
 * history the pipeline stored in Firestore (--source stored, backtest-stored.ts) and
 * writes DIR/result.json and DIR/report.html. Progress (day i/n, elapsed, ETA) goes to stderr.
 * Exit codes: 0 done, 2 bad usage or parameters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createSimulatedMarket } from '../../emulator/market/sim';
import { addDays, daysBetween, isValidRunDate, todayUtc } from '../../functions/src/lib/dates';
import { ParamsValidationError, resolveParams, type ParamsLayer } from '../../functions/src/lib/params';
import { Backtest, initialState, renderReport, SimulatedMarketSource, type BacktestConfig } from '../../functions/src/steps/backtest';
import { HISTORY_WINDOW_DAYS } from '../../functions/src/steps/backtest/day-step';
import { openStoredSource, type StoredSetup } from './backtest-stored';
import { eachFlag, parseCommandLine, UsageError } from './cli-common';

const HELP = `usage: yieldopt backtest --from DATE --to DATE [options]

Replays the daily pipeline (pre-filter → forecast → final filter → allocate) without look-ahead over
the simulated market: the decision for day D uses data up to D − 1 and earns D's realised APY.

  --from DATE         first decision day, YYYY-MM-DD (default: --to − 179 days)
  --to DATE           last day, YYYY-MM-DD (default: yesterday, UTC)
  --source S          simulated (default) or stored: the history the pipeline stored in Firestore
                      (FIRESTORE_EMULATOR_HOST, else GOOGLE_CLOUD_PROJECT + credentials; parameters
                      then start from params/current, as a pipeline run's)
  --aum N             starting AUM in USD, held in USDC (default 10000000)
  --params FILE       JSON object of parameters layered onto the defaults (e.g. {"objective":"mean-variance"})
  --out DIR           output directory (default backtest-output/<timestamp>)
  --seed N            simulated market seed (default 42)
  --pools N           simulated universe size (default 19000 ≈ 400 eligible pools)
  --risk-free R       annual risk-free rate for Sharpe/Sortino, fraction (default 0.04)
  --reselect-days K   re-run forecast method selection every K days per pool (default 1 = as the pipeline)
  --quiet             no progress output
`;

interface Args {
  from?: string;
  to?: string;
  aum: number;
  params?: string;
  out?: string;
  seed: number;
  pools: number;
  riskFree: number;
  reselect: number;
  quiet: boolean;
  source: 'simulated' | 'stored';
}

function parseArgs(argv: string[]): Args | 'help' {
  const a: Args = { aum: 10_000_000, seed: 42, pools: 19_000, riskFree: 0.04, reselect: 1, quiet: false, source: 'simulated' };
  const numberOf = (flag: string, raw: string, integer: boolean, min: number): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min) throw new UsageError(`${flag}: expected ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${JSON.stringify(raw)}`);
    return v;
  };
  const help = eachFlag(argv, (flag, value, arg) => {
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--from':
      case '--to': {
        const v = value();
        if (!isValidRunDate(v)) throw new UsageError(`${flag}: expected a day YYYY-MM-DD, got ${JSON.stringify(v)}`);
        if (flag === '--from') a.from = v;
        else a.to = v;
        break;
      }
      case '--aum':
        a.aum = numberOf(flag, value(), false, 1);
        break;
      case '--params':
        a.params = value();
        break;
      case '--out':
        a.out = value();
        break;
      case '--seed':
        a.seed = numberOf(flag, value(), true, -2147483648);
        break;
      case '--pools':
        a.pools = numberOf(flag, value(), true, 1);
        break;
      case '--risk-free':
        a.riskFree = numberOf(flag, value(), false, -1);
        break;
      case '--reselect-days':
        a.reselect = numberOf(flag, value(), true, 1);
        break;
      case '--source': {
        const v = value();
        if (v !== 'simulated' && v !== 'stored') throw new UsageError(`--source: expected simulated or stored, got ${JSON.stringify(v)}`);
        a.source = v;
        break;
      }
      case '--quiet':
        a.quiet = true;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  });
  return help ?? a;
}

const clock = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine('backtest', HELP, argv, parseArgs);
  if (typeof args === 'number') return args;
  const to = args.to ?? addDays(todayUtc(), -1);
  const from = args.from ?? addDays(to, -179);
  if (daysBetween(from, to) < 0) {
    process.stderr.write(`yieldopt backtest: --from ${from} is after --to ${to}\n`);
    return 2;
  }
  let layer: ParamsLayer | undefined;
  if (args.params) {
    try {
      layer = JSON.parse(fs.readFileSync(args.params, 'utf8')) as ParamsLayer;
    } catch (err) {
      process.stderr.write(`yieldopt backtest: cannot read --params ${args.params}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  let params;
  let stored: StoredSetup | undefined;
  try {
    if (args.source === 'stored') {
      stored = await openStoredSource(from, to, layer, `--params ${args.params}`);
      params = stored.params;
    } else params = resolveParams(layer ? [{ kind: 'request', name: `--params ${args.params}`, values: layer }] : []);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`yieldopt backtest: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ParamsValidationError) {
      process.stderr.write(`yieldopt backtest: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  // The market must reach back far enough for the first decision's forecast window.
  const market = stored ? undefined : createSimulatedMarket({ seed: args.seed, pools: args.pools, endDate: to, days: daysBetween(from, to) + 1 + HISTORY_WINDOW_DAYS + 30 });
  const config: BacktestConfig = { from, to, aumUsd: args.aum, startToken: 'USDC', params, riskFreeRate: args.riskFree, forecastReselectDays: args.reselect };
  const out = path.resolve(args.out ?? path.join('backtest-output', new Date().toISOString().replace(/[:.]/g, '-')));
  fs.mkdirSync(out, { recursive: true });

  const bt = new Backtest(stored ? stored.source : new SimulatedMarketSource(market!), initialState(config));
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  const quiet = args.quiet;
  let lastPrint = 0;
  if (!args.quiet) process.stderr.write(`backtest ${from} .. ${to} (${bt.dates.length} days) over ${stored ? `the stored history (${stored.where})` : `${market!.options.pools} simulated pools`} → ${out}\n`);
  try {
    await bt.run(({ index, total, day }) => {
      if (quiet) return;
      const now = Date.now();
      // On a terminal the line is rewritten in place; in a log, one line every 5 s and at the end.
      if (!tty && now - lastPrint < 5000 && index < total) return;
      lastPrint = now;
      const elapsed = now - started;
      const eta = (elapsed / index) * (total - index);
      const line = `day ${index}/${total} ${day.date}  elapsed ${clock(elapsed)}  ETA ${clock(eta)}  NAV ${Math.round(day.nav.strategy).toLocaleString('en-US')}  eligible ${day.counts.eligible}  held ${day.counts.held}${day.feasible ? '' : '  (infeasible)'}`;
      process.stderr.write(tty ? `\r${line}\x1b[K${index === total ? '\n' : ''}` : `${line}\n`);
    });
  } finally {
    // An open Firestore client would keep the process alive.
    await stored?.close();
  }
  const result = bt.result();
  fs.writeFileSync(path.join(out, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
  fs.writeFileSync(path.join(out, 'report.html'), renderReport(result));
  const s = result.summary.series;
  process.stdout.write(
    [
      `wrote ${path.join(out, 'result.json')} and report.html`,
      ...(['strategy', 'equalWeight', 'largestPool', 'holdDay1'] as const).map(
        (k) => `  ${k.padEnd(12)} net APY ${s[k].netApy.toFixed(2)} %  Sharpe ${s[k].sharpe === null ? '–' : s[k].sharpe!.toFixed(2)}  max DD ${s[k].maxDrawdown.toFixed(3)} %  costs ${s[k].totalCostsUsd.toFixed(0)} USD`,
      ),
      `  infeasible days ${result.summary.infeasibleDays}, forecast MASE ${result.summary.forecast.mase?.toFixed(3) ?? '–'}, ${(result.elapsedMs / 1000).toFixed(1)} s`,
      '',
    ].join('\n'),
  );
  return 0;
}
