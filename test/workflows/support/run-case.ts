/** Shared helpers for workflow tests: run YAML text with a fake sleeper and captured logs. */
import { executeWorkflow, loadWorkflowSource, type ExecuteOptions, type ExecutionRecord } from '../../../emulator/workflows';

export interface RunResult {
  record: ExecutionRecord;
  sleeps: number[];
  logs: string[];
  result: unknown;
  error: unknown;
}

export async function runYaml(yaml: string, opts: ExecuteOptions = {}, file = 'inline.yaml'): Promise<RunResult> {
  const program = loadWorkflowSource(yaml, file);
  const sleeps: number[] = [];
  const logs: string[] = [];
  const record = await executeWorkflow(program, {
    sleep: async (s) => {
      sleeps.push(s);
    },
    logSink: (l) => logs.push(l),
    ...opts,
  });
  return {
    record,
    sleeps,
    logs,
    result: record.result !== undefined ? JSON.parse(record.result) : undefined,
    error: record.error ? JSON.parse(record.error.payload) : undefined,
  };
}
