/** Test helpers: evaluate expression text against plain variables. */
import { parseExpression } from '../../../emulator/workflows/expr/parser';
import { EvalContext, evaluate, undefinedVariableError } from '../../../emulator/workflows/expr/evaluate';
import { WfValue, WorkflowError } from '../../../emulator/workflows/values';
import { fromPlain, toPlain } from '../../../emulator/workflows/convert';

export const ORIGIN = { file: 'wf.yaml', line: 3, column: 10 };

export function ctxWith(vars: Record<string, WfValue> = {}, env: Record<string, string> = {}): EvalContext {
  return {
    getVariable(name) {
      if (!(name in vars)) throw undefinedVariableError(name);
      return vars[name];
    },
    hasVariable: (name) => name in vars,
    stdlib: { env: (n) => env[n], now: () => 1700000000.5 },
  };
}

export async function ev(text: string, vars: Record<string, WfValue> = {}, env: Record<string, string> = {}): Promise<WfValue> {
  return evaluate(parseExpression(text, ORIGIN), ctxWith(vars, env));
}

/** The raised error value (map) as plain JS, or fails. */
export async function evErr(text: string, vars: Record<string, WfValue> = {}): Promise<{ tags: string[]; message: string }> {
  try {
    await ev(text, vars);
  } catch (e) {
    if (e instanceof WorkflowError) return toPlain(e.value) as { tags: string[]; message: string };
    throw e;
  }
  throw new Error(`expected ${text} to raise`);
}

export const W = (v: unknown): WfValue => fromPlain(v, { integralNumbersAsInts: true });
