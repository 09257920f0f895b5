/**
 * `yieldopt forecast --input FILE --horizon H [--format json|table]`
 *
 * FILE holds one DefiLlama `/chart/{pool}` response (reported under the key "series": a /chart
 * response carries no pool id) or an object mapping keys (pool ids) to such responses. For each
 * key: the APY method and forecasts, the TVL forecasts (own method, `tvlMethod`), the last observed
 * day and the APY backtest (MASE vs in-sample naive MAE, n = rolling origins). Forecasts cover the H
 * calendar days after that series' last date. Bad input → a message naming key/row/field, exit 2.
 */
import fs from 'node:fs';
import {
  ChartInputError,
  forecastPool,
  parseChartFile,
  type PoolForecast,
  type PoolHistory,
} from '../../functions/src/steps/forecast';
import { eachFlag, parseCommandLine, UsageError } from './cli-common';

const USAGE = `usage: yieldopt forecast --input FILE --horizon H [--format json|table]

  --input FILE     a DefiLlama /chart/{pool} response, or an object mapping keys to such responses
  --horizon H      days to forecast after each series' last date (positive integer, default 1)
  --format F       json, or table (default): one line per series

A single response is reported under the key "series".
`;

export interface ForecastOutput {
  method: string;
  apy: number[];
  tvl: number[];
  lastDate: string | null;
  backtest: { mase: number | null; n: number };
  /** Why naive was forced for APY (null when the backtest chose). */
  reason: string | null;
  tvlMethod: string;
  tvlBacktest: { mase: number | null; n: number };
  tvlReason: string | null;
  /** Present only when the TVL series ends on another day than the APY series. */
  tvlLastDate?: string | null;
}

interface Args {
  input: string;
  horizon: number;
  format: 'json' | 'table';
}

function parseArgs(argv: string[]): Args | 'help' {
  let input: string | undefined;
  let horizon = 1;
  let format: Args['format'] = 'table';
  const help = eachFlag(argv, (flag, value, arg) => {
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--input':
        input = value();
        break;
      case '--horizon': {
        const raw = value();
        horizon = Number(raw);
        if (!/^\d+$/.test(raw) || !Number.isInteger(horizon) || horizon < 1 || horizon > 3650) {
          throw new UsageError(`--horizon: expected a positive integer (days), got ${JSON.stringify(raw)}`);
        }
        break;
      }
      case '--format': {
        const f = value();
        if (f !== 'json' && f !== 'table') throw new UsageError(`--format: expected json or table, got ${JSON.stringify(f)}`);
        format = f;
        break;
      }
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  });
  if (help) return help;
  if (!input) throw new UsageError('--input FILE is required');
  return { input, horizon, format };
}

export function toOutput(f: PoolForecast): ForecastOutput {
  const out: ForecastOutput = {
    method: f.apy.method,
    apy: f.apy.values,
    tvl: f.tvl.values,
    lastDate: f.apy.lastDate,
    backtest: { mase: f.apy.backtest.mase, n: f.apy.backtest.n },
    reason: f.apy.reason,
    tvlMethod: f.tvl.method,
    tvlBacktest: { mase: f.tvl.backtest.mase, n: f.tvl.backtest.n },
    tvlReason: f.tvl.reason,
  };
  if (f.tvl.lastDate !== f.apy.lastDate) out.tvlLastDate = f.tvl.lastDate;
  return out;
}

const fmt = (v: number | null | undefined, digits: number): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

function table(results: Record<string, ForecastOutput>, horizon: number): string {
  const header = ['key', 'last date', 'APY method', `APY d+1`, `APY d+${horizon}`, 'MASE', 'n', `TVL d+1`, 'TVL method', 'note'];
  const rows = Object.entries(results).map(([k, r]) => [
    k,
    r.lastDate ?? '–',
    r.method,
    fmt(r.apy[0], 3),
    fmt(r.apy[horizon - 1], 3),
    fmt(r.backtest.mase, 3),
    String(r.backtest.n),
    fmt(r.tvl[0], 0),
    r.tvlMethod,
    r.reason ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine('forecast', USAGE, argv, parseArgs);
  if (typeof args === 'number') return args;
  let histories: Record<string, PoolHistory>;
  try {
    let text: string;
    try {
      text = fs.readFileSync(args.input, 'utf8');
    } catch (err) {
      throw new ChartInputError(`cannot read ${args.input}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ChartInputError(`${args.input} is not valid JSON: ${(err as Error).message}`);
    }
    histories = parseChartFile(json);
  } catch (err) {
    if (err instanceof ChartInputError) {
      process.stderr.write(`yieldopt forecast: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const results: Record<string, ForecastOutput> = {};
  for (const key of Object.keys(histories)) results[key] = toOutput(forecastPool(histories[key], { horizon: args.horizon }));
  process.stdout.write(args.format === 'json' ? `${JSON.stringify(results, null, 2)}\n` : table(results, args.horizon));
  return 0;
}
