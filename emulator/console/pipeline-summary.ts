/**
 * The pipeline's own run summary inside an execution record (workflows/pipeline.yaml): the result
 * of a SUCCEEDED execution, or `summary` in the error payload of a FAILED one (the workflow raises
 * {message, failedSteps, summary} from failIfAnyStepFailed). The interpreter's records only know
 * that failIfAnyStepFailed raised and how often each call_step loop ran; the summary names the
 * pipeline steps that failed and each step's own retries. Read defensively: stored, untrusted text.
 */
import type { ExecutionRecord } from '../workflows/record';
import { arr, num, obj, str } from './format';

export interface PipelineStepRow {
  name: string;
  status: string;
  durationMs: number | undefined;
  retries: number;
  warnings: number;
  error: string | undefined;
}

export interface PipelineSummary {
  runId: string | undefined;
  runDate: string | undefined;
  status: string | undefined;
  failedSteps: string[];
  steps: PipelineStepRow[];
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stepError(e: unknown): string | undefined {
  if (e === null || e === undefined) return undefined;
  return typeof e === 'string' ? e : (str(obj(e)?.message) ?? JSON.stringify(e));
}

/** The summary of a pipeline execution, or undefined when the record holds none (other workflows). */
export function pipelineSummaryOf(r: Pick<ExecutionRecord, 'result' | 'error'>): PipelineSummary | undefined {
  const fromResult = obj(parseJson(r.result));
  const summary = fromResult && obj(fromResult.steps) ? fromResult : obj(obj(parseJson(r.error?.payload))?.summary);
  const steps = obj(summary?.steps);
  if (!summary || !steps) return undefined;
  const rows: PipelineStepRow[] = Object.entries(steps).map(([name, v]) => {
    const s = obj(v) ?? {};
    return { name, status: str(s.status) ?? 'unknown', durationMs: num(s.durationMs), retries: num(s.retries) ?? 0, warnings: arr(s.warnings).length, error: stepError(s.error) };
  });
  const listed = arr(summary.failedSteps).filter((s): s is string => typeof s === 'string');
  return {
    runId: str(summary.runId),
    runDate: str(summary.runDate),
    status: str(summary.status),
    // failedSteps is the workflow's list; derived from the step statuses if a summary lacks it.
    failedSteps: listed.length ? listed : rows.filter((s) => s.status === 'failed').map((s) => s.name),
    steps: rows,
  };
}
