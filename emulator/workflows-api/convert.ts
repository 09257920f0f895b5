/**
 * ExecutionEntry → the proto `Execution` message (proto-loader object form: camelCase fields, enum
 * names, int64 as strings, Timestamp/Duration as {seconds, nanos}). The BASIC view carries only
 * name, start/end time, duration, state and revision id, as documented for the service.
 */
import { REVISION_ID } from '../workflows/execute/run';
import type { ExecutionEntry } from './registry';

export type ExecutionView = 'EXECUTION_VIEW_UNSPECIFIED' | 'BASIC' | 'FULL';

interface ProtoTime {
  seconds: string;
  nanos: number;
}

function timestamp(iso: string | undefined): ProtoTime | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return { seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 };
}

function duration(startIso: string, endIso: string | undefined): ProtoTime | undefined {
  if (!endIso) return undefined;
  const ms = Math.max(0, Date.parse(endIso) - Date.parse(startIso));
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

export function toProtoExecution(entry: ExecutionEntry, view: ExecutionView): Record<string, unknown> {
  const record = entry.record;
  const basic: Record<string, unknown> = {
    name: entry.name,
    startTime: timestamp(entry.startTime),
    endTime: timestamp(record?.endTime),
    duration: duration(entry.startTime, record?.endTime),
    state: entry.state,
    workflowRevisionId: record?.workflowRevisionId || REVISION_ID,
  };
  if (view === 'BASIC') return basic;
  const full: Record<string, unknown> = {
    ...basic,
    argument: entry.argument,
    labels: entry.labels,
    status: { currentSteps: entry.currentSteps() },
  };
  if (record?.state === 'SUCCEEDED' && record.result !== undefined) full.result = record.result;
  if (record?.error) {
    full.error = {
      payload: record.error.payload,
      context: record.error.context,
      stackTrace: {
        elements: record.error.stackTrace.elements.map((e) => ({
          step: e.step,
          routine: e.routine,
          position: { line: String(e.position.line), column: String(e.position.column), length: String(e.position.length ?? 0) },
        })),
      },
    };
  }
  return full;
}
