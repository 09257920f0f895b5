/**
 * AST of the `${...}` expression language.
 *
 * Every node carries the source position of its first token so runtime errors (KeyError,
 * TypeError...) and validator messages can point at file:line:column inside multi-line YAML.
 */
import type { WfValue } from '../values';

/** 1-based position in a workflow source file. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '//'
  | '%'
  | '<'
  | '<='
  | '>'
  | '>='
  | '=='
  | '!='
  | 'in'
  | 'and'
  | 'or';

export type UnaryOp = 'not' | '-' | '+';

export interface LiteralExpr {
  kind: 'literal';
  value: WfValue;
  pos: SourcePos;
}
export interface VariableExpr {
  kind: 'variable';
  name: string;
  pos: SourcePos;
}
/** `object.name` */
export interface MemberExpr {
  kind: 'member';
  object: Expr;
  name: string;
  pos: SourcePos;
}
/** `object[index]` */
export interface IndexExpr {
  kind: 'index';
  object: Expr;
  index: Expr;
  pos: SourcePos;
}
export interface UnaryExpr {
  kind: 'unary';
  op: UnaryOp;
  operand: Expr;
  pos: SourcePos;
}
export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  pos: SourcePos;
}
export interface ListExpr {
  kind: 'list';
  items: Expr[];
  pos: SourcePos;
}
export interface MapExpr {
  kind: 'map';
  entries: { key: Expr; value: Expr }[];
  pos: SourcePos;
}
/** `a.b.c(args)`: callee is the qualified dotted name. */
export interface CallExpr {
  kind: 'call';
  callee: string;
  args: Expr[];
  pos: SourcePos;
}

export type Expr = LiteralExpr | VariableExpr | MemberExpr | IndexExpr | UnaryExpr | BinaryExpr | ListExpr | MapExpr | CallExpr;

/** `a.b.c` when the expression is a chain of plain identifiers, else undefined. */
export function dottedName(e: Expr): string | undefined {
  if (e.kind === 'variable') return e.name;
  if (e.kind === 'member') {
    const base = dottedName(e.object);
    return base === undefined ? undefined : `${base}.${e.name}`;
  }
  return undefined;
}

export function formatPos(p: SourcePos): string {
  return `${p.file}:${p.line}:${p.column}`;
}
