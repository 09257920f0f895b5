/**
 * The executions list and one execution's page, modelled on the Cloud console's execution view:
 * state, timing, argument, result or error, and the step history with the failing step marked;
 * for pipeline runs also the workflow summary's failed steps and per-step table (pipeline-summary.ts).
 */
import type { StepRecord } from '../../workflows/execute/tracker';
import type { ExecutionRecord } from '../../workflows/record';
import type { ExecutionSummary } from '../data';
import { errorSummary, executionDuration, fmtMs, fmtTime, obj, prettyJson, str } from '../format';
import { html, type SafeHtml } from '../html';
import { pipelineSummaryOf, type PipelineSummary } from '../pipeline-summary';
import { badge } from './layout';

export function executionHref(id: string): string {
  return `/executions/${encodeURIComponent(id)}`;
}

function failingStepText(f: ExecutionSummary['failingStep']): string {
  return f ? `${f.workflow === 'main' ? '' : `${f.workflow}.`}${f.step}` : '';
}

export function executionsTable(items: ExecutionSummary[]): SafeHtml {
  if (items.length === 0) {
    return html`<p class="muted" id="no-executions">No executions yet. Run <span class="mono">npm run local-workflow</span> (or <span class="mono">npm run cloud-workflow -- --local</span>) and reload.</p>`;
  }
  return html`<table id="executions">
<thead><tr><th>Execution</th><th>Workflow</th><th>State</th><th>Start</th><th class="num">Duration</th><th class="num">Steps</th><th>Failing step</th></tr></thead>
<tbody>
${items.map(
  (e) => html`<tr class="execution" data-state="${e.state}">
<td class="mono"><a href="${executionHref(e.executionId)}">${e.executionId}</a></td>
<td>${e.workflowId}</td>
<td>${badge(e.state)}</td>
<td class="time">${fmtTime(e.startTime)}</td>
<td class="num">${executionDuration(e)}</td>
<td class="num">${e.stepsExecuted ?? '—'}</td>
<td class="err">${e.pipeline?.failedSteps.length ? e.pipeline.failedSteps.join(', ') : failingStepText(e.failingStep)}</td>
</tr>
`,
)}</tbody>
</table>`;
}

/** Index of the step record the execution failed in (the last FAILED record of that step). */
export function failingStepIndex(r: Pick<ExecutionRecord, 'failingStep' | 'steps'>): number {
  const f = r.failingStep;
  if (!f) return -1;
  const steps = r.steps ?? [];
  for (let i = steps.length - 1; i >= 0; i--) {
    if (steps[i].status === 'FAILED' && steps[i].name === f.step && steps[i].workflow === f.workflow) return i;
  }
  return -1;
}

function errorCell(error: unknown): SafeHtml {
  if (error === undefined || error === null) return html``;
  const full = prettyJson(error);
  const short = errorSummary(error);
  // <details> keeps the table readable without any script; the full payload is one click away.
  return full === short ? html`<span class="err">${short}</span>` : html`<details><summary class="err">${short}</summary><pre>${full}</pre></details>`;
}

function stepsTable(steps: StepRecord[], failing: number): SafeHtml {
  if (steps.length === 0) return html`<p class="muted">No step records.</p>`;
  return html`<table id="steps">
<thead><tr><th>#</th><th>Step</th><th>Branch</th><th>Status</th><th>Start</th><th class="num">Duration</th><th class="num">Retries</th><th>Error</th></tr></thead>
<tbody>
${steps.map(
  (s, i) => html`<tr class="step${i === failing ? ' failing' : ''}" id="step-${i}" data-status="${s.status}">
<td class="num muted">${i + 1}</td>
<td><span class="mono">${s.workflow && s.workflow !== 'main' ? `${s.workflow}.` : ''}${s.name}</span> <span class="muted">:${s.line}</span></td>
<td>${s.branch ?? ''}</td>
<td>${badge(s.status)}</td>
<td class="time">${fmtTime(s.startTime)}</td>
<td class="num">${s.status === 'ACTIVE' ? 'running' : fmtMs(s.durationMs)}</td>
<td class="num">${s.retries > 0 ? html`<strong class="warn">${s.retries}</strong>` : s.retries ?? 0}</td>
<td>${errorCell(s.error)}</td>
</tr>
`,
)}</tbody>
</table>`;
}

/** The run id in a pipeline result (the run summary), to link its allocation. */
function resultRunId(result: string | undefined): string | undefined {
  if (!result) return undefined;
  try {
    return str(obj(JSON.parse(result))?.runId);
  } catch {
    return undefined;
  }
}

const pipelineStepId = (name: string) => `pipeline-step-${encodeURIComponent(name)}`;

/** The workflow summary's steps: each pipeline step's own status, retries and error. */
function pipelineStepsTable(p: PipelineSummary): SafeHtml {
  return html`<h2>Pipeline steps <span class="muted">(run ${p.runId ?? '—'} · ${p.runDate ?? '—'} · ${p.status ?? 'unknown'})</span></h2>
<table id="pipeline-steps">
<thead><tr><th>Step</th><th>Status</th><th class="num">Duration</th><th class="num">Retries</th><th class="num">Warnings</th><th>Error</th></tr></thead>
<tbody>
${p.steps.map(
  (s) => html`<tr class="pipeline-step${s.status === 'failed' ? ' failing' : ''}" id="${pipelineStepId(s.name)}" data-status="${s.status}">
<td class="mono">${s.name}</td>
<td>${badge(s.status)}</td>
<td class="num">${fmtMs(s.durationMs)}</td>
<td class="num">${s.retries > 0 ? html`<strong class="warn">${s.retries}</strong>` : s.retries}</td>
<td class="num">${s.warnings}</td>
<td class="err">${s.error ?? ''}</td>
</tr>
`,
)}</tbody>
</table>`;
}

export function executionBody(r: ExecutionRecord): SafeHtml {
  const failing = failingStepIndex(r);
  const runId = resultRunId(r.result);
  const f = r.failingStep;
  const pipeline = pipelineSummaryOf(r);
  const failedSteps = pipeline?.failedSteps ?? [];
  return html`<h1>Execution <span class="mono">${r.executionId}</span></h1>
<dl class="meta">
<dt>State</dt><dd>${badge(r.state)}</dd>
<dt>Workflow</dt><dd>${r.workflowId} <span class="muted">(revision ${r.workflowRevisionId})</span></dd>
<dt>Name</dt><dd class="mono">${r.name}</dd>
<dt>Start</dt><dd>${fmtTime(r.startTime)}</dd>
<dt>End</dt><dd>${fmtTime(r.endTime)}</dd>
<dt>Duration</dt><dd>${executionDuration(r)}</dd>
<dt>Steps executed</dt><dd>${r.stepsExecuted}${r.droppedStepRecords ? html` <span class="muted">(${r.droppedStepRecords} step records not kept)</span>` : ''}</dd>
${
  failedSteps.length
    ? html`<dt>Failing steps</dt><dd class="err" id="pipeline-failed-steps">${failedSteps.map((name, i) => html`${i ? ', ' : ''}<a href="#${pipelineStepId(name)}">${name}</a>`)}</dd>`
    : ''
}
${f ? html`<dt>${failedSteps.length ? 'Raised at' : 'Failing step'}</dt><dd class="err"><a href="#step-${failing}">${failingStepText(f)}</a> <span class="muted">${f.file}:${f.line}:${f.column}</span></dd>` : ''}
${runId ? html`<dt>Allocation</dt><dd><a href="/allocations/${encodeURIComponent(runId)}">allocation of run ${runId}</a></dd>` : ''}
</dl>
<h2>Argument</h2>
<pre id="argument">${prettyJson(r.argument ?? 'null')}</pre>
${r.result !== undefined ? html`<h2>Result</h2><pre id="result">${prettyJson(r.result)}</pre>` : ''}
${
  r.error
    ? html`<h2>Error</h2>
<p class="err" id="error-context">${r.error.context}</p>
<pre id="error">${prettyJson(r.error.payload)}</pre>
${
  r.error.stackTrace?.elements?.length
    ? html`<table><thead><tr><th>Stack: step</th><th>Routine</th><th>Position</th></tr></thead><tbody>${r.error.stackTrace.elements.map(
        (e) => html`<tr><td class="mono">${e.step}</td><td>${e.routine}</td><td class="mono">${e.position?.line}:${e.position?.column}</td></tr>`,
      )}</tbody></table>`
    : ''
}`
    : ''
}
${pipeline ? pipelineStepsTable(pipeline) : ''}
<h2>Steps</h2>
${stepsTable(r.steps ?? [], failing)}`;
}
