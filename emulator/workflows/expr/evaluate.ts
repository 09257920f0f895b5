/**
 * Expression evaluator.
 *
 * Most expressions call only builtins, so they are evaluated synchronously (`evaluateSync`);
 * the async path is used only for expressions containing calls that may be subworkflows, and
 * even then every call-free subtree is delegated to the sync evaluator. This keeps a
 * 100,000-step loop cheap.
 */
import type { Expr, MemberExpr, SourcePos } from './ast';
import { dottedName } from './ast';
import { STDLIB_MODULES } from './parser';
import * as ops from './ops';
import { StdlibContext, builtinValue, invokeBuiltin, lookupBuiltin } from '../stdlib/registry';
import { WfFunctionRef, WfMap, WfValue, WorkflowError, builtinError, typeName } from '../values';
import '../stdlib'; // registers the pure standard library

export interface EvalContext {
  /** Value of a variable; throws a WorkflowError (see `undefinedVariableError`) if unassigned. */
  getVariable(name: string): WfValue;
  /** Optional fast existence check (avoids exceptions when resolving `module.member`). */
  hasVariable?(name: string): boolean;
  /** Runs a subworkflow called from an expression (positional args). */
  callUserFunction?(name: string, args: WfValue[], pos: SourcePos): Promise<WfValue>;
  /** True if `name` is a subworkflow: `${my_predicate}` then yields a WfFunctionRef. */
  isUserFunction?(name: string): boolean;
  stdlib: StdlibContext;
}

/**
 * Error for reading an unassigned variable at runtime. The service rejects statically
 * detectable cases at deploy time; for the rest we raise KeyError (the variable scope behaves
 * like a map lookup) [R].
 */
export function undefinedVariableError(name: string): WorkflowError {
  return builtinError('KeyError', `variable '${name}' is not defined`);
}

/** Thrown by the sync evaluator when it meets a call that is not a pure builtin. */
class NeedsAsync extends Error {}

// Whether an expression contains a call that is not a registered non-blocking builtin.
const asyncCache = new WeakMap<Expr, boolean>();

export function needsAsync(e: Expr): boolean {
  const cached = asyncCache.get(e);
  if (cached !== undefined) return cached;
  let r: boolean;
  switch (e.kind) {
    case 'literal':
    case 'variable':
      r = false;
      break;
    case 'member':
      r = needsAsync(e.object);
      break;
    case 'index':
      r = needsAsync(e.object) || needsAsync(e.index);
      break;
    case 'unary':
      r = needsAsync(e.operand);
      break;
    case 'binary':
      r = needsAsync(e.left) || needsAsync(e.right);
      break;
    case 'list':
      r = e.items.some(needsAsync);
      break;
    case 'map':
      r = e.entries.some((x) => needsAsync(x.key) || needsAsync(x.value));
      break;
    case 'call': {
      const fn = lookupBuiltin(e.callee);
      r = !fn || fn.blocking || e.args.some(needsAsync);
      break;
    }
  }
  asyncCache.set(e, r);
  return r;
}

/** Evaluates an expression. Rejects with WorkflowError for runtime errors. */
export async function evaluate(expr: Expr, ctx: EvalContext): Promise<WfValue> {
  if (!needsAsync(expr)) return evalSync(expr, ctx);
  return evalAsync(expr, ctx);
}

/**
 * Synchronous evaluation; throws if the expression calls a subworkflow (check `needsAsync`
 * first, or use `evaluate`).
 */
export function evaluateSync(expr: Expr, ctx: EvalContext): WfValue {
  try {
    return evalSync(expr, ctx);
  } catch (e) {
    if (e instanceof NeedsAsync) throw new Error('evaluateSync: expression calls a subworkflow; use evaluate()');
    throw e;
  }
}

function evalSync(e: Expr, ctx: EvalContext): WfValue {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'variable':
      return readVariable(e.name, ctx);
    case 'member': {
      const ref = resolveBuiltinMember(e, ctx);
      if (ref !== undefined) return ref;
      return ops.getProperty(evalSync(e.object, ctx), e.name);
    }
    case 'index':
      return ops.getIndex(evalSync(e.object, ctx), evalSync(e.index, ctx));
    case 'unary': {
      const v = evalSync(e.operand, ctx);
      return e.op === 'not' ? ops.logicalNot(v) : e.op === '-' ? ops.negate(v) : v;
    }
    case 'binary': {
      if (e.op === 'and') return ops.requireBool('and', evalSync(e.left, ctx)) ? ops.requireBool('and', evalSync(e.right, ctx)) : false;
      if (e.op === 'or') return ops.requireBool('or', evalSync(e.left, ctx)) ? true : ops.requireBool('or', evalSync(e.right, ctx));
      return binary(e.op, evalSync(e.left, ctx), evalSync(e.right, ctx));
    }
    case 'list':
      return e.items.map((x) => evalSync(x, ctx));
    case 'map': {
      const m: WfMap = new Map();
      for (const { key, value } of e.entries) m.set(mapKey(evalSync(key, ctx)), evalSync(value, ctx));
      return m;
    }
    case 'call': {
      const fn = lookupBuiltin(e.callee);
      if (!fn || fn.blocking) throw new NeedsAsync();
      const args = e.args.map((x) => evalSync(x, ctx));
      const r = invokeBuiltin(fn, args, ctx.stdlib);
      if (r instanceof Promise) throw builtinError('TypeError', `${e.callee}: asynchronous builtin used in an expression`);
      return r;
    }
  }
}

async function evalAsync(e: Expr, ctx: EvalContext): Promise<WfValue> {
  if (!needsAsync(e)) return evalSync(e, ctx);
  switch (e.kind) {
    case 'member':
      return ops.getProperty(await evalAsync(e.object, ctx), e.name);
    case 'index': {
      const obj = await evalAsync(e.object, ctx);
      return ops.getIndex(obj, await evalAsync(e.index, ctx));
    }
    case 'unary': {
      const v = await evalAsync(e.operand, ctx);
      return e.op === 'not' ? ops.logicalNot(v) : e.op === '-' ? ops.negate(v) : v;
    }
    case 'binary': {
      if (e.op === 'and') {
        return ops.requireBool('and', await evalAsync(e.left, ctx)) ? ops.requireBool('and', await evalAsync(e.right, ctx)) : false;
      }
      if (e.op === 'or') {
        return ops.requireBool('or', await evalAsync(e.left, ctx)) ? true : ops.requireBool('or', await evalAsync(e.right, ctx));
      }
      const l = await evalAsync(e.left, ctx);
      return binary(e.op, l, await evalAsync(e.right, ctx));
    }
    case 'list': {
      const out: WfValue[] = [];
      for (const x of e.items) out.push(await evalAsync(x, ctx));
      return out;
    }
    case 'map': {
      const m: WfMap = new Map();
      for (const { key, value } of e.entries) {
        const k = mapKey(await evalAsync(key, ctx));
        m.set(k, await evalAsync(value, ctx));
      }
      return m;
    }
    case 'call': {
      const args: WfValue[] = [];
      for (const x of e.args) args.push(await evalAsync(x, ctx));
      const fn = lookupBuiltin(e.callee);
      if (fn) {
        // The validator rejects this at deploy time; keep a runtime guard.
        if (fn.blocking) throw builtinError('TypeError', `blocking function ${e.callee} cannot be called inside an expression; use a call step`);
        return invokeBuiltin(fn, args, ctx.stdlib);
      }
      if (!ctx.callUserFunction) throw builtinError('TypeError', `unknown function: ${e.callee}`);
      return ctx.callUserFunction(e.callee, args, e.pos);
    }
    default:
      return evalSync(e, ctx);
  }
}

function binary(op: Exclude<import('./ast').BinaryOp, 'and' | 'or'>, l: WfValue, r: WfValue): WfValue {
  switch (op) {
    case '+':
      return ops.add(l, r);
    case '-':
    case '*':
    case '/':
    case '//':
    case '%':
      return ops.arith(op, l, r);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return ops.compare(op, l, r);
    case '==':
      return ops.deepEqual(l, r);
    case '!=':
      return !ops.deepEqual(l, r);
    case 'in':
      return ops.membership(l, r);
  }
}

function mapKey(k: WfValue): string {
  if (typeof k !== 'string') throw builtinError('TypeError', `map keys must be strings, got '${typeName(k)}'`);
  return k;
}

function readVariable(name: string, ctx: EvalContext): WfValue {
  if (!ctx.isUserFunction) return ctx.getVariable(name);
  if (ctx.hasVariable) {
    if (!ctx.hasVariable(name) && ctx.isUserFunction(name)) return new WfFunctionRef(name);
    return ctx.getVariable(name);
  }
  try {
    return ctx.getVariable(name);
  } catch (err) {
    if (ctx.isUserFunction(name)) return new WfFunctionRef(name);
    throw err;
  }
}

function variableExists(name: string, ctx: EvalContext): boolean {
  if (ctx.hasVariable) return ctx.hasVariable(name);
  try {
    ctx.getVariable(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * `http.default_retry`, `retry.always`...: a member chain rooted at a stdlib module name that is
 * not a variable denotes a builtin value (functions become WfFunctionRef).
 */
function resolveBuiltinMember(e: MemberExpr, ctx: EvalContext): WfValue | undefined {
  let root: Expr = e;
  while (root.kind === 'member') root = root.object;
  if (root.kind !== 'variable' || !STDLIB_MODULES.has(root.name)) return undefined;
  const name = dottedName(e);
  if (name === undefined) return undefined;
  const v = builtinValue(name);
  if (v === undefined || variableExists(root.name, ctx)) return undefined;
  return v;
}
