/**
 * Public API of the local GCP Workflows interpreter: load (YAML/JSON with positions), validate
 * (like `gcloud workflows deploy`), execute (→ Execution record), save the record.
 */
import fs from 'node:fs/promises';
import type { ValidationIssue, WorkflowProgram } from './ast';
import { dedupeIssues, parseWorkflow } from './load';
import { validateProgram } from './validate';

export type { ValidationIssue, WorkflowProgram } from './ast';
export type { ExecuteOptions } from './execute/run';
export type { ExecutionEvent, StepRecord } from './execute/tracker';
export type { ExecutionRecord, ExecutionState, ExecutionError, SaveOptions } from './record';
export { executeWorkflow } from './execute/run';
export { saveExecutionRecord } from './record';
export { LIMITS } from './limits';

/** Syntax or validation errors; `issues` lists every problem with file:line:column. */
export class WorkflowValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'WorkflowValidationError';
  }
}

export function formatIssue(i: ValidationIssue): string {
  return `${i.file}:${i.line}:${i.column}: ${i.step ? `step "${i.step}": ` : ''}${i.message}`;
}

/** Runs the deploy-time checks on a loaded program (the loader already ran them once). */
export function validateWorkflow(program: WorkflowProgram): ValidationIssue[] {
  return validateProgram(program);
}

/** Parses and validates; throws WorkflowValidationError listing every issue. */
export function loadWorkflowSource(text: string, fileName: string): WorkflowProgram {
  const { program, issues } = parseWorkflow(text, fileName);
  const all = dedupeIssues([...issues, ...validateProgram(program)]);
  if (all.length) throw new WorkflowValidationError(sortIssues(all));
  return program;
}

export async function loadWorkflowFile(path: string): Promise<WorkflowProgram> {
  return loadWorkflowSource(await fs.readFile(path, 'utf8'), path);
}

function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}
