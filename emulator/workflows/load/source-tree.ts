/**
 * Parses YAML or JSON workflow text into a small positioned tree (maps keep key order and key
 * positions), so the AST builder never deals with the `yaml` library's node classes directly.
 * Scalars keep their YAML type: integers as bigint (Workflows INTEGER), floats as number.
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isAlias, type Node as YamlNode, Scalar } from 'yaml';
import type { Pos, ValidationIssue } from '../ast';

export type SNode = SScalar | SSeq | SMap;
export interface SScalar {
  t: 'scalar';
  value: null | boolean | bigint | number | string;
  /** True when the scalar was written as a string (quoted or plain text). */
  isString: boolean;
  pos: Pos;
}
export interface SSeq {
  t: 'seq';
  items: SNode[];
  pos: Pos;
}
export interface SMapEntry {
  key: string;
  keyPos: Pos;
  value: SNode;
}
export interface SMap {
  t: 'map';
  entries: SMapEntry[];
  pos: Pos;
}

export interface SourceTree {
  root: SNode | null;
  issues: ValidationIssue[];
}

export function parseSourceTree(text: string, file: string): SourceTree {
  const lineCounter = new LineCounter();
  const issues: ValidationIssue[] = [];
  const doc = parseDocument(text, { lineCounter, intAsBigInt: true, uniqueKeys: true, prettyErrors: false });
  const posAt = (offset: number): Pos => {
    const lp = lineCounter.linePos(offset);
    return { file, line: lp.line, column: lp.col };
  };
  // Only the first syntax error: later ones are almost always consequences of it.
  for (const err of doc.errors.slice(0, 1)) {
    issues.push({ ...posAt(err.pos[0]), message: `syntax error: ${firstLine(err.message)}` });
  }
  if (issues.length) return { root: null, issues };

  const convert = (node: unknown): SNode => {
    if (isAlias(node)) {
      const resolved = (node as { resolve(d: unknown): unknown }).resolve(doc);
      return convert(resolved);
    }
    const yn = node as YamlNode | null;
    const start = yn && yn.range ? yn.range[0] : 0;
    let pos = posAt(start);
    if (isMap(yn)) {
      const entries: SMapEntry[] = [];
      for (const pair of yn.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyPos = keyNode && keyNode.range ? posAt(keyNode.range[0]) : pos;
        let key: string;
        if (isScalar(keyNode)) key = keyNode.value === null ? 'null' : String(keyNode.value);
        else {
          issues.push({ ...keyPos, message: 'map keys must be scalars' });
          key = String(keyNode);
        }
        const value: SNode = pair.value == null ? { t: 'scalar', value: null, isString: false, pos: keyPos } : convert(pair.value);
        entries.push({ key, keyPos, value });
      }
      if (entries.length && yn.range && !yn.flow) pos = entries[0].keyPos;
      return { t: 'map', entries, pos };
    }
    if (isSeq(yn)) return { t: 'seq', items: yn.items.map((i) => convert(i)), pos };
    if (isScalar(yn)) {
      const s = yn as Scalar;
      let value = s.value as SScalar['value'];
      if (value !== null && typeof value === 'object') value = String(value);
      if (s.type === Scalar.QUOTE_DOUBLE || s.type === Scalar.QUOTE_SINGLE) pos = { ...pos, column: pos.column + 1 };
      return { t: 'scalar', value: value === undefined ? null : value, isString: typeof value === 'string', pos };
    }
    return { t: 'scalar', value: null, isString: false, pos };
  };
  const root = doc.contents === null ? null : convert(doc.contents);
  return { root, issues };
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
