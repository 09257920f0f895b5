/**
 * Static analysis used by the validator: free variables read and functions called.
 */
import type { Expr } from './ast';
import { dottedName } from './ast';
import { STDLIB_MODULES } from './parser';
import { isBuiltinName } from '../stdlib/registry';
import '../stdlib';

/**
 * Names of variables read by the expression, in first-occurrence order. A chain such as
 * `http.default_retry` or `retry.always` that names a builtin is not a variable read.
 * Note: `${my_subworkflow}` (a subworkflow used as a retry predicate) is reported as a variable;
 * the validator should accept it when a subworkflow of that name exists.
 */
export function collectVariables(expr: Expr): string[] {
  const out = new Set<string>();
  walkExpr(expr, (e) => {
    if (e.kind === 'variable') {
      out.add(e.name);
      return false;
    }
    if (e.kind === 'member' && isBuiltinChain(e)) return false;
    return true;
  });
  return [...out];
}

/** Qualified names of all functions called (`text.split`, `my_subworkflow`), first-occurrence order. */
export function collectCalls(expr: Expr): string[] {
  const out = new Set<string>();
  walkExpr(expr, (e) => {
    if (e.kind === 'call') out.add(e.callee);
    return true;
  });
  return [...out];
}

/** True when `e` is a dotted chain rooted at a stdlib module that names (or extends) a builtin. */
function isBuiltinChain(e: Expr): boolean {
  const name = dottedName(e);
  if (name === undefined) return false;
  const parts = name.split('.');
  if (!STDLIB_MODULES.has(parts[0])) return false;
  for (let i = 2; i <= parts.length; i++) if (isBuiltinName(parts.slice(0, i).join('.'))) return true;
  return false;
}

/** Pre-order walk; `visit` returns false to skip a node's children. */
export function walkExpr(e: Expr, visit: (e: Expr) => boolean): void {
  if (!visit(e)) return;
  switch (e.kind) {
    case 'literal':
    case 'variable':
      return;
    case 'member':
      return walkExpr(e.object, visit);
    case 'index':
      walkExpr(e.object, visit);
      return walkExpr(e.index, visit);
    case 'unary':
      return walkExpr(e.operand, visit);
    case 'binary':
      walkExpr(e.left, visit);
      return walkExpr(e.right, visit);
    case 'list':
      for (const x of e.items) walkExpr(x, visit);
      return;
    case 'map':
      for (const { key, value } of e.entries) {
        walkExpr(key, visit);
        walkExpr(value, visit);
      }
      return;
    case 'call':
      for (const x of e.args) walkExpr(x, visit);
      return;
  }
}
