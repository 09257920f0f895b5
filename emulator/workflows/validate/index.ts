/**
 * Deploy-time checks, mirroring what `gcloud workflows deploy` rejects: unknown jump targets and
 * jumps into loops/branches/blocks, duplicate step names, unknown functions/subworkflows ("symbol
 * not found"), blocking calls inside expressions, argument counts, size limits of assign/switch/
 * parallel, writes to non-shared variables in parallel branches, loop variables used outside their
 * loop, break/continue outside a loop, expression length. Every issue names file:line:column and
 * the step; all issues are collected.
 */
import type { Pos, Step, ValidationIssue, WorkflowDef, WorkflowProgram } from '../ast';
import type { Expr } from '../expr/ast';
import { collectVariables, walkExpr } from '../expr/analysis';
import { lookupBuiltin, isBuiltinName } from '../stdlib/registry';
import '../runtime/register';
import { LIMITS } from '../limits';
import { isConnectorName } from '../runtime/googleapis';
import { collectFacts, type Ctx, type StepInfo, type WorkflowFacts } from './walk';

class Issues {
  readonly list: ValidationIssue[] = [];
  add(pos: Pos, message: string, step?: string): void {
    this.list.push({ file: pos.file, line: pos.line, column: pos.column, ...(step ? { step } : {}), message });
  }
}

export function validateProgram(program: WorkflowProgram): ValidationIssue[] {
  const issues = new Issues();
  for (const wf of program.workflows.values()) {
    const facts = collectFacts(wf);
    checkParams(wf, issues);
    checkStepNames(facts, issues);
    checkJumps(facts, issues);
    checkSizes(facts, issues);
    checkCalls(program, facts, issues);
    checkParallelWrites(facts, issues);
    checkLoopVariables(facts, issues);
  }
  return issues.list;
}

function checkParams(wf: WorkflowDef, issues: Issues): void {
  if (wf.name === 'main' && wf.params.length > 1)
    issues.add(wf.params[1].pos, 'the main workflow accepts at most one parameter (the execution argument)');
  if (wf.params.length > LIMITS.maxParams)
    issues.add(wf.params[LIMITS.maxParams].pos, `workflow "${wf.name}" has more than ${LIMITS.maxParams} params`);
  const seen = new Set<string>();
  for (const p of wf.params) {
    if (seen.has(p.name)) issues.add(p.pos, `duplicate param "${p.name}" in workflow "${wf.name}"`);
    seen.add(p.name);
  }
}

function checkStepNames(facts: WorkflowFacts, issues: Issues): void {
  const seen = new Map<string, Pos>();
  for (const { step } of facts.steps) {
    if (step.synthetic) continue;
    if (['end', 'break', 'continue'].includes(step.name))
      issues.add(step.pos, `"${step.name}" is a reserved word and cannot be a step name`, step.name);
    const first = seen.get(step.name);
    if (first) issues.add(step.pos, `duplicate step name "${step.name}" (first defined at line ${first.line}) in workflow "${facts.wf.name}"`, step.name);
    else seen.set(step.name, step.pos);
  }
}

function checkJumps(facts: WorkflowFacts, issues: Issues): void {
  const byName = new Map<string, StepInfo>();
  for (const info of facts.steps) if (!info.step.synthetic && !byName.has(info.step.name)) byName.set(info.step.name, info);
  for (const { step, ctx } of facts.steps) {
    const next = step.next;
    if (!next) continue;
    const t = next.target;
    if (t.kind === 'break' || t.kind === 'continue') {
      if (ctx.loops.length === 0) issues.add(next.pos, `"next: ${t.kind}" is only allowed inside a for loop`, step.name);
      continue;
    }
    if (t.kind !== 'step') continue;
    const target = byName.get(t.name);
    if (!target) {
      issues.add(next.pos, `next step "${t.name}" not found in workflow "${facts.wf.name}"`, step.name);
      continue;
    }
    const from = ctx.barriers;
    const to = target.ctx.barriers;
    let common = 0;
    while (common < from.length && common < to.length && from[common].id === to[common].id) common++;
    if (common < to.length) {
      const b = to[common];
      const what = b.kind === 'for' ? 'a for loop' : b.kind === 'branch' ? 'a parallel branch' : 'a try/except/switch block';
      issues.add(next.pos, `cannot jump to step "${t.name}": it is inside ${what} of step "${b.owner}"`, step.name);
    } else if (from.slice(common).some((b) => b.kind === 'branch')) {
      issues.add(next.pos, `cannot jump from a parallel branch to step "${t.name}" outside it`, step.name);
    }
  }
}

function checkSizes(facts: WorkflowFacts, issues: Issues): void {
  for (const { step } of facts.steps) {
    const b = step.body;
    if (b.kind === 'assign' && b.assigns.length > LIMITS.maxAssignments)
      issues.add(b.assigns[LIMITS.maxAssignments].pos, `step "${step.name}" has more than ${LIMITS.maxAssignments} assignments`, step.name);
    if (b.kind === 'assign' && b.assigns.length === 0 && !step.synthetic) issues.add(step.pos, `step "${step.name}" has an empty assign list`, step.name);
    if (b.kind === 'switch' && b.conditions.length > LIMITS.maxSwitchConditions)
      issues.add(b.conditions[LIMITS.maxSwitchConditions].pos, `step "${step.name}" has more than ${LIMITS.maxSwitchConditions} switch conditions`, step.name);
    if (b.kind === 'switch' && b.conditions.length === 0) issues.add(step.pos, `switch of step "${step.name}" has no conditions`, step.name);
    if (b.kind === 'parallel' && b.parallel.branches) {
      const n = b.parallel.branches.length;
      const pos = b.parallel.branchesPos ?? step.pos;
      if (n < 2) issues.add(pos, `parallel step "${step.name}" needs at least 2 branches (has ${n})`, step.name);
      if (n > LIMITS.maxBranches) issues.add(pos, `parallel step "${step.name}" has ${n} branches; the maximum is ${LIMITS.maxBranches}`, step.name);
      const names = new Set<string>();
      for (const br of b.parallel.branches) {
        if (names.has(br.name)) issues.add(br.pos, `duplicate branch name "${br.name}"`, step.name);
        names.add(br.name);
      }
    }
  }
  for (const x of facts.exprs)
    if (x.src.length > LIMITS.maxExpressionLength + 3)
      issues.add(x.pos, `expression is ${x.src.length - 3} characters long; the maximum expression length is ${LIMITS.maxExpressionLength}`, x.step.name);
}

/** Every call in `e`, in pre-order (outer call before its arguments). */
function visitCalls(e: Expr, out: { name: string; argc: number; pos: Pos }[]): void {
  walkExpr(e, (x) => {
    if (x.kind === 'call') out.push({ name: x.callee, argc: x.args.length, pos: x.pos });
    return true;
  });
}

function checkCalls(program: WorkflowProgram, facts: WorkflowFacts, issues: Issues): void {
  for (const { step } of facts.steps) {
    const b = step.body;
    if (b.kind !== 'call') continue;
    const sub = program.workflows.get(b.fn);
    if (sub) {
      if (b.args && b.args.k !== 'map' && !(b.args.k === 'lit' && b.args.v instanceof Map)) {
        if (b.args.k === 'list' || (b.args.k === 'lit' && Array.isArray(b.args.v)))
          issues.add(b.argsPos ?? step.pos, `subworkflow "${b.fn}" must be called with named args (a map)`, step.name);
        continue;
      }
      const given = new Set<string>();
      if (b.args?.k === 'map') for (const e of b.args.entries) if (typeof e.key === 'string') given.add(e.key);
      if (b.args?.k === 'lit' && b.args.v instanceof Map) for (const k of b.args.v.keys()) given.add(k);
      for (const k of given)
        if (!sub.params.some((p) => p.name === k)) issues.add(b.argsPos ?? step.pos, `subworkflow "${b.fn}" has no param "${k}"`, step.name);
      for (const p of sub.params)
        if (!p.default && !given.has(p.name)) issues.add(b.fnPos, `missing required argument "${p.name}" for subworkflow "${b.fn}"`, step.name);
      continue;
    }
    const fn = lookupBuiltin(b.fn);
    if (fn) {
      if (b.args?.k === 'lit' && b.args.v instanceof Map) {
        for (const k of b.args.v.keys()) if (!fn.params.includes(k)) issues.add(b.argsPos ?? step.pos, `${b.fn} has no argument "${k}"`, step.name);
      } else if (b.args?.k === 'map') {
        for (const e of b.args.entries)
          if (typeof e.key === 'string' && !fn.params.includes(e.key)) issues.add(e.pos, `${b.fn} has no argument "${e.key}"`, step.name);
      }
      continue;
    }
    if (isConnectorName(b.fn)) continue;
    issues.add(b.fnPos, `symbol '${b.fn}' not found: no subworkflow or standard library function has this name`, step.name);
  }
  for (const x of facts.exprs) {
    const calls: { name: string; argc: number; pos: Pos }[] = [];
    visitCalls(x.expr, calls);
    for (const c of calls) {
      const sub = program.workflows.get(c.name);
      if (sub) {
        const required = sub.params.filter((p) => !p.default).length;
        if (c.argc > sub.params.length || c.argc < required)
          issues.add(c.pos, `subworkflow "${c.name}" takes ${required === sub.params.length ? required : `${required} to ${sub.params.length}`} argument(s), ${c.argc} given`, x.step.name);
        continue;
      }
      const fn = lookupBuiltin(c.name);
      if (fn) {
        if (fn.blocking) issues.add(c.pos, `blocking function ${c.name} cannot be called inside an expression; use a call step`, x.step.name);
        else if (c.argc < fn.required || c.argc > fn.params.length)
          issues.add(c.pos, `${c.name} takes ${fn.required === fn.params.length ? fn.required : `${fn.required} to ${fn.params.length}`} argument(s), ${c.argc} given`, x.step.name);
        continue;
      }
      if (isConnectorName(c.name)) {
        issues.add(c.pos, `connector ${c.name} cannot be called inside an expression; use a call step`, x.step.name);
        continue;
      }
      issues.add(c.pos, `symbol '${c.name}' not found`, x.step.name);
    }
  }
}

/** Variables visible before `order` outside parallel branches: params, earlier writes, enclosing loop vars. */
function declaredBefore(facts: WorkflowFacts, order: number, ctx: { parallels: unknown[] }, extra: string[]): Set<string> {
  const names = new Set<string>(facts.wf.params.map((p) => p.name));
  for (const w of facts.writes) if (w.order < order && w.ctx.parallels.length <= ctx.parallels.length) names.add(w.name);
  for (const v of extra) names.add(v);
  return names;
}

function checkParallelWrites(facts: WorkflowFacts, issues: Issues): void {
  for (const p of facts.parallels) {
    const outerDepth = facts.steps.find((s) => s.step === p.step)?.ctx.parallels.length ?? 0;
    const before = declaredBefore(facts, p.order, { parallels: new Array(outerDepth) }, p.outerLoopVars);
    const shared = new Set(p.spec.shared);
    for (const name of p.spec.shared)
      if (!before.has(name))
        issues.add(p.spec.sharedPos ?? p.step.pos, `shared variable "${name}" must be assigned before parallel step "${p.step.name}"`, p.step.name);
    for (const w of facts.writes) {
      if (w.ctx.parallels[w.ctx.parallels.length - 1] !== p) continue;
      if (before.has(w.name) && !shared.has(w.name) && !branchLocal(facts, w, p))
        issues.add(w.pos, `variable "${w.name}" is assigned inside parallel step "${p.step.name}" but is not listed in its "shared" variables`, w.step.name);
    }
  }
}

/** True when the parallel loop's own iteration variables are being written (they are iteration-local). */
function branchLocal(facts: WorkflowFacts, w: { name: string; ctx: Ctx }, p: { spec: { loop: { value: string; index: string | null } | null } }): boolean {
  void facts;
  const loop = p.spec.loop;
  return !!loop && (loop.value === w.name || loop.index === w.name);
}

function checkLoopVariables(facts: WorkflowFacts, issues: Issues): void {
  if (facts.loopDecls.length === 0) return;
  const loopVars = new Map<string, Step>();
  for (const d of facts.loopDecls) for (const v of d.vars) if (!loopVars.has(v)) loopVars.set(v, d.step);
  const declaredElsewhere = new Set<string>(facts.wf.params.map((p) => p.name));
  for (const w of facts.writes) if (!w.ctx.loops.some((l) => l.vars.includes(w.name))) declaredElsewhere.add(w.name);
  for (const x of facts.exprs) {
    const visible = new Set(x.ctx.loops.flatMap((l) => l.vars));
    for (const name of collectVariables(x.expr)) {
      const owner = loopVars.get(name);
      if (!owner || visible.has(name) || declaredElsewhere.has(name) || isBuiltinName(name)) continue;
      if (x.step === owner) continue; // the loop's own `in`/`range` expression
      issues.add(x.pos, `loop variable "${name}" of step "${owner.name}" is used outside its loop`, x.step.name);
    }
  }
}
