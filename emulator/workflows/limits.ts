/**
 * Service limits of GCP Workflows (https://cloud.google.com/workflows/quotas, "Limits" table), enforced
 * so a workflow that would fail in GCP fails locally too. Values marked [E] in the semantics reference
 * could only be cross-checked from secondary sources; they are kept here in one place to adjust.
 */
import { builtinError, WorkflowError, type WfValue } from './values';

export const LIMITS = {
  /** Steps executed per execution (quotas page "Steps" limit: 100,000). */
  maxSteps: 100_000,
  /** Cumulative size of variables, arguments and events (quotas page: 512 KB). */
  maxVariableBytes: 512 * 1024,
  /** Max HTTP response size (quotas page: 2 MB). */
  maxHttpResponseBytes: 2 * 1024 * 1024,
  /** Max string length (syntax cheat sheet: "unicode <= 256 KB length"). */
  maxStringBytes: 256 * 1024,
  /** Max call stack depth for subworkflows/recursion [E]: 20. */
  maxCallDepth: 20,
  /** Source code size (quotas page: 128 KB). */
  maxSourceBytes: 128 * 1024,
  /** Execution argument size [E]: 32 KB. */
  maxArgumentBytes: 32 * 1024,
  /** Expression length [E]: 400 characters. */
  maxExpressionLength: 400,
  /** Parallel nesting depth [E]: 2. */
  maxParallelDepth: 2,
  /** Concurrent branches/iterations per execution [E]: 20; more are queued. */
  maxConcurrentBranches: 20,
  /** Branches per parallel step (schema maxItems: 10). */
  maxBranches: 10,
  /** Assignments per assign step (schema maxItems: 50). */
  maxAssignments: 50,
  /** Conditions per switch step (schema maxItems: 50). */
  maxSwitchConditions: 50,
  /** Subworkflow params (schema maxItems: 10); main takes at most one. */
  maxParams: 10,
  /** HTTP timeout: default 300 s, maximum 1800 s (stdlib http.request page). */
  httpDefaultTimeoutSeconds: 300,
  httpMaxTimeoutSeconds: 1800,
  /** Unhandled exceptions per parallel step with continueAll [E]: 100. */
  maxUnhandledBranchErrors: 100,
} as const;

/**
 * An internally raised ResourceLimitError: the error-types page says such errors "can't be caught
 * and cause immediate execution failure", so try/except lets this subclass through.
 */
export class FatalWorkflowError extends WorkflowError {}

export function resourceLimit(message: string): FatalWorkflowError {
  const e = builtinError('ResourceLimitError', message);
  return new FatalWorkflowError(e.value, e.message);
}

/**
 * Approximate serialized size of a value in bytes (JSON-ish), used for the variable-memory budget.
 * Primitives are O(1); containers walk their contents once.
 */
export function sizeOf(v: WfValue): number {
  switch (typeof v) {
    case 'string':
      return v.length + 2;
    case 'bigint':
    case 'number':
      return 8;
    case 'boolean':
      return 4;
    case 'object':
      if (v === null) return 4;
      if (v instanceof Uint8Array) return v.length;
      if (Array.isArray(v)) {
        let n = 2;
        for (const x of v) n += sizeOf(x) + 1;
        return n;
      }
      if (v instanceof Map) {
        let n = 2;
        for (const [k, x] of v) n += k.length + 3 + sizeOf(x) + 1;
        return n;
      }
      return 16;
    default:
      return 8;
  }
}
