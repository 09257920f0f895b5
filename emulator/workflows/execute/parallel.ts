/**
 * Parallel steps (reference/syntax/parallel-steps): `branches` or a `for` loop run concurrently
 * (at most `concurrency_limit`, and never more than 20 at once per step), each in a child scope
 * that may write only the `shared` variables of its parent; everything else it creates is
 * branch-local. With the (only) policy continueAll every branch runs to completion; unhandled
 * errors are collected and raised afterwards as one UnhandledBranchError.
 *
 * Payload shape (not documented in the pages we could read — decision): the error map has `tags`
 * ["UnhandledBranchError"], `message`, and `branches`: a list of `{id, error}` in branch order,
 * `id` being the branch name or the iteration index (as a string), `error` the unhandled value.
 */
import type { ParallelSpec, Step } from '../ast';
import { WorkflowError, builtinError, typeName, type WfMap, type WfValue } from '../values';
import { FatalWorkflowError, LIMITS } from '../limits';
import { Scope } from './scope';
import { CancelledError, type Engine, type Frame, type Outcome } from './engine';

export const UNHANDLED_BRANCH_MESSAGE = 'One or more branches or iterations encountered an unhandled runtime error';

interface BranchFailure {
  id: string;
  order: number;
  error: unknown;
}

async function pool(limit: number, count: number, run: (i: number) => Promise<boolean>): Promise<void> {
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < count) {
      const i = next++;
      if (!(await run(i))) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

export async function runParallel(engine: Engine, spec: ParallelSpec, step: Step, frame: Frame): Promise<Outcome> {
  if (frame.parDepth >= LIMITS.maxParallelDepth)
    throw builtinError('ParallelNestingError', `parallel steps can be nested at most ${LIMITS.maxParallelDepth} levels deep (step "${step.name}")`);
  let limit: number = LIMITS.maxConcurrentBranches;
  if (spec.concurrencyLimit) {
    const v = await engine.evalTemplate(spec.concurrencyLimit, frame);
    if (typeof v !== 'bigint' || v < 1n) throw builtinError('TypeError', `concurrency_limit must be a positive integer, got ${typeName(v)}`);
    limit = Math.min(limit, Number(v));
  }
  for (const name of spec.shared)
    if (frame.scope.lookup(name) === undefined) throw builtinError('KeyError', `shared variable '${name}' is not defined before parallel step "${step.name}"`);
  const shared = new Set(spec.shared);
  const failures: BranchFailure[] = [];
  const runBranch = async (id: string, order: number, body: (f: Frame) => Promise<Outcome>): Promise<boolean> => {
    const scope = new Scope(engine.budget, frame.scope, shared);
    const child = engine.newFrame(frame.wf, scope, frame.depth, frame.parDepth + 1, frame.callers, id);
    try {
      const out = await body(child);
      if (out !== null && out.k === 'jump') throw builtinError('SystemError', `step "${out.name}" is not in this branch`);
      return !(out !== null && out.k === 'break');
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      failures.push({ id, order, error: err });
      return true;
    } finally {
      scope.release();
    }
  };

  if (spec.branches) {
    const branches = spec.branches;
    await pool(limit, branches.length, (i) => runBranch(branches[i].name, i, (f) => engine.runList(branches[i].list, f)));
  } else if (spec.loop) {
    const loop = spec.loop;
    const items = await engine.loopItems(loop, frame);
    await pool(limit, items.count, (i) =>
      runBranch(String(i), i, async (f) => {
        f.scope.set(loop.value, items.item(i));
        if (loop.index) f.scope.set(loop.index, BigInt(i));
        const out = await engine.runList(loop.body, f);
        return out !== null && out.k === 'continue' ? null : out;
      }),
    );
  }
  if (failures.length === 0) return null;
  failures.sort((a, b) => a.order - b.order);
  const fatal = failures.find((f) => f.error instanceof FatalWorkflowError);
  if (fatal) throw fatal.error;
  const branches: WfValue[] = failures.slice(0, LIMITS.maxUnhandledBranchErrors).map((f) => {
    const m: WfMap = new Map();
    m.set('id', f.id);
    m.set('error', f.error instanceof WorkflowError ? f.error.value : String(f.error));
    return m;
  });
  throw builtinError('UnhandledBranchError', UNHANDLED_BRANCH_MESSAGE, { branches });
}
