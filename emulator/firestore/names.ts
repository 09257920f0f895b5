/**
 * Resource names: `projects/{p}/databases/{d}/documents[/{path}]`. The store works with paths
 * relative to the database's document root (`users/alice`), so every RPC converts names at the
 * border and rejects malformed ones with INVALID_ARGUMENT, as the service does.
 */
import { invalidArgument } from './errors';

export interface DatabaseRef {
  projectId: string;
  databaseId: string;
}

export interface ParsedName extends DatabaseRef {
  /** Path below `documents`, '' for the root; never starts or ends with '/'. */
  path: string;
  /** `path` split into segments ([] for the root). */
  segments: string[];
}

const DB_PREFIX_RE = /^projects\/([^/]+)\/databases\/([^/]+)$/;

/** `projects/p/databases/d` → {p, d}. */
export function parseDatabaseName(name: string): DatabaseRef {
  const m = DB_PREFIX_RE.exec(name ?? '');
  if (!m) throw invalidArgument(`Invalid database name "${name}": expected projects/{project_id}/databases/{database_id}.`);
  return { projectId: m[1], databaseId: m[2] };
}

export function databaseName(db: DatabaseRef): string {
  return `projects/${db.projectId}/databases/${db.databaseId}`;
}

/** Splits a full resource name below `/documents`. Does not check the segment count parity. */
export function parseResourceName(name: string): ParsedName {
  if (typeof name !== 'string' || name === '') throw invalidArgument('Missing resource name.');
  const parts = name.split('/');
  if (parts.length < 5 || parts[0] !== 'projects' || parts[2] !== 'databases' || parts[4] !== 'documents' || !parts[1] || !parts[3]) {
    throw invalidArgument(`Invalid resource name "${name}": expected projects/{project_id}/databases/{database_id}/documents/...`);
  }
  const segments = parts.slice(5);
  for (const s of segments) {
    if (s === '') throw invalidArgument(`Invalid resource name "${name}": empty path segment.`);
  }
  return { projectId: parts[1], databaseId: parts[3], path: segments.join('/'), segments };
}

/** A document name: an even, non-zero number of segments below `documents`. */
export function parseDocumentName(name: string): ParsedName {
  const parsed = parseResourceName(name);
  if (parsed.segments.length === 0 || parsed.segments.length % 2 !== 0) {
    throw invalidArgument(`Document name "${name}" has ${parsed.segments.length} path segments; a document path must have an even number of segments.`);
  }
  return parsed;
}

/** A parent for queries/listing: the documents root or a document (even segment count). */
export function parseParentName(name: string): ParsedName {
  const parsed = parseResourceName(name);
  if (parsed.segments.length % 2 !== 0) {
    throw invalidArgument(`Parent "${name}" must be the documents root or a document path (even number of segments).`);
  }
  return parsed;
}

/** `projects/p/databases/d/documents` + relative path. */
export function documentsRoot(db: DatabaseRef): string {
  return `projects/${db.projectId}/databases/${db.databaseId}/documents`;
}

export function fullName(root: string, relativePath: string): string {
  return relativePath === '' ? root : root + '/' + relativePath;
}

/** Key identifying a (project, database) pair. */
export function databaseKey(db: DatabaseRef): string {
  return db.projectId + '/' + db.databaseId;
}

/** The parent document path and collection id of a document path `a/b/c/d` → {parent: 'a/b', collectionId: 'c', id: 'd'}. */
export function splitDocumentPath(path: string): { parent: string; collectionId: string; id: string } {
  const idSlash = path.lastIndexOf('/');
  const id = path.slice(idSlash + 1);
  const collectionPath = path.slice(0, idSlash);
  const collSlash = collectionPath.lastIndexOf('/');
  return {
    parent: collSlash < 0 ? '' : collectionPath.slice(0, collSlash),
    collectionId: collectionPath.slice(collSlash + 1),
    id,
  };
}
