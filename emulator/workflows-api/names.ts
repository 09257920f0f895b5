/**
 * Resource names of the Executions API: `projects/P/locations/L/workflows/W` (a workflow, the
 * `parent` of create/list) and `…/executions/E` (an execution). Workflow ids are checked against
 * GCP's rule (letter first; letters, digits, `-`, `_`; at most 128), which also keeps a name from
 * reaching outside the workflows directory.
 */
export interface WorkflowRef {
  project: string;
  location: string;
  workflow: string;
}

export interface ExecutionRef extends WorkflowRef {
  executionId: string;
}

const SEGMENT = '([^/]+)';
const WORKFLOW_NAME = new RegExp(`^projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}$`);
const EXECUTION_NAME = new RegExp(`^projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}/executions/${SEGMENT}$`);
export const WORKFLOW_ID = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

export function parseWorkflowName(name: string): WorkflowRef | undefined {
  const m = WORKFLOW_NAME.exec(name);
  if (!m || !WORKFLOW_ID.test(m[3])) return undefined;
  return { project: m[1], location: m[2], workflow: m[3] };
}

export function parseExecutionName(name: string): ExecutionRef | undefined {
  const m = EXECUTION_NAME.exec(name);
  if (!m || !WORKFLOW_ID.test(m[3])) return undefined;
  return { project: m[1], location: m[2], workflow: m[3], executionId: m[4] };
}

export function workflowName(ref: WorkflowRef): string {
  return `projects/${ref.project}/locations/${ref.location}/workflows/${ref.workflow}`;
}

export function executionName(ref: ExecutionRef): string {
  return `${workflowName(ref)}/executions/${ref.executionId}`;
}
