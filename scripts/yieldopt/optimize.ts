/**
 * `yieldopt optimize --input FILE [--format json]`: solves an allocation MILP (objective "yield", or
 * "mean-variance" with features) or a bare mean-variance / min-variance problem from a JSON file.
 * The file's shape decides: a document with "objective" and "assets" is a mean-variance problem,
 * anything else is an allocation input (see functions/src/steps/allocate/schema.ts).
 * Exit codes: 0 solved, 1 infeasible or solver error (reasons printed), 2 bad usage or input.
 */
import fs from 'node:fs';
import {
  isMeanVarianceDocument,
  optimizeAllocation,
  parseAllocationInput,
  parseMeanVarianceProblem,
  solveMeanVariance,
  type AllocationResult,
  type MeanVarianceProblem,
  type MeanVarianceResult,
} from '../../functions/src/steps/allocate';

const HELP = `usage: yieldopt optimize --input FILE [--format json]

Solves the allocation in FILE (JSON) and prints the result.

  allocation (MILP) input:
    {"pools":[{"id","tokens":[..],"forecastApy"(%),"forecastTvlUsd","group":1-4,"passesFinalFilter"}],
     "holdings":[{"poolId","token","amountUsd"}], "wallet":{token:usd}, "prices":{token:usd},
     "ethPriceUsd", "gasPriceGwei", "params"?:{partial pipeline parameters}, "meanVariance"?:{...}}
  mean-variance input:
    {"objective":"mean-variance"|"min-variance","assets":[ids],"expectedReturns":[..],
     "covariance":[[..]],"riskAversion":x,"weightCap":c,"scores"?:[..],"scorePreference"?:g}

options:
  --input FILE     the problem (required)
  --format json    machine-readable output (default: readable tables)
`;

interface Args {
  input?: string;
  format: 'table' | 'json';
  help: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { format: 'table', help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--input' || flag === '-i') args.input = value();
    else if (flag === '--format') {
      const f = value();
      if (f !== 'json' && f !== 'table') return `--format must be json or table (got ${f ?? 'nothing'})`;
      args.format = f;
    } else return `unknown option ${a}`;
  }
  return args;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`yieldopt optimize: ${args}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!args.input) {
    process.stderr.write(`yieldopt optimize: --input FILE is required\n\n${HELP}`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(args.input, 'utf8'));
  } catch (err) {
    process.stderr.write(`yieldopt optimize: cannot read ${args.input}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }

  if (isMeanVarianceDocument(json)) {
    const parsed = parseMeanVarianceProblem(json);
    if (!parsed.ok) return invalid(args.input, parsed.errors);
    const res = await solveMeanVariance(parsed.value);
    const out = meanVarianceOutput(parsed.value, res);
    process.stdout.write(args.format === 'json' ? `${JSON.stringify(out, null, 2)}\n` : meanVarianceTable(parsed.value, res));
    return 'weights' in res ? 0 : 1;
  }
  const parsed = parseAllocationInput(json);
  if (!parsed.ok) return invalid(args.input, parsed.errors);
  const res = await optimizeAllocation(parsed.value);
  process.stdout.write(args.format === 'json' ? `${JSON.stringify(res, null, 2)}\n` : allocationTable(res));
  return res.status === 'infeasible' || res.status === 'error' ? 1 : 0;
}

function invalid(file: string, errors: string[]): number {
  process.stderr.write(`yieldopt optimize: invalid input in ${file}:\n${errors.map((e) => `  ${e}`).join('\n')}\n`);
  return 2;
}

function meanVarianceOutput(pr: MeanVarianceProblem, res: MeanVarianceResult): Record<string, unknown> {
  if (!('weights' in res)) return { status: res.status, reasons: res.reasons, warnings: res.warnings };
  return {
    weights: Object.fromEntries(pr.assets.map((id, i) => [id, res.weights[i]])),
    expectedReturn: res.expectedReturn,
    variance: res.variance,
    status: res.status,
    ...(res.warnings.length ? { warnings: res.warnings } : {}),
  };
}

const num = (v: number, d = 2): string => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 || /^[A-Za-z]/.test(c) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function meanVarianceTable(pr: MeanVarianceProblem, res: MeanVarianceResult): string {
  if (!('weights' in res)) return `status: ${res.status}\n${res.reasons.map((r) => `  - ${r}`).join('\n')}\n`;
  const rows = pr.assets.map((id, i) => [id, num(res.weights[i] * 100, 4) + ' %']).filter((_, i) => res.weights[i] > 1e-12);
  return (
    `status: ${res.status}   expected return: ${res.expectedReturn}   variance: ${res.variance}\n\n` +
    table(['asset', 'weight'], rows) +
    res.warnings.map((w) => `warning: ${w}\n`).join('')
  );
}

function allocationTable(res: AllocationResult): string {
  const head = `status: ${res.status}   objective: ${res.objective}   AUM: ${num(res.aumUsd)} USD\n`;
  if ('reasons' in res) {
    return `${head}${res.reasons.map((r) => `  - ${r}`).join('\n')}\n${res.warnings.map((w) => `warning: ${w}\n`).join('')}`;
  }
  const tx = table(
    ['#', 'type', 'pool', 'token', 'to', 'amount USD', 'cost USD'],
    res.transactions.map((t) => [String(t.seq), t.type, t.poolId ?? '', t.token, t.toToken ?? '', num(t.amountUsd), num(t.costUsd)]),
  );
  const alloc = table(
    ['pool', 'group', 'APY %', 'amount USD', '% AUM', 'tokens'],
    res.finalAllocation.pools.map((p) => [p.name ?? p.poolId, String(p.group), num(p.forecastApy), num(p.amountUsd), num(p.shareOfAum * 100), Object.keys(p.tokens).join('/')]),
  );
  const wallet = Object.entries(res.finalAllocation.wallet).map(([t, v]) => `${t} ${num(v)}`).join(', ') || 'empty';
  return [
    head,
    `solver: ${res.solver.status}, gap ${num(res.solver.mipGap * 100, 4)} %, ${num(res.solver.solveTimeMs, 0)} ms, ${res.solver.columns} columns, ${res.solver.binaries} binaries, ${res.solver.prunedPools} pools pruned`,
    `projected APY: ${num(res.projectedApy.gross, 3)} % gross, ${num(res.projectedApy.net, 3)} % net of costs   invested: ${num(res.investedUsd)} USD`,
    `costs: gas ${num(res.costs.gasUsd)} USD + conversion ${num(res.costs.conversionUsd)} USD = ${num(res.costs.totalUsd)} USD`,
    '',
    'transactions',
    tx,
    'final allocation',
    alloc,
    `wallet after: ${wallet}`,
    ...res.warnings.map((w) => `warning: ${w}`),
    '',
  ].join('\n');
}
