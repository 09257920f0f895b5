/**
 * Compiles YAML values into Templates: `${...}` scalars become parsed expressions, subtrees without
 * expressions collapse into one literal value (built once, shared; the executor never mutates
 * values in place, see execute/assign.ts), dynamic map keys become key expressions.
 */
import type { Pos, Template, MapEntryTemplate, CompiledExpr, ValidationIssue } from '../ast';
import type { WfValue, WfMap } from '../values';
import { parseTemplate, parseExpression, ExpressionSyntaxError } from '../expr/parser';
import type { SNode, SScalar } from './source-tree';

export class TemplateCompiler {
  constructor(readonly issues: ValidationIssue[]) {}

  /** Returns the compiled expression when the scalar is a whole `${}` expression, else null. */
  scalarExpr(node: SScalar): CompiledExpr | null {
    if (typeof node.value !== 'string' || !node.value.includes('${')) return null;
    try {
      return parseTemplate(node.value, node.pos);
    } catch (err) {
      this.syntaxIssue(err, node.pos);
      return { kind: 'literal', value: null, pos: node.pos };
    }
  }

  /** Parses a bare expression (no `${}`), e.g. an index inside an assignment target. */
  bareExpr(text: string, pos: Pos): CompiledExpr {
    try {
      return parseExpression(text, pos);
    } catch (err) {
      this.syntaxIssue(err, pos);
      return { kind: 'literal', value: null, pos };
    }
  }

  private syntaxIssue(err: unknown, fallback: Pos): void {
    if (err instanceof ExpressionSyntaxError) {
      const p = (err as { pos?: Pos }).pos ?? fallback;
      // The parser's message may repeat the position; the issue carries it already.
      const message = err.message.replace(/^\S+:\d+:\d+:\s*/, '');
      this.issues.push({ file: p.file, line: p.line, column: p.column, message: `invalid expression: ${message}` });
    } else {
      this.issues.push({ ...fallback, message: `invalid expression: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  compile(node: SNode): Template {
    if (node.t === 'scalar') {
      const e = this.scalarExpr(node);
      if (e !== null) return { k: 'expr', e, src: String(node.value), pos: node.pos };
      return { k: 'lit', v: node.value, pos: node.pos };
    }
    if (node.t === 'seq') {
      const items = node.items.map((i) => this.compile(i));
      if (items.every((i) => i.k === 'lit')) return { k: 'lit', v: items.map((i) => (i as { v: WfValue }).v), pos: node.pos };
      return { k: 'list', items, pos: node.pos };
    }
    const entries: MapEntryTemplate[] = [];
    let constant = true;
    for (const entry of node.entries) {
      let key: MapEntryTemplate['key'] = entry.key;
      if (entry.key.includes('${')) {
        const e = this.scalarExpr({ t: 'scalar', value: entry.key, isString: true, pos: entry.keyPos });
        if (e !== null) {
          key = { e, src: entry.key, pos: entry.keyPos };
          constant = false;
        }
      }
      const value = this.compile(entry.value);
      if (value.k !== 'lit') constant = false;
      entries.push({ key, value, pos: entry.keyPos });
    }
    if (constant) {
      const m: WfMap = new Map();
      for (const e of entries) m.set(e.key as string, (e.value as { v: WfValue }).v);
      return { k: 'lit', v: m, pos: node.pos };
    }
    return { k: 'map', entries, pos: node.pos };
  }
}

/** Every compiled expression inside a template (for validation walks). */
export function templateExprs(t: Template | null, out: { e: CompiledExpr; pos: Pos; src: string }[] = []): typeof out {
  if (!t) return out;
  if (t.k === 'expr') out.push({ e: t.e, pos: t.pos, src: t.src });
  else if (t.k === 'list') t.items.forEach((i) => templateExprs(i, out));
  else if (t.k === 'map')
    for (const entry of t.entries) {
      if (typeof entry.key !== 'string') out.push({ e: entry.key.e, pos: entry.key.pos, src: entry.key.src });
      templateExprs(entry.value, out);
    }
  return out;
}
