/**
 * The step machine. Executes a loaded WorkflowProgram: steps run in order unless `next` jumps;
 * control flow (return / end / break / continue / jumps across nesting) travels as return values
 * (`Outcome`), errors travel as thrown WorkflowErrors. Expressions were compiled at load time and
 * are evaluated synchronously whenever they call no subworkflow, keeping per-step overhead small.
 */
import type { Pos, Step, StepList, Template, WorkflowDef, WorkflowProgram } from '../ast';
import type { Expr } from '../expr/ast';
import { evaluate, evaluateSync, needsAsync, type EvalContext } from '../expr/evaluate';
import { invokeBuiltin, lookupBuiltin, namedToPositional, type StdlibContext } from '../stdlib/registry';
import { WfFunctionRef, WorkflowError, builtinError, typeName, type WfMap, type WfValue } from '../values';
import { FatalWorkflowError, LIMITS, resourceLimit } from '../limits';
import { MemoryBudget, Scope } from './scope';
import { assignTarget } from './assign';
import { runParallel } from './parallel';
import { runTry } from './retry';
import { callConnector, isConnectorName } from '../runtime/googleapis';
import type { StepTracker } from './tracker';

/** How a list of steps finished; `null` = ran off the end normally. */
export type Outcome =
  | null
  | { k: 'return'; v: WfValue }
  | { k: 'end' }
  | { k: 'break' }
  | { k: 'continue' }
  | { k: 'jump'; name: string; pos: Pos };

export interface CallSite {
  workflow: string;
  step: string;
  pos: Pos;
}

/** One activation of a (sub)workflow, or a parallel branch inside one. */
export interface Frame {
  wf: WorkflowDef;
  scope: Scope;
  ctx: EvalContext;
  /** Subworkflow call depth (main = 1). */
  depth: number;
  /** Number of enclosing parallel steps. */
  parDepth: number;
  /** Call sites of the enclosing subworkflow calls, outermost first. */
  callers: CallSite[];
  /** Branch label inside a parallel step, for records. */
  branch?: string;
}

const syncTemplates = new WeakMap<Template, boolean>();
/** True when no expression in the template calls a subworkflow (so it evaluates synchronously). */
function templateIsSync(t: Template): boolean {
  let r = syncTemplates.get(t);
  if (r !== undefined) return r;
  switch (t.k) {
    case 'lit':
      r = true;
      break;
    case 'expr':
      r = !needsAsync(t.e as Expr);
      break;
    case 'list':
      r = t.items.every(templateIsSync);
      break;
    case 'map':
      r = t.entries.every((e) => (typeof e.key === 'string' || !needsAsync(e.key.e as Expr)) && templateIsSync(e.value));
      break;
  }
  syncTemplates.set(t, r);
  return r;
}

/** A computed key of a map template: it must evaluate to a string. */
function templateMapKey(k: WfValue): string {
  if (typeof k !== 'string') throw builtinError('TypeError', `map key must be a string, got ${typeName(k)}`);
  return k;
}

export class CancelledError extends Error {
  constructor() {
    super('execution cancelled');
    this.name = 'CancelledError';
  }
}

/** Where an error left its first step; the execution record reports it as the failing step. */
export interface ErrorOrigin {
  workflow: string;
  step: string;
  pos: Pos;
  callers: CallSite[];
}
const origins = new WeakMap<Error, ErrorOrigin>();
export function errorOrigin(err: unknown): ErrorOrigin | undefined {
  return err instanceof Error ? origins.get(err) : undefined;
}

export interface EngineOptions {
  stdlib: StdlibContext;
  tracker: StepTracker;
  sleep(seconds: number): Promise<void>;
  signal?: AbortSignal;
  budget?: MemoryBudget;
}

export class Engine {
  stepsExecuted = 0;
  readonly budget: MemoryBudget;

  constructor(readonly program: WorkflowProgram, readonly opts: EngineOptions) {
    this.budget = opts.budget ?? new MemoryBudget();
  }

  // ---- frames and expressions ------------------------------------------------------------

  newFrame(wf: WorkflowDef, scope: Scope, depth: number, parDepth: number, callers: CallSite[], branch?: string): Frame {
    const frame = { wf, scope, depth, parDepth, callers, branch } as Frame;
    const engine = this;
    frame.ctx = {
      getVariable(name: string): WfValue {
        const v = scope.lookup(name);
        if (v !== undefined) return v;
        if (engine.program.workflows.has(name)) return new WfFunctionRef(name);
        throw builtinError('KeyError', `variable '${name}' is not defined`);
      },
      hasVariable: (name: string) => scope.lookup(name) !== undefined,
      isUserFunction: (name: string) => engine.program.workflows.has(name),
      callUserFunction: (name: string, args: WfValue[], pos: Pos) => engine.callByName(name, args, frame, pos),
      stdlib: this.opts.stdlib,
    };
    return frame;
  }

  /** Evaluates a compiled expression, synchronously when it calls no subworkflow. */
  evalExpr(e: unknown, frame: Frame): WfValue | Promise<WfValue> {
    const expr = e as Expr;
    return needsAsync(expr) ? evaluate(expr, frame.ctx) : evaluateSync(expr, frame.ctx);
  }

  /**
   * Evaluates a template synchronously when none of its expressions calls a subworkflow. Keeping
   * evaluate-then-assign free of awaits is what makes shared-variable updates in parallel branches
   * atomic per assignment.
   */
  evalValue(t: Template, frame: Frame): WfValue | Promise<WfValue> {
    if (t.k === 'lit') return t.v;
    if (t.k === 'expr') return this.evalExpr(t.e, frame);
    return templateIsSync(t) ? this.evalTemplateSync(t, frame) : this.evalTemplate(t, frame);
  }

  private evalTemplateSync(t: Template, frame: Frame): WfValue {
    switch (t.k) {
      case 'lit':
        return t.v;
      case 'expr':
        return evaluateSync(t.e as Expr, frame.ctx);
      case 'list':
        return t.items.map((i) => this.evalTemplateSync(i, frame));
      case 'map': {
        const m: WfMap = new Map();
        for (const entry of t.entries) {
          const key = typeof entry.key === 'string' ? entry.key : templateMapKey(evaluateSync(entry.key.e as Expr, frame.ctx));
          m.set(key, this.evalTemplateSync(entry.value, frame));
        }
        return m;
      }
    }
  }

  async evalTemplate(t: Template, frame: Frame): Promise<WfValue> {
    switch (t.k) {
      case 'lit':
        return t.v;
      case 'expr':
        return this.evalExpr(t.e, frame);
      case 'list': {
        const out: WfValue[] = [];
        for (const item of t.items) out.push(item.k === 'lit' ? item.v : await this.evalTemplate(item, frame));
        return out;
      }
      case 'map': {
        const m: WfMap = new Map();
        for (const entry of t.entries) {
          const key = typeof entry.key === 'string' ? entry.key : templateMapKey(await this.evalExpr(entry.key.e, frame));
          m.set(key, entry.value.k === 'lit' ? entry.value.v : await this.evalTemplate(entry.value, frame));
        }
        return m;
      }
    }
  }

  // ---- subworkflows ----------------------------------------------------------------------

  async runMain(argument: WfValue | undefined): Promise<WfValue> {
    const main = this.program.workflows.get('main');
    if (!main) throw builtinError('SystemError', 'missing main workflow');
    const scope = new Scope(this.budget);
    if (main.params.length > 0) scope.set(main.params[0].name, argument === undefined ? null : argument);
    const frame = this.newFrame(main, scope, 1, 0, []);
    return this.finishWorkflow(await this.runList(main.body, frame), frame);
  }

  private finishWorkflow(out: Outcome, frame: Frame): WfValue {
    if (out === null || out.k === 'end') return null;
    if (out.k === 'return') return out.v;
    if (out.k === 'jump') throw builtinError('SystemError', `step "${out.name}" not found in workflow "${frame.wf.name}"`);
    throw builtinError('SystemError', `"next: ${out.k}" used outside of a for loop`);
  }

  /** Calls a subworkflow, a stdlib function or a connector by name (expressions and `call`). */
  async callByName(name: string, args: WfValue[] | WfMap | null, frame: Frame, pos: Pos): Promise<WfValue> {
    const wf = this.program.workflows.get(name);
    if (wf) return this.callSubworkflow(wf, args, frame, pos);
    const fn = lookupBuiltin(name);
    if (fn) {
      const positional = args === null ? [] : args instanceof Map ? namedToPositional(fn, args) : args;
      return invokeBuiltin(fn, positional, this.opts.stdlib);
    }
    if (isConnectorName(name)) return callConnector(name, args instanceof Map ? args : new Map(), this.opts.stdlib);
    throw builtinError('TypeError', `symbol '${name}' not found`);
  }

  async callSubworkflow(wf: WorkflowDef, args: WfValue[] | WfMap | null, caller: Frame, pos: Pos): Promise<WfValue> {
    const depth = caller.depth + 1;
    if (depth > LIMITS.maxCallDepth) throw builtinError('RecursionError', `maximum call stack depth (${LIMITS.maxCallDepth}) exceeded calling "${wf.name}"`);
    const scope = new Scope(this.budget);
    const callers = [...caller.callers, { workflow: caller.wf.name, step: this.currentStep(caller), pos }];
    const frame = this.newFrame(wf, scope, depth, caller.parDepth, callers);
    try {
      if (Array.isArray(args)) {
        if (args.length > wf.params.length)
          throw builtinError('TypeError', `${wf.name}: expected at most ${wf.params.length} argument(s), got ${args.length}`);
        for (let i = 0; i < wf.params.length; i++) {
          const p = wf.params[i];
          if (i < args.length) scope.set(p.name, args[i]);
          else if (p.default) scope.set(p.name, await this.evalTemplate(p.default, frame));
          else throw builtinError('TypeError', `${wf.name}: missing required argument '${p.name}'`);
        }
      } else {
        const named = args ?? new Map<string, WfValue>();
        for (const k of named.keys())
          if (!wf.params.some((p) => p.name === k)) throw builtinError('TypeError', `${wf.name}: unexpected argument '${k}'`);
        for (const p of wf.params) {
          if (named.has(p.name)) scope.set(p.name, named.get(p.name) as WfValue);
          else if (p.default) scope.set(p.name, await this.evalTemplate(p.default, frame));
          else throw builtinError('TypeError', `${wf.name}: missing required argument '${p.name}'`);
        }
      }
      return this.finishWorkflow(await this.runList(wf.body, frame), frame);
    } finally {
      scope.release();
    }
  }

  private readonly current = new WeakMap<Frame, string>();
  private currentStep(frame: Frame): string {
    return this.current.get(frame) ?? '';
  }

  // ---- steps -----------------------------------------------------------------------------

  /** Runs `list` from `start`; `target` names a step nested in a `steps` block to enter. */
  async runList(list: StepList, frame: Frame, start = 0, target?: string): Promise<Outcome> {
    const steps = list.steps;
    let i = start;
    while (i < steps.length) {
      const step = steps[i];
      let out = await this.runStep(step, frame, target !== undefined && target !== step.name ? target : undefined);
      target = undefined;
      if (out === null) {
        const next = step.next;
        if (next === null) {
          i++;
          continue;
        }
        out = next.target.kind === 'step' ? { k: 'jump', name: next.target.name, pos: next.pos } : { k: next.target.kind };
      }
      if (out !== null && out.k === 'jump') {
        const idx = list.locate.get(out.name);
        if (idx !== undefined) {
          i = idx;
          target = out.name;
          continue;
        }
      }
      return out;
    }
    return null;
  }

  /** Counts, records and runs one named step. */
  async runStep(step: Step, frame: Frame, target?: string): Promise<Outcome> {
    if (++this.stepsExecuted > LIMITS.maxSteps) {
      throw this.annotate(resourceLimit(`the maximum number of steps per execution (${LIMITS.maxSteps}) was exceeded`), step, frame);
    }
    if (this.opts.signal?.aborted) throw new CancelledError();
    this.current.set(frame, step.name);
    const rec = this.opts.tracker.start(step, frame);
    try {
      const out = await this.runBody(step, frame, target, rec);
      this.opts.tracker.finish(rec);
      return out;
    } catch (err) {
      const e = this.annotate(err, step, frame);
      this.opts.tracker.fail(rec, e);
      throw e;
    }
  }

  /** Marks where an error first left a step; converts internal JS errors to SystemError. */
  private annotate(err: unknown, step: Step, frame: Frame): unknown {
    let e = err;
    if (!(e instanceof WorkflowError) && !(e instanceof CancelledError)) {
      const message = e instanceof Error ? e.message : String(e);
      e = builtinError('SystemError', message);
    }
    if (e instanceof Error && !origins.has(e)) origins.set(e, { workflow: frame.wf.name, step: step.name, pos: step.pos, callers: frame.callers });
    return e;
  }

  /** Executes a step's body (without counting it); used for named steps and switch/try actions. */
  async runBody(step: Step, frame: Frame, target: string | undefined, rec: unknown): Promise<Outcome> {
    const body = step.body;
    switch (body.kind) {
      case 'assign': {
        for (const a of body.assigns) {
          let v = this.evalValue(a.value, frame);
          if (v instanceof Promise) v = await v;
          if (typeof v === 'string' && v.length > LIMITS.maxStringBytes)
            throw resourceLimit(`string longer than ${LIMITS.maxStringBytes} characters assigned to '${a.target.text}'`);
          if (a.target.path.length === 0) frame.scope.set(a.target.root, v);
          else await assignTarget(frame.scope, a.target, v, (e) => this.evalExpr(e, frame));
        }
        return null;
      }
      case 'call': {
        const args = body.args === null ? null : await this.evalTemplate(body.args, frame);
        let callArgs: WfValue[] | WfMap | null;
        if (args === null || args instanceof Map || Array.isArray(args)) callArgs = args;
        else throw builtinError('TypeError', `args of step "${step.name}" must be a map or a list, got ${typeName(args)}`);
        if (Array.isArray(callArgs) && this.program.workflows.has(body.fn))
          throw builtinError('TypeError', `subworkflow "${body.fn}" must be called with named args (a map)`);
        const result = await this.callByName(body.fn, callArgs, frame, body.fnPos);
        if (body.result !== null) frame.scope.set(body.result, result);
        return null;
      }
      case 'switch': {
        for (const c of body.conditions) {
          const v = c.condition.k === 'lit' ? c.condition.v : await this.evalTemplate(c.condition, frame);
          if (typeof v !== 'boolean') throw builtinError('TypeError', `switch condition must be a boolean, got ${typeName(v)}`);
          if (v) return this.runAction(c.action, frame);
        }
        return null;
      }
      case 'for':
        return this.runFor(body.loop, frame);
      case 'parallel':
        return runParallel(this, body.parallel, step, frame);
      case 'try':
        return runTry(this, body, step, frame, rec);
      case 'raise': {
        const v = body.value.k === 'lit' ? body.value.v : await this.evalTemplate(body.value, frame);
        throw new WorkflowError(v);
      }
      case 'return':
        return { k: 'return', v: body.value.k === 'lit' ? body.value.v : await this.evalTemplate(body.value, frame) };
      case 'steps':
        if (target !== undefined) {
          const idx = body.list.locate.get(target);
          if (idx !== undefined) return this.runList(body.list, frame, idx, target);
        }
        return this.runList(body.list, frame);
      case 'noop':
        return null;
    }
  }

  /** Runs an anonymous action (switch condition body, inline try body), honouring its `next`. */
  async runAction(action: Step, frame: Frame, rec?: unknown): Promise<Outcome> {
    const out = await this.runBody(action, frame, undefined, rec);
    if (out !== null || action.next === null) return out;
    const t = action.next.target;
    return t.kind === 'step' ? { k: 'jump', name: t.name, pos: action.next.pos } : { k: t.kind };
  }

  // ---- loops -----------------------------------------------------------------------------

  /** Iterates a `for` loop's items lazily: list elements, or an inclusive numeric range. */
  async loopItems(loop: import('../ast').ForLoop, frame: Frame): Promise<{ count: number; item(i: number): WfValue }> {
    if (loop.in) {
      const list = await this.evalTemplate(loop.in, frame);
      if (!Array.isArray(list)) throw builtinError('TypeError', `for loop "in" must be a list, got ${typeName(list)}`);
      return { count: list.length, item: (i) => list[i] };
    }
    const range = await this.evalTemplate(loop.range as Template, frame);
    if (!Array.isArray(range) || range.length !== 2) throw builtinError('TypeError', 'for loop "range" must be a list [start, end]');
    const [a, b] = range;
    const num = (x: WfValue) => {
      if (typeof x === 'bigint' || typeof x === 'number') return x;
      throw builtinError('TypeError', `for loop range bounds must be numbers, got ${typeName(x)}`);
    };
    const start = num(a);
    const end = num(b);
    if (typeof start === 'bigint') {
      const endN = typeof end === 'bigint' ? end : BigInt(Math.floor(end));
      const count = endN < start ? 0 : Number(endN - start) + 1;
      return { count, item: (i) => start + BigInt(i) };
    }
    const endD = Number(end);
    const count = endD < start ? 0 : Math.floor(endD - start) + 1;
    return { count, item: (i) => start + i };
  }

  async runFor(loop: import('../ast').ForLoop, frame: Frame): Promise<Outcome> {
    const items = await this.loopItems(loop, frame);
    const scope = frame.scope;
    // Variables first created inside the loop body (and the loop variables) vanish after the loop.
    const before = new Set(scope.vars.keys());
    try {
      for (let i = 0; i < items.count; i++) {
        scope.set(loop.value, items.item(i));
        if (loop.index) scope.set(loop.index, BigInt(i));
        const out = await this.runList(loop.body, frame);
        if (out === null || out.k === 'continue') continue;
        if (out.k === 'break') break;
        return out;
      }
      return null;
    } finally {
      for (const name of [...scope.vars.keys()]) if (!before.has(name)) scope.delete(name);
    }
  }
}

export { FatalWorkflowError };
