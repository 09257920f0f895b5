/**
 * An allocation (allocations/{runId}, see functions/src/steps/allocate/types.ts AllocationRecord):
 * headline figures, the final pools with amounts and share of AUM, the ordered transactions, and
 * for an infeasible run the reasons. `compact` is the panel on the executions page.
 */
import type { AllocationView } from '../data';
import { arr, fmtNumber, fmtPercent, fmtShare, fmtTime, fmtUsd, num, obj, str } from '../format';
import { html, type SafeHtml } from '../html';
import { badge } from './layout';

const COMPACT_ROWS = 15;

function card(label: string, value: string, id?: string): SafeHtml {
  return html`<div class="card"${id ? html` id="${id}"` : ''}><div class="k">${label}</div><div class="v">${value}</div></div>`;
}

function more(total: number, shown: number, href: string): SafeHtml {
  return total > shown ? html`<p class="muted">and ${total - shown} more — <a href="${href}">see all</a></p>` : html``;
}

function poolsTable(pools: unknown[], limit: number, href: string): SafeHtml {
  if (pools.length === 0) return html`<p class="muted">No pools held.</p>`;
  const rows = pools.slice(0, limit).map((p) => obj(p) ?? {});
  return html`<table class="pools">
<thead><tr><th>Pool</th><th class="num">Group</th><th class="num">Forecast APY</th><th class="num">Amount</th><th class="num">% AUM</th><th>Tokens</th></tr></thead>
<tbody>${rows.map(
    (p) => html`<tr class="pool">
<td>${str(p.name) ?? ''} <span class="mono muted">${str(p.poolId) ?? ''}</span></td>
<td class="num">${fmtNumber(p.group)}</td>
<td class="num">${fmtPercent(p.forecastApy)}</td>
<td class="num">${fmtUsd(p.amountUsd)}</td>
<td class="num">${fmtShare(p.shareOfAum)}</td>
<td>${Object.entries(obj(p.tokens) ?? {})
      .map(([t, v]) => `${t} ${fmtUsd(v)}`)
      .join(', ')}</td>
</tr>`,
  )}</tbody>
</table>
${more(pools.length, rows.length, href)}`;
}

function transactionsTable(txs: unknown[], limit: number, href: string): SafeHtml {
  if (txs.length === 0) return html`<p class="muted">No transactions.</p>`;
  const rows = txs.slice(0, limit).map((t) => obj(t) ?? {});
  return html`<table class="transactions">
<thead><tr><th class="num">#</th><th>Type</th><th>Pool</th><th>Token</th><th class="num">Amount</th><th class="num">Token units</th><th class="num">Cost</th></tr></thead>
<tbody>${rows.map(
    (t) => html`<tr class="transaction">
<td class="num">${fmtNumber(t.seq)}</td>
<td>${str(t.type) ?? ''}</td>
<td class="mono">${str(t.poolId) ?? ''}</td>
<td>${str(t.token) ?? ''}${str(t.toToken) ? ` → ${str(t.toToken)}` : ''}</td>
<td class="num">${fmtUsd(t.amountUsd)}</td>
<td class="num">${num(t.amountToken) === undefined ? '—' : fmtNumber(t.amountToken)}</td>
<td class="num">${fmtUsd(t.costUsd)}</td>
</tr>`,
  )}</tbody>
</table>
${more(txs.length, rows.length, href)}`;
}

function list(items: unknown[], cls: string): SafeHtml {
  const texts = items.filter((i): i is string => typeof i === 'string');
  return texts.length ? html`<ul class="${cls}">${texts.map((t) => html`<li>${t}</li>`)}</ul>` : html``;
}

export function allocationSection(view: AllocationView, compact: boolean): SafeHtml {
  const a = view.allocation;
  const r = obj(a.result) ?? {};
  const runId = str(a.runId) ?? '';
  const href = `/allocations/${encodeURIComponent(runId)}`;
  const status = str(a.status) ?? str(r.status);
  const apy = obj(r.projectedApy);
  const costs = obj(r.costs);
  const solver = obj(r.solver);
  const final = obj(r.finalAllocation);
  const pools = arr(final?.pools);
  const txs = arr(r.transactions);
  const wallet = Object.entries(obj(final?.wallet) ?? {}).filter(([, v]) => (num(v) ?? 0) > 0);
  const limit = compact ? COMPACT_ROWS : Number.POSITIVE_INFINITY;
  const run = view.run;
  return html`<dl class="meta">
<dt>Run</dt><dd>${str(a.runDate) ?? '?'} · <span class="mono">${runId}</span>${
    run ? html` · run ${str(run.status) ?? '?'}${num(run.attempt) ? `, attempt ${num(run.attempt)}` : ''}${str(run.runId) && str(run.runId) !== runId ? html` <span class="warn">(superseded by run ${str(run.runId)})</span>` : ''}` : ''
  }</dd>
<dt>Status</dt><dd id="allocation-status">${badge(status)} <span class="muted">objective ${str(a.objective) ?? str(r.objective) ?? '?'}</span></dd>
${solver ? html`<dt>Solver</dt><dd>${str(solver.status) ?? ''} · gap ${fmtNumber(solver.mipGap)} · ${fmtNumber(solver.solveTimeMs)} ms · ${fmtNumber(solver.columns)} columns, ${fmtNumber(solver.rows)} rows</dd>` : ''}
${str(a.updatedAt) ? html`<dt>Stored</dt><dd>${fmtTime(str(a.updatedAt))}</dd>` : ''}
</dl>
<div class="cards">
${card('AUM', fmtUsd(r.aumUsd))}
${card('Invested', fmtUsd(r.investedUsd))}
${card('Projected APY (net)', fmtPercent(apy?.net), 'apy-net')}
${card('Projected APY (gross)', fmtPercent(apy?.gross))}
${card('Expected yield', fmtUsd(r.expectedYieldUsd))}
${card('Costs', fmtUsd(costs?.totalUsd))}
${card('Pools · transactions', `${pools.length} · ${txs.length}`)}
</div>
${list(arr(r.reasons), 'err')}
${
  // An infeasible or failed solve has reasons instead of a final allocation: no empty tables then.
  final || txs.length
    ? html`<h3>Pools</h3>
${poolsTable(pools, limit, href)}
${wallet.length ? html`<p class="muted">Left in the wallet: ${wallet.map(([t, v]) => `${t} ${fmtUsd(v)}`).join(', ')}</p>` : ''}
<h3>Transactions</h3>
${transactionsTable(txs, limit, href)}`
    : ''
}
${!compact ? html`${costs ? html`<p class="muted">Costs: gas ${fmtUsd(costs.gasUsd)}, conversion ${fmtUsd(costs.conversionUsd)}.</p>` : ''}${list(arr(r.warnings), 'warn')}` : ''}`;
}

export function allocationPanel(view: AllocationView | undefined, problem?: string): SafeHtml {
  const runId = view ? str(view.allocation.runId) : undefined;
  return html`<section class="panel" id="latest-allocation">
<h2>Latest allocation${runId ? html` <a class="muted" href="/allocations/${encodeURIComponent(runId)}">(details)</a>` : ''}</h2>
${view ? allocationSection(view, true) : html`<p class="muted">${problem ?? 'No allocation stored yet (the optimize step writes allocations/{runId}).'}</p>`}
</section>`;
}
