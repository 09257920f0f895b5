/**
 * The workflow program after loading: every step, key and value carries its source position so the
 * validator and the executor can point at file:line:column. Values that may hold `${}` expressions
 * are precompiled into `Template`s at load time, so executing a step never re-parses text.
 */
import type { WfValue } from './values';

/** Same shape as expr/ast.ts SourcePos (structural), kept here so the loader has no cycle on expr/. */
export interface Pos {
  file: string;
  line: number;
  column: number;
}

/** An opaque compiled expression (expr/ast.ts Expr); only the expression modules look inside. */
export type CompiledExpr = unknown;

export type Template =
  | { k: 'lit'; v: WfValue; pos: Pos }
  | { k: 'expr'; e: CompiledExpr; src: string; pos: Pos }
  | { k: 'list'; items: Template[]; pos: Pos }
  | { k: 'map'; entries: MapEntryTemplate[]; pos: Pos };

export interface MapEntryTemplate {
  /** A literal key, or an expression evaluating to a string (dynamic key `${k}: v`). */
  key: string | { e: CompiledExpr; src: string; pos: Pos };
  value: Template;
  pos: Pos;
}

/** `var`, `var.key`, `var["k"]`, `var[expr]`, nested. */
export interface AssignTarget {
  root: string;
  path: TargetSegment[];
  text: string;
  pos: Pos;
}
export type TargetSegment = { k: 'key'; name: string } | { k: 'index'; e: CompiledExpr; src: string };

export interface Assignment {
  target: AssignTarget;
  value: Template;
  pos: Pos;
}

export type NextTarget = { kind: 'end' | 'break' | 'continue' } | { kind: 'step'; name: string };

export interface NextRef {
  target: NextTarget;
  pos: Pos;
}

export interface StepList {
  steps: Step[];
  /** Step name → index of the child step that is it, or whose plain `steps:` block contains it. */
  locate: Map<string, number>;
}

export type StepBody =
  | { kind: 'assign'; assigns: Assignment[] }
  | { kind: 'call'; fn: string; fnPos: Pos; args: Template | null; argsPos: Pos | null; result: string | null; resultPos: Pos | null }
  | { kind: 'switch'; conditions: SwitchCondition[] }
  | { kind: 'for'; loop: ForLoop }
  | { kind: 'parallel'; parallel: ParallelSpec }
  | { kind: 'try'; body: Step; retry: Template | null; retryPos: Pos | null; except: ExceptSpec | null }
  | { kind: 'raise'; value: Template }
  | { kind: 'return'; value: Template }
  | { kind: 'steps'; list: StepList }
  | { kind: 'noop' };

export interface Step {
  /** The step name; synthetic bodies (switch actions, inline try) get `<parent>` names. */
  name: string;
  pos: Pos;
  body: StepBody;
  next: NextRef | null;
  /** Every key of the step body with its position (for validation messages). */
  keys: Map<string, Pos>;
  synthetic: boolean;
}

export interface SwitchCondition {
  condition: Template;
  /** The action of this condition, run as an anonymous step (may be just a `next`). */
  action: Step;
  pos: Pos;
}

export interface ForLoop {
  value: string;
  index: string | null;
  in: Template | null;
  range: Template | null;
  body: StepList;
  pos: Pos;
}

export interface ParallelSpec {
  shared: string[];
  sharedPos: Pos | null;
  concurrencyLimit: Template | null;
  exceptionPolicy: string | null;
  branches: ParallelBranch[] | null;
  branchesPos: Pos | null;
  loop: ForLoop | null;
}

export interface ParallelBranch {
  name: string;
  list: StepList;
  pos: Pos;
}

export interface ExceptSpec {
  as: string | null;
  list: StepList;
  pos: Pos;
}

export interface Param {
  name: string;
  default: Template | null;
  pos: Pos;
}

export interface WorkflowDef {
  name: string;
  params: Param[];
  body: StepList;
  pos: Pos;
}

export interface WorkflowProgram {
  file: string;
  source: string;
  /** True when the file is a bare list of steps (implicit `main`). */
  implicitMain: boolean;
  workflows: Map<string, WorkflowDef>;
}

export interface ValidationIssue {
  file: string;
  line: number;
  column: number;
  step?: string;
  message: string;
}
