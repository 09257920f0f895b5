/**
 * The contract between the document store (store.ts) and the query engine (query/):
 * the store owns documents and their versions; the engine owns filtering, ordering, cursors,
 * projections, aggregations and the secondary indexes that keep query cost proportional to the
 * result size.
 *
 * Paths are relative to the database's document root, without leading or trailing slashes:
 * a document path is `users/alice/orders/o1`; a parent path is `` (root) or `users/alice`.
 */
import type { Fields, Timestamp } from './types';

export interface StoredDocument {
  /** Relative document path, e.g. `users/alice`. */
  path: string;
  fields: Fields;
  createTime: Timestamp;
  updateTime: Timestamp;
}

/** Read access a query needs; `readTime` (microsecond-precision snapshot) is undefined for "latest". */
export interface QuerySource {
  /** Documents directly inside `parentPath/collectionId`, in document-name order. */
  collection(parentPath: string, collectionId: string, readTime?: Timestamp): Iterable<StoredDocument>;
  /**
   * Documents at any depth below `parentPath` whose immediate collection id is `collectionId`
   * (collection-group query and `allDescendants: true`), in document-name order.
   */
  collectionGroup(parentPath: string, collectionId: string, readTime?: Timestamp): Iterable<StoredDocument>;
  /** All documents at any depth below `parentPath` (kindless all-descendants query). */
  allDescendants(parentPath: string, readTime?: Timestamp): Iterable<StoredDocument>;
}

/** Called by the store after every committed change of one document (null = absent). */
export interface WriteObserver {
  onDocumentChanged(path: string, before: StoredDocument | null, after: StoredDocument | null): void;
}
