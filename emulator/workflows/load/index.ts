/** Loader entry: text → positioned AST plus the syntax/structure issues found on the way. */
import type { ValidationIssue, WorkflowProgram } from '../ast';
import { LIMITS } from '../limits';
import { parseSourceTree } from './source-tree';
import { AstBuilder } from './build';

export interface LoadResult {
  program: WorkflowProgram;
  issues: ValidationIssue[];
}

export function parseWorkflow(text: string, file: string): LoadResult {
  const issues: ValidationIssue[] = [];
  const size = Buffer.byteLength(text, 'utf8');
  if (size > LIMITS.maxSourceBytes)
    issues.push({ file, line: 1, column: 1, message: `source is ${size} bytes; the maximum workflow source size is ${LIMITS.maxSourceBytes} bytes (128 KB)` });
  const tree = parseSourceTree(text, file);
  issues.push(...tree.issues);
  const builder = new AstBuilder(file, issues);
  const program = builder.buildProgram(tree.issues.length ? null : tree.root, text);
  if (tree.issues.length) return { program, issues: dedupeIssues(issues.filter((i) => !i.message.startsWith('workflow is empty'))) };
  return { program, issues: dedupeIssues(issues) };
}

/** Drops repeats of an issue (same line, column and message), keeping the first. */
export function dedupeIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}:${i.column}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
