/**
 * RunQuery semantics: validates and normalizes the StructuredQuery, executes it through a secondary
 * index when one helps (and the read is not a snapshot read), otherwise by scanning the scope, then
 * applies the projection.
 */
import type { StructuredQuery, Timestamp } from '../types';
import type { QuerySource, StoredDocument } from '../query-source';
import type { QueryIndexes } from './indexes';
import { FieldReader, type NormalizedQuery } from './model';
import { normalizeQuery } from './normalize';
import { indexQuery, planIndex } from './index-scan';
import { scanQuery } from './scan';
import { projectDocument } from './projection';

export interface RunQueryOptions {
  /** Snapshot read time; undefined reads the latest state. Snapshot reads always scan. */
  readTime?: Timestamp;
  /** The database's secondary indexes; without them every query scans its scope. */
  indexes?: QueryIndexes;
  /**
   * `projects/{p}/databases/{d}/documents`, used to compare documents with `__name__` reference values.
   * Inferred from the query's own reference values when omitted.
   */
  documentsRoot?: string;
  /** Filled with how the query was executed (tests, diagnostics). */
  explain?: QueryExplain;
}

export interface QueryExplain {
  usedIndex: boolean;
  /** Index entries read (index path only). */
  entriesRead: number;
}

export interface QueryResult {
  documents: StoredDocument[];
}

/** Runs the query without projection: the matching documents in query order. */
export function executeQuery(source: QuerySource, q: NormalizedQuery, opts: RunQueryOptions = {}): StoredDocument[] {
  const reader = new FieldReader(q.root);
  if (q.limit === 0) return [];
  const plan = opts.indexes && opts.readTime === undefined ? planIndex(q) : undefined;
  if (opts.explain) {
    opts.explain.usedIndex = !!plan;
    opts.explain.entriesRead = 0;
  }
  if (plan && opts.indexes) {
    const stats = { entriesRead: 0 };
    const docs = indexQuery(source, opts.indexes, q, plan, reader, stats);
    if (opts.explain) opts.explain.entriesRead = stats.entriesRead;
    return docs;
  }
  return scanQuery(source, q, reader, opts.readTime);
}

export function runQuery(source: QuerySource, parentPath: string, query: StructuredQuery, opts: RunQueryOptions = {}): QueryResult {
  const q = normalizeQuery(parentPath, query, opts.documentsRoot);
  const docs = executeQuery(source, q, opts);
  const select = q.select;
  return { documents: select ? docs.map((d) => projectDocument(d, select)) : docs };
}
