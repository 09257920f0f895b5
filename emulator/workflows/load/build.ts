/**
 * Builds the positioned workflow AST from the source tree. Structural problems (a step that is not a
 * single-key map, unknown or misplaced keys, wrong value shapes) are collected as issues rather than
 * thrown, so one `validate` run reports every mistake in the file, like `gcloud workflows deploy`.
 */
import type {
  Assignment, AssignTarget, ExceptSpec, ForLoop, NextRef, ParallelBranch, ParallelSpec, Param, Pos, Step, StepBody,
  StepList, SwitchCondition, Template, TargetSegment, ValidationIssue, WorkflowDef, WorkflowProgram,
} from '../ast';
import { TemplateCompiler } from './templates';
import type { SMap, SNode, SScalar } from './source-tree';

const PRIMARY_KEYS = ['assign', 'call', 'switch', 'for', 'parallel', 'try', 'raise', 'return', 'steps'] as const;
const STEP_KEYS = new Set<string>([...PRIMARY_KEYS, 'args', 'result', 'retry', 'except', 'next']);

export class AstBuilder {
  readonly templates: TemplateCompiler;
  constructor(readonly file: string, readonly issues: ValidationIssue[]) {
    this.templates = new TemplateCompiler(issues);
  }

  private issue(pos: Pos, message: string, step?: string): void {
    this.issues.push({ file: pos.file, line: pos.line, column: pos.column, ...(step ? { step } : {}), message });
  }

  buildProgram(root: SNode | null, source: string): WorkflowProgram {
    const workflows = new Map<string, WorkflowDef>();
    const program: WorkflowProgram = { file: this.file, source, implicitMain: false, workflows };
    if (root === null) {
      this.issue({ file: this.file, line: 1, column: 1 }, 'workflow is empty: expected a list of steps or a map with a "main" workflow');
      return program;
    }
    if (root.t === 'seq') {
      program.implicitMain = true;
      workflows.set('main', { name: 'main', params: [], body: this.stepList(root, 'main'), pos: root.pos });
      return program;
    }
    if (root.t !== 'map') {
      this.issue(root.pos, 'workflow must be a list of steps or a map of workflows');
      return program;
    }
    for (const entry of root.entries) {
      const def = entry.value;
      if (def.t !== 'map') {
        this.issue(entry.keyPos, `workflow "${entry.key}" must be a map with "steps" (and optional "params")`);
        continue;
      }
      let params: Param[] = [];
      let body: StepList | null = null;
      for (const e of def.entries) {
        if (e.key === 'params') params = this.params(e.value, entry.key);
        else if (e.key === 'steps') body = this.stepList(e.value, entry.key);
        else this.issue(e.keyPos, `unexpected key "${e.key}" in workflow "${entry.key}" (expected "params" or "steps")`);
      }
      if (!body) {
        this.issue(entry.keyPos, `workflow "${entry.key}" has no "steps"`);
        body = { steps: [], locate: new Map() };
      }
      workflows.set(entry.key, { name: entry.key, params, body, pos: entry.keyPos });
    }
    if (!workflows.has('main')) this.issue(root.pos, 'missing "main" workflow');
    return program;
  }

  private params(node: SNode, wf: string): Param[] {
    if (node.t !== 'seq') {
      this.issue(node.pos, `params of "${wf}" must be a list`);
      return [];
    }
    const out: Param[] = [];
    for (const item of node.items) {
      if (item.t === 'scalar' && typeof item.value === 'string') out.push({ name: item.value, default: null, pos: item.pos });
      else if (item.t === 'map' && item.entries.length === 1) {
        const e = item.entries[0];
        out.push({ name: e.key, default: this.templates.compile(e.value), pos: e.keyPos });
      } else this.issue(item.pos, `param of "${wf}" must be a name or a single-key map name: default`);
    }
    return out;
  }

  stepList(node: SNode, owner: string): StepList {
    const list: StepList = { steps: [], locate: new Map() };
    if (node.t !== 'seq') {
      this.issue(node.pos, `"steps" of ${owner} must be a list of steps`);
      return list;
    }
    for (const item of node.items) {
      if (item.t !== 'map' || item.entries.length !== 1) {
        this.issue(item.pos, 'each step must be a map with exactly one key: the step name');
        continue;
      }
      const entry = item.entries[0];
      const step = this.step(entry.key, entry.keyPos, entry.value, false);
      const idx = list.steps.length;
      list.steps.push(step);
      if (!list.locate.has(step.name)) list.locate.set(step.name, idx);
      if (step.body.kind === 'steps')
        for (const name of step.body.list.locate.keys()) if (!list.locate.has(name)) list.locate.set(name, idx);
    }
    return list;
  }

  /** Parses a step body map (also used for switch actions and inline `try` bodies). */
  step(name: string, pos: Pos, node: SNode, synthetic: boolean): Step {
    const keys = new Map<string, Pos>();
    const step: Step = { name, pos, body: { kind: 'noop' }, next: null, keys, synthetic };
    if (node.t !== 'map') {
      this.issue(node.pos, `step "${name}" must be a map of step keys`, name);
      return step;
    }
    const byKey = new Map<string, { node: SNode; pos: Pos }>();
    for (const e of node.entries) {
      keys.set(e.key, e.keyPos);
      byKey.set(e.key, { node: e.value, pos: e.keyPos });
      if (!STEP_KEYS.has(e.key) && !(synthetic && e.key === 'condition'))
        this.issue(e.keyPos, `unknown key "${e.key}" in step "${name}"`, name);
    }
    const primaries = PRIMARY_KEYS.filter((k) => byKey.has(k));
    if (primaries.length > 1) {
      const second = byKey.get(primaries[1])!;
      this.issue(second.pos, `step "${name}" cannot combine "${primaries[0]}" and "${primaries[1]}"`, name);
    }
    const requires = (aux: string, primary: string) => {
      const a = byKey.get(aux);
      if (a && primaries[0] !== primary) this.issue(a.pos, `"${aux}" is only allowed together with "${primary}" (step "${name}")`, name);
    };
    requires('args', 'call');
    requires('result', 'call');
    requires('retry', 'try');
    requires('except', 'try');
    const nx = byKey.get('next');
    if (nx) step.next = this.next(nx.node, name);
    if (primaries.length === 0 && !nx && !synthetic) this.issue(pos, `step "${name}" has no action`, name);
    if (primaries.length > 0) step.body = this.body(primaries[0], byKey, name, pos);
    return step;
  }

  private next(node: SNode, stepName: string): NextRef | null {
    if (node.t !== 'scalar' || typeof node.value !== 'string') {
      this.issue(node.pos, `"next" of step "${stepName}" must be a step name`, stepName);
      return null;
    }
    const v = node.value;
    const target: NextRef['target'] = v === 'end' || v === 'break' || v === 'continue' ? { kind: v } : { kind: 'step', name: v };
    return { target, pos: node.pos };
  }

  private body(kind: (typeof PRIMARY_KEYS)[number], byKey: Map<string, { node: SNode; pos: Pos }>, name: string, pos: Pos): StepBody {
    const { node, pos: keyPos } = byKey.get(kind)!;
    switch (kind) {
      case 'assign':
        return { kind, assigns: this.assigns(node, name) };
      case 'call': {
        if (node.t !== 'scalar' || typeof node.value !== 'string') {
          this.issue(node.pos, `"call" of step "${name}" must be a function or subworkflow name`, name);
          return { kind: 'noop' };
        }
        const args = byKey.get('args');
        const result = byKey.get('result');
        let resultName: string | null = null;
        if (result) {
          if (result.node.t === 'scalar' && typeof result.node.value === 'string') resultName = result.node.value;
          else this.issue(result.node.pos, `"result" of step "${name}" must be a variable name`, name);
        }
        if (args && args.node.t === 'scalar' && args.node.value !== null && this.templates.scalarExpr(args.node) === null)
          this.issue(args.node.pos, `"args" of step "${name}" must be a map or a list`, name);
        return {
          kind,
          fn: node.value,
          fnPos: node.pos,
          args: args ? this.templates.compile(args.node) : null,
          argsPos: args ? args.pos : null,
          result: resultName,
          resultPos: result ? result.node.pos : null,
        };
      }
      case 'switch':
        return { kind, conditions: this.switchConditions(node, name) };
      case 'for': {
        const loop = this.forLoop(node, name, keyPos);
        return loop ? { kind, loop } : { kind: 'noop' };
      }
      case 'parallel':
        return { kind, parallel: this.parallel(node, name) };
      case 'try': {
        const retry = byKey.get('retry');
        const exc = byKey.get('except');
        const body = this.step(name, keyPos, node, true);
        if (node.t === 'map' && node.entries.some((e) => e.key === 'condition'))
          this.issue(keyPos, `"condition" is not allowed in "try" of step "${name}"`, name);
        return {
          kind,
          body,
          retry: retry ? this.templates.compile(retry.node) : null,
          retryPos: retry ? retry.pos : null,
          except: exc ? this.except(exc.node, name, exc.pos) : null,
        };
      }
      case 'raise':
        return { kind, value: this.templates.compile(node) };
      case 'return':
        return { kind, value: this.templates.compile(node) };
      case 'steps':
        return { kind, list: this.stepList(node, `step "${name}"`) };
    }
    void pos;
  }

  private assigns(node: SNode, name: string): Assignment[] {
    if (node.t !== 'seq') {
      this.issue(node.pos, `"assign" of step "${name}" must be a list of single-key maps`, name);
      return [];
    }
    const out: Assignment[] = [];
    for (const item of node.items) {
      if (item.t !== 'map' || item.entries.length !== 1) {
        this.issue(item.pos, `each assignment in step "${name}" must be a single-key map "variable: value"`, name);
        continue;
      }
      const e = item.entries[0];
      const target = this.target(e.key, e.keyPos, name);
      if (target) out.push({ target, value: this.templates.compile(e.value), pos: e.keyPos });
    }
    return out;
  }

  /** Parses `a`, `a.b`, `a["k"]`, `a[i + 1].c` into a root variable and path segments. */
  target(text: string, pos: Pos, stepName: string): AssignTarget | null {
    const bad = (why: string) => {
      this.issue(pos, `invalid assignment target "${text}" in step "${stepName}": ${why}`, stepName);
      return null;
    };
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/;
    let rest = text.trim();
    const rootMatch = ident.exec(rest);
    if (!rootMatch) return bad('expected a variable name');
    const root = rootMatch[0];
    rest = rest.slice(root.length);
    const path: TargetSegment[] = [];
    while (rest.length) {
      if (rest[0] === '.') {
        const m = ident.exec(rest.slice(1));
        if (!m) return bad('expected a key after "."');
        path.push({ k: 'key', name: m[0] });
        rest = rest.slice(1 + m[0].length);
      } else if (rest[0] === '[') {
        const end = matchingBracket(rest);
        if (end < 0) return bad('unbalanced "["');
        const inner = rest.slice(1, end);
        path.push({ k: 'index', e: this.templates.bareExpr(inner, pos), src: inner });
        rest = rest.slice(end + 1);
      } else if (/^\s/.test(rest)) rest = rest.trimStart();
      else return bad(`unexpected "${rest[0]}"`);
    }
    return { root, path, text, pos };
  }

  private switchConditions(node: SNode, name: string): SwitchCondition[] {
    if (node.t !== 'seq') {
      this.issue(node.pos, `"switch" of step "${name}" must be a list of conditions`, name);
      return [];
    }
    const out: SwitchCondition[] = [];
    for (const item of node.items) {
      if (item.t !== 'map') {
        this.issue(item.pos, `switch entry in step "${name}" must be a map with "condition"`, name);
        continue;
      }
      const cond = item.entries.find((e) => e.key === 'condition');
      if (!cond) {
        this.issue(item.pos, `switch entry in step "${name}" has no "condition"`, name);
        continue;
      }
      const action = this.step(name, item.pos, item, true);
      out.push({ condition: this.templates.compile(cond.value), action, pos: cond.keyPos });
    }
    return out;
  }

  forLoop(node: SNode, name: string, pos: Pos): ForLoop | null {
    if (node.t !== 'map') {
      this.issue(node.pos, `"for" of step "${name}" must be a map`, name);
      return null;
    }
    const get = (k: string) => node.entries.find((e) => e.key === k);
    for (const e of node.entries)
      if (!['value', 'index', 'in', 'range', 'steps'].includes(e.key))
        this.issue(e.keyPos, `unknown key "${e.key}" in "for" of step "${name}"`, name);
    const value = get('value');
    const index = get('index');
    const inE = get('in');
    const range = get('range');
    const steps = get('steps');
    const asName = (e: typeof value, what: string): string | null => {
      if (!e) return null;
      if (e.value.t === 'scalar' && typeof e.value.value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.value.value))
        return e.value.value;
      this.issue(e.value.pos, `"${what}" of the loop in step "${name}" must be a variable name`, name);
      return null;
    };
    const valueName = asName(value, 'value');
    if (!value) this.issue(pos, `"for" of step "${name}" requires "value"`, name);
    if (!!inE === !!range) this.issue(pos, `"for" of step "${name}" requires exactly one of "in" or "range"`, name);
    if (!steps) this.issue(pos, `"for" of step "${name}" requires "steps"`, name);
    if (range && range.value.t === 'seq' && range.value.items.length !== 2)
      this.issue(range.value.pos, `"range" of step "${name}" must have exactly two elements [start, end]`, name);
    return {
      value: valueName ?? '',
      index: asName(index, 'index'),
      in: inE ? this.templates.compile(inE.value) : null,
      range: range ? this.templates.compile(range.value) : null,
      body: steps ? this.stepList(steps.value, `loop of step "${name}"`) : { steps: [], locate: new Map() },
      pos,
    };
  }

  private parallel(node: SNode, name: string): ParallelSpec {
    const spec: ParallelSpec = {
      shared: [], sharedPos: null, concurrencyLimit: null, exceptionPolicy: null, branches: null, branchesPos: null, loop: null,
    };
    if (node.t !== 'map') {
      this.issue(node.pos, `"parallel" of step "${name}" must be a map`, name);
      return spec;
    }
    for (const e of node.entries) {
      switch (e.key) {
        case 'shared':
          spec.sharedPos = e.keyPos;
          if (e.value.t === 'seq' && e.value.items.every((i) => i.t === 'scalar' && typeof i.value === 'string'))
            spec.shared = e.value.items.map((i) => (i as SScalar).value as string);
          else this.issue(e.value.pos, `"shared" of step "${name}" must be a list of variable names`, name);
          break;
        case 'concurrency_limit':
          spec.concurrencyLimit = this.templates.compile(e.value);
          break;
        case 'exception_policy':
          if (e.value.t === 'scalar' && e.value.value === 'continueAll') spec.exceptionPolicy = 'continueAll';
          else this.issue(e.value.pos, `exception_policy of step "${name}" must be "continueAll" (the only supported policy)`, name);
          break;
        case 'branches':
          spec.branchesPos = e.keyPos;
          spec.branches = this.branches(e.value, name);
          break;
        case 'for':
          spec.loop = this.forLoop(e.value, name, e.keyPos);
          break;
        default:
          this.issue(e.keyPos, `unknown key "${e.key}" in "parallel" of step "${name}"`, name);
      }
    }
    if (!!spec.branches === !!spec.loop) this.issue(node.pos, `"parallel" of step "${name}" requires exactly one of "branches" or "for"`, name);
    return spec;
  }

  private branches(node: SNode, name: string): ParallelBranch[] {
    if (node.t !== 'seq') {
      this.issue(node.pos, `"branches" of step "${name}" must be a list`, name);
      return [];
    }
    const out: ParallelBranch[] = [];
    for (const item of node.items) {
      if (item.t !== 'map' || item.entries.length !== 1) {
        this.issue(item.pos, `each branch of step "${name}" must be a single-key map BRANCH_NAME: {steps: [...]}`, name);
        continue;
      }
      const e = item.entries[0];
      const body = e.value;
      const steps = body.t === 'map' ? body.entries.find((x) => x.key === 'steps') : undefined;
      if (body.t === 'map') for (const x of body.entries) if (x.key !== 'steps') this.issue(x.keyPos, `unknown key "${x.key}" in branch "${e.key}"`, e.key);
      if (!steps) {
        this.issue(e.keyPos, `branch "${e.key}" of step "${name}" requires "steps"`, name);
        continue;
      }
      out.push({ name: e.key, list: this.stepList(steps.value, `branch "${e.key}"`), pos: e.keyPos });
    }
    return out;
  }

  private except(node: SNode, name: string, pos: Pos): ExceptSpec | null {
    if (node.t !== 'map') {
      this.issue(node.pos, `"except" of step "${name}" must be a map with "as" and "steps"`, name);
      return null;
    }
    let as: string | null = null;
    let list: StepList | null = null;
    for (const e of (node as SMap).entries) {
      if (e.key === 'as') {
        if (e.value.t === 'scalar' && typeof e.value.value === 'string') as = e.value.value;
        else this.issue(e.value.pos, `"as" of step "${name}" must be a variable name`, name);
      } else if (e.key === 'steps') list = this.stepList(e.value, `except of step "${name}"`);
      else this.issue(e.keyPos, `unknown key "${e.key}" in "except" of step "${name}"`, name);
    }
    if (!list) {
      this.issue(pos, `"except" of step "${name}" requires "steps"`, name);
      list = { steps: [], locate: new Map() };
    }
    return { as, list, pos };
  }
}

/** Index of the `]` closing the `[` at position 0, skipping quoted strings; -1 if unbalanced. */
function matchingBracket(s: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

export type { Template };
