/**
 * One traversal of a workflow that records, for every step, expression and variable write, the
 * context the checks need: enclosing jump barriers (loop bodies, parallel branches, try/except/switch
 * blocks), enclosing loops, the innermost parallel step, and document order.
 */
import type { Pos, Step, StepList, Template, WorkflowDef, ParallelSpec } from '../ast';
import type { Expr } from '../expr/ast';
import { templateExprs } from '../load/templates';

export type BarrierKind = 'for' | 'branch' | 'block';
export interface Barrier {
  id: number;
  kind: BarrierKind;
  owner: string;
}

export interface ParallelCtx {
  step: Step;
  spec: ParallelSpec;
  order: number;
  /** Loop variables visible at the parallel step (enclosing loops). */
  outerLoopVars: string[];
}

export interface Ctx {
  barriers: Barrier[];
  loops: { vars: string[]; step: string }[];
  parallels: ParallelCtx[];
}

export interface StepInfo {
  step: Step;
  ctx: Ctx;
  order: number;
}
export interface ExprInfo {
  expr: Expr;
  src: string;
  pos: Pos;
  step: Step;
  ctx: Ctx;
  order: number;
}
export interface WriteInfo {
  name: string;
  pos: Pos;
  step: Step;
  ctx: Ctx;
  order: number;
}

export interface WorkflowFacts {
  wf: WorkflowDef;
  steps: StepInfo[];
  exprs: ExprInfo[];
  writes: WriteInfo[];
  loopDecls: { vars: string[]; step: Step; order: number; end: number }[];
  parallels: ParallelCtx[];
}

export function collectFacts(wf: WorkflowDef): WorkflowFacts {
  const facts: WorkflowFacts = { wf, steps: [], exprs: [], writes: [], loopDecls: [], parallels: [] };
  let order = 0;
  let barrierId = 0;
  const barrier = (ctx: Ctx, kind: BarrierKind, owner: string): Ctx => ({ ...ctx, barriers: [...ctx.barriers, { id: ++barrierId, kind, owner }] });

  const exprs = (t: Template | null, step: Step, ctx: Ctx) => {
    for (const x of templateExprs(t)) facts.exprs.push({ expr: x.e as Expr, src: x.src, pos: x.pos, step, ctx, order });
  };
  const write = (name: string, pos: Pos, step: Step, ctx: Ctx) => facts.writes.push({ name, pos, step, ctx, order });

  const list = (l: StepList, ctx: Ctx) => {
    for (const s of l.steps) visit(s, ctx);
  };

  const visit = (step: Step, ctx: Ctx): void => {
    order++;
    if (!step.synthetic) facts.steps.push({ step, ctx, order });
    else facts.steps.push({ step, ctx, order });
    const b = step.body;
    switch (b.kind) {
      case 'assign':
        for (const a of b.assigns) {
          exprs(a.value, step, ctx);
          for (const seg of a.target.path)
            if (seg.k === 'index') facts.exprs.push({ expr: seg.e as Expr, src: seg.src, pos: a.pos, step, ctx, order });
          write(a.target.root, a.pos, step, ctx);
        }
        break;
      case 'call':
        exprs(b.args, step, ctx);
        if (b.result) write(b.result, b.resultPos ?? step.pos, step, ctx);
        break;
      case 'switch':
        for (const c of b.conditions) {
          exprs(c.condition, step, ctx);
          visit(c.action, c.action.body.kind === 'steps' ? barrier(ctx, 'block', step.name) : ctx);
        }
        break;
      case 'for': {
        const loop = b.loop;
        exprs(loop.in, step, ctx);
        exprs(loop.range, step, ctx);
        const vars = [loop.value, ...(loop.index ? [loop.index] : [])].filter(Boolean);
        const start = order;
        const inner: Ctx = { ...barrier(ctx, 'for', step.name), loops: [...ctx.loops, { vars, step: step.name }] };
        list(loop.body, inner);
        facts.loopDecls.push({ vars, step, order: start, end: order });
        break;
      }
      case 'parallel': {
        const spec = b.parallel;
        exprs(spec.concurrencyLimit, step, ctx);
        const pctx: ParallelCtx = { step, spec, order, outerLoopVars: ctx.loops.flatMap((l) => l.vars) };
        facts.parallels.push(pctx);
        const inner: Ctx = { ...ctx, parallels: [...ctx.parallels, pctx] };
        if (spec.branches) for (const br of spec.branches) list(br.list, barrier(inner, 'branch', br.name));
        if (spec.loop) {
          const loop = spec.loop;
          exprs(loop.in, step, ctx);
          exprs(loop.range, step, ctx);
          const vars = [loop.value, ...(loop.index ? [loop.index] : [])].filter(Boolean);
          const start = order;
          const body: Ctx = { ...barrier(inner, 'branch', step.name), loops: [...inner.loops, { vars, step: step.name }] };
          list(loop.body, body);
          facts.loopDecls.push({ vars, step, order: start, end: order });
        }
        break;
      }
      case 'try':
        visit(b.body, b.body.body.kind === 'steps' ? barrier(ctx, 'block', step.name) : ctx);
        exprs(b.retry, step, ctx);
        if (b.except) {
          if (b.except.as) write(b.except.as, b.except.pos, step, ctx);
          list(b.except.list, barrier(ctx, 'block', step.name));
        }
        break;
      case 'raise':
      case 'return':
        exprs(b.value, step, ctx);
        break;
      case 'steps':
        list(b.list, ctx);
        break;
      case 'noop':
        break;
    }
  };

  const root: Ctx = { barriers: [], loops: [], parallels: [] };
  for (const p of wf.params) exprs(p.default, { name: wf.name, pos: p.pos, body: { kind: 'noop' }, next: null, keys: new Map(), synthetic: true }, root);
  list(wf.body, root);
  return facts;
}
