/**
 * The daily Slack report (pure, DOMAIN.md step 5): Block Kit messages from the run summary, the
 * allocation document and the ledger. Content, in order: header with the date; run id and status;
 * portfolio summary (AUM, allocated, unallocated, number of transactions); yield metrics (average
 * APY, daily and annual yield, net of costs); costs (gas, conversion); the ledger (NAV, realized
 * yield); pool allocations (pool, amount, % of AUM, APY, TVL) with DefiLlama links; token
 * allocation; the numbered transaction sequence; step warnings. A failed run gets a failure message
 * naming the failed step(s) and their errors instead.
 *
 * Limits (slack-format.ts): long lists become several sections; a report needing more than one
 * message's worth of blocks/characters continues as thread replies (postSlackReport threads them).
 *
 * Pool rows are mrkdwn lines with the numbers in inline code (monospace, aligned) and the pool name
 * as a link: a ``` block would align too but cannot hold links.
 */
import type { AllocationFailed, AllocationRecord, AllocationResult, AllocationSolved, PoolAllocation, Transaction } from '../allocate/types';
import type { RunSummary } from './run-summary';
import { clip, context, esc, fieldBlocks, header, linesToSections, paginate, section, SLACK_LIMITS, type Block, type SlackLimits, type SlackMessage } from './slack-format';

export const DEFILLAMA_POOL_URL = 'https://defillama.com/yields/pool/';

/** What the report needs of a pool registry entry. */
export interface PoolInfo {
  project?: string;
  symbol?: string;
  poolMeta?: string | null;
  tvlUsd?: number;
}

/** What the report reads from `ledger/{runDate}` (a subset of LedgerResult). */
export interface LedgerView {
  navUsd: number;
  yesterday: { date: string; yieldUsd: number; apyPct: number | null; netFlowsUsd: number; gasUsd?: number | null };
  ytd: { yieldUsd: number; apyPct: number | null; days: number };
}

export interface ReportInput {
  runDate: string;
  runId: string;
  run: RunSummary;
  allocation?: AllocationRecord | null;
  ledger?: LedgerView | null;
  pools?: Readonly<Record<string, PoolInfo>>;
}

const nf0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const nf2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const usd = (n: number) => `${n < 0 ? '-' : ''}$${nf0.format(Math.abs(n))}`;
export const usd2 = (n: number) => `${n < 0 ? '-' : ''}$${nf2.format(Math.abs(n))}`;
export const pct = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : `${n.toFixed(digits)}%`);
export function compactUsd(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return 'n/a';
  const a = Math.abs(n);
  const [v, unit] = a >= 1e9 ? [n / 1e9, 'B'] : a >= 1e6 ? [n / 1e6, 'M'] : a >= 1e3 ? [n / 1e3, 'k'] : [n, ''];
  return `$${v.toFixed(unit ? 1 : 0)}${unit}`;
}

export function poolName(id: string, info: PoolInfo | undefined, fallback?: string): string {
  if (info?.project || info?.symbol) return [info.project, info.symbol].filter(Boolean).join(' ') + (info.poolMeta ? ` (${info.poolMeta})` : '');
  return fallback ?? (id.startsWith('contract:') ? id : id.slice(0, 8));
}

const link = (id: string, label: string) => (id.startsWith('contract:') ? esc(label) : `<${DEFILLAMA_POOL_URL}${encodeURIComponent(id)}|${esc(label).replace(/\|/g, '¦')}>`);

const isFailedAllocation = (r: AllocationResult): r is AllocationFailed => r.status === 'infeasible' || r.status === 'error';

function titleOf(runDate: string): string {
  return `DefiYieldOpt daily report ${runDate}`;
}

function runLine(input: ReportInput): string {
  const a = input.allocation;
  const solver = a && a.result.status !== 'infeasible' && a.result.status !== 'error' ? ` · allocation ${a.result.status} (${a.objective})` : a ? ` · allocation *${a.status}*` : '';
  return `Run \`${esc(input.runId)}\` · status *${input.run.status}*${solver}`;
}

function poolTable(s: AllocationSolved, pools: Readonly<Record<string, PoolInfo>>, limits: SlackLimits): Block[] {
  const rows = [...s.finalAllocation.pools].sort((a, b) => b.amountUsd - a.amountUsd);
  const head = `\`${'#'.padStart(3)} ${'amount'.padStart(13)} ${'% AUM'.padStart(6)} ${'APY'.padStart(7)} ${'TVL'.padStart(8)}\` pool`;
  const lines = rows.map((p: PoolAllocation, i) => {
    const info = pools[p.poolId];
    const cells = `${String(i + 1).padStart(3)} ${usd(p.amountUsd).padStart(13)} ${pct(p.shareOfAum * 100, 1).padStart(6)} ${pct(p.forecastApy).padStart(7)} ${compactUsd(info?.tvlUsd).padStart(8)}`;
    return `\`${cells}\` ${link(p.poolId, poolName(p.poolId, info, p.name))}`;
  });
  return linesToSections(`Pool allocations (${rows.length})`, [head, ...lines], 'mrkdwn', limits);
}

function tokenTable(s: AllocationSolved, limits: SlackLimits): Block[] {
  const inPools = new Map<string, number>();
  for (const p of s.finalAllocation.pools) for (const [t, v] of Object.entries(p.tokens)) inPools.set(t, (inPools.get(t) ?? 0) + v);
  const tokens = [...new Set([...inPools.keys(), ...Object.keys(s.finalAllocation.wallet)])];
  const total = (t: string) => (inPools.get(t) ?? 0) + (s.finalAllocation.wallet[t] ?? 0);
  tokens.sort((a, b) => total(b) - total(a) || (a < b ? -1 : 1));
  const lines = [`${'token'.padEnd(10)} ${'in pools'.padStart(13)} ${'in wallet'.padStart(13)} ${'% AUM'.padStart(6)}`];
  for (const t of tokens) {
    const share = s.aumUsd > 0 ? (total(t) / s.aumUsd) * 100 : 0;
    lines.push(`${esc(clip(t, 10)).padEnd(10)} ${usd(inPools.get(t) ?? 0).padStart(13)} ${usd(s.finalAllocation.wallet[t] ?? 0).padStart(13)} ${pct(share, 1).padStart(6)}`);
  }
  return linesToSections('Token allocation', lines, 'code', limits);
}

function txLine(t: Transaction, pools: Readonly<Record<string, PoolInfo>>): string {
  const pool = t.poolId ? esc(poolName(t.poolId, pools[t.poolId])) : '';
  const what =
    t.type === 'CONVERT' ? `${esc(t.token)} → ${esc(t.toToken ?? '?')}`
    : t.type === 'WITHDRAW' ? `${esc(t.token)} from ${pool}`
    : t.type === 'DEPOSIT' ? `${esc(t.token)} into ${pool}`
    : `${esc(t.token)} in ${pool}`;
  const cost = t.costUsd > 0 ? `  cost ${usd2(t.costUsd)}` : '';
  return `${String(t.seq).padStart(3)}. ${t.type.padEnd(8)} ${usd(t.amountUsd).padStart(12)}  ${what}${cost}`;
}

function warningLines(run: RunSummary): string[] {
  const lines: string[] = [];
  for (const s of run.steps) for (const w of s.warnings) lines.push(`• ${s.step}: ${esc(w)}`);
  return lines;
}

function ledgerFields(l: LedgerView): Array<[string, string]> {
  return [
    ['NAV (start of day)', usd(l.navUsd)],
    [`Realized yield ${l.yesterday.date}`, `${usd2(l.yesterday.yieldUsd)} (${pct(l.yesterday.apyPct)} APY)`],
    ['Realized yield YTD', `${usd2(l.ytd.yieldUsd)} (${pct(l.ytd.apyPct)} APY, ${l.ytd.days} d)`],
    ['External flows yesterday', usd(l.yesterday.netFlowsUsd)],
  ];
}

/** Yield figures of a solved allocation (gross from the per-pool forecast APYs). */
export function yieldMetrics(s: AllocationSolved) {
  const annual = s.finalAllocation.pools.reduce((sum, p) => sum + (p.amountUsd * p.forecastApy) / 100, 0);
  const daily = annual / 365;
  return { averageApy: s.projectedApy.gross, netApy: s.projectedApy.net, dailyUsd: daily, annualUsd: annual, dailyNetUsd: daily - s.costs.totalUsd, annualNetUsd: annual - s.costs.totalUsd };
}

export function buildReport(input: ReportInput, limits: SlackLimits = SLACK_LIMITS): SlackMessage[] {
  if (input.run.status === 'failed') return buildFailureReport(input, limits);
  const title = titleOf(input.runDate);
  const pools = input.pools ?? {};
  const blocks: Block[] = [header(`DefiYieldOpt · ${input.runDate}`, limits), context(runLine(input), limits)];
  const rec = input.allocation;
  let fallback: string;
  if (!rec) {
    blocks.push(section(':warning: No allocation document for this run: nothing to recommend.', limits));
    fallback = `${title}: no allocation (run ${input.run.status})`;
  } else if (isFailedAllocation(rec.result)) {
    const r = rec.result;
    blocks.push(...fieldBlocks([['AUM', usd(r.aumUsd)], ['Allocation', r.status]], limits));
    blocks.push(...linesToSections(':warning: No feasible allocation today', r.reasons.map((x) => `• ${esc(x)}`), 'mrkdwn', limits));
    fallback = `${title}: no feasible allocation (${clip(r.reasons[0] ?? r.status, 200)})`;
  } else {
    const s = rec.result as AllocationSolved;
    const moves = s.transactions.filter((t) => t.type !== 'HOLD').length;
    const holds = s.transactions.length - moves;
    const m = yieldMetrics(s);
    blocks.push(
      ...fieldBlocks([
        ['AUM', usd(s.aumUsd)],
        ['Allocated', `${usd(s.investedUsd)} in ${s.finalAllocation.pools.length} pools`],
        ['Unallocated', usd(s.aumUsd - s.investedUsd)],
        ['Transactions', `${moves}${holds ? ` (+${holds} hold${holds > 1 ? 's' : ''})` : ''}`],
      ], limits),
      ...fieldBlocks([
        ['Average APY', pct(m.averageApy)],
        ['Net APY (after costs)', pct(m.netApy)],
        ['Daily yield', `${usd2(m.dailyUsd)} (net of costs ${usd2(m.dailyNetUsd)})`],
        ['Annual yield', `${usd(m.annualUsd)} (net of costs ${usd(m.annualNetUsd)})`],
      ], limits),
      ...fieldBlocks([
        ['Gas', usd2(s.costs.gasUsd)],
        ['Conversion', usd2(s.costs.conversionUsd)],
        ['Total costs', usd2(s.costs.totalUsd)],
      ], limits),
    );
    if (input.ledger) blocks.push(...fieldBlocks(ledgerFields(input.ledger), limits));
    blocks.push({ type: 'divider' }, ...poolTable(s, pools, limits), ...tokenTable(s, limits));
    const txs = [...s.transactions].sort((a, b) => a.seq - b.seq).map((t) => txLine(t, pools));
    blocks.push(...linesToSections(`Transactions (${moves}, in this order)`, txs.length ? txs : ['no transactions: the portfolio stays as it is'], 'code', limits));
    fallback = `${title}: AUM ${usd(s.aumUsd)}, ${s.finalAllocation.pools.length} pools, APY ${pct(m.averageApy)}, ${moves} transactions, costs ${usd2(s.costs.totalUsd)}`;
  }
  if (!rec && input.ledger) blocks.push(...fieldBlocks(ledgerFields(input.ledger), limits));
  const warnings = [...warningLines(input.run), ...(rec?.result.warnings ?? []).map((w) => `• optimizer: ${esc(w)}`)];
  if (warnings.length) blocks.push(...linesToSections(`Warnings (${warnings.length})`, warnings, 'mrkdwn', limits));
  blocks.push(context(`run ${esc(input.runId)} · ${input.run.status} · ${input.runDate}`, limits));
  return paginate(blocks, clip(esc(fallback), 3000), title, limits);
}

/** The failure variant: names every failed step and its error; lists the steps that did finish. */
export function buildFailureReport(input: ReportInput, limits: SlackLimits = SLACK_LIMITS): SlackMessage[] {
  const failed = input.run.failures.map((f) => f.step);
  const title = titleOf(input.runDate);
  const blocks: Block[] = [
    header(`DefiYieldOpt · ${input.runDate} · run FAILED`, limits),
    section(`:x: Run \`${esc(input.runId)}\` failed at step${failed.length > 1 ? 's' : ''} *${failed.map(esc).join('*, *')}*. No allocation is recommended today.`, limits),
  ];
  for (const f of input.run.failures) blocks.push(section(`*${esc(f.step)}*\n\`\`\`\n${esc(clip(f.message, limits.maxSectionChars - f.step.length - 40))}\n\`\`\``, limits));
  const done = input.run.steps.filter((s) => !failed.includes(s.step)).map((s) => `${esc(s.step)}: ${s.status}`);
  if (done.length) blocks.push(...linesToSections('Steps that finished', done, 'mrkdwn', limits));
  if (input.ledger) blocks.push(...fieldBlocks(ledgerFields(input.ledger), limits));
  blocks.push(context(`run ${esc(input.runId)} · failed · ${input.runDate}`, limits));
  const fallback = `${title}: run FAILED at ${failed.join(', ')}: ${clip(input.run.failures[0]?.message ?? '', 300)}`;
  return paginate(blocks, clip(esc(fallback), 3000), title, limits);
}
