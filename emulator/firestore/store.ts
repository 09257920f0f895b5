/**
 * The document store of one (project, database): documents keyed by relative path, grouped into
 * per-collection nodes so a collection scan never touches the rest of the database, plus a short
 * version history so reads at a past `readTime` (snapshot reads, read-only transactions) see the
 * database as it was.
 *
 * Stored documents are immutable once committed: a write builds a new document object (sharing
 * unchanged sub-values with the old one), so readers can hold references without copying.
 */
import type { Fields, Timestamp } from './types';
import type { QuerySource, StoredDocument, WriteObserver } from './query-source';
import { fromTimestamp, toTimestamp, type Micros } from './clock';
import { compareDocumentPaths, compareSegments } from './values';
import { splitDocumentPath } from './names';

/** A stored document with its times also as microseconds (cheap comparisons). */
export interface StoredDoc extends StoredDocument {
  createMicros: Micros;
  updateMicros: Micros;
}

interface Version {
  doc: StoredDoc | null;
  /** When this version became current. */
  since: Micros;
}

/** One document path: the current version and (recent) older ones. `current === null` = deleted. */
interface Entry {
  path: string;
  id: string;
  current: StoredDoc | null;
  since: Micros;
  /** Older versions, oldest first; absent when the entry never changed after its creation. */
  history?: Version[];
  collection: CollectionNode;
}

/** The documents directly inside one collection (`parent/collectionId`). */
class CollectionNode {
  readonly entries = new Map<string, Entry>();
  /** Document ids in name order; ids added since the last sort wait in `pending`. */
  private sorted: string[] = [];
  private pending: string[] = [];
  /** Number of entries whose current version exists. */
  liveCount = 0;

  constructor(readonly parentPath: string, readonly collectionId: string) {}

  add(entry: Entry): void {
    this.entries.set(entry.id, entry);
    this.pending.push(entry.id);
  }

  remove(id: string): void {
    this.entries.delete(id);
    // New arrays, never in-place edits: a running iteration keeps its snapshot of the ids.
    this.sorted = this.sorted.filter((x) => x !== id);
    this.pending = this.pending.filter((x) => x !== id);
  }

  /** Ids in document-name order; merges new ids in O(n + k log k). */
  orderedIds(): string[] {
    if (this.pending.length > 0) {
      const added = this.pending.sort(compareSegments);
      this.pending = [];
      if (this.sorted.length === 0) this.sorted = added;
      else {
        const merged: string[] = new Array(this.sorted.length + added.length);
        let i = 0, j = 0, k = 0;
        const a = this.sorted;
        while (i < a.length && j < added.length) merged[k++] = compareSegments(a[i], added[j]) <= 0 ? a[i++] : added[j++];
        while (i < a.length) merged[k++] = a[i++];
        while (j < added.length) merged[k++] = added[j++];
        this.sorted = merged;
      }
    }
    return this.sorted;
  }
}

export interface ChangedDocument {
  path: string;
  before: StoredDoc | null;
  after: StoredDoc | null;
}

export interface DocumentStoreOptions {
  /** How long superseded versions stay readable (microseconds). */
  historyRetention?: Micros;
}

/** One hour, as the service allows without PITR: older `readTime`s fail with FAILED_PRECONDITION. */
export const DEFAULT_HISTORY_RETENTION: Micros = 60 * 60 * 1e6;

export class DocumentStore implements QuerySource {
  private readonly entries = new Map<string, Entry>();
  /** collection path (`parent/collectionId` or `collectionId`) → node. */
  private readonly collections = new Map<string, CollectionNode>();
  /** parent path ('' = root) → collection ids with at least one entry below. */
  private readonly childCollections = new Map<string, Set<string>>();
  /** collection path → ids of documents in it that have subcollections (possibly "missing" documents). */
  private readonly docsWithChildren = new Map<string, Set<string>>();
  /** collection id → every node with that id (collection-group queries). */
  private readonly byCollectionId = new Map<string, Set<CollectionNode>>();
  /** Entries that carry history or are tombstones, pruned by `prune`. */
  private readonly historied = new Set<Entry>();
  private readonly observers: WriteObserver[] = [];
  readonly historyRetention: Micros;
  /** Oldest time a snapshot read may ask for (store creation or last clear). */
  private horizon: Micros = Date.now() * 1000;

  constructor(opts: DocumentStoreOptions = {}) {
    this.historyRetention = opts.historyRetention ?? DEFAULT_HISTORY_RETENTION;
  }

  addObserver(observer: WriteObserver): void {
    this.observers.push(observer);
  }

  get size(): number {
    let n = 0;
    for (const node of this.collections.values()) n += node.liveCount;
    return n;
  }

  /** The current document at `path`, or null. */
  get(path: string): StoredDoc | null {
    return this.entries.get(path)?.current ?? null;
  }

  /** The document at `path` as of `readTime` (undefined = latest). */
  getAt(path: string, readTime?: Micros): StoredDoc | null {
    const entry = this.entries.get(path);
    if (!entry) return null;
    return readTime === undefined ? entry.current : versionAt(entry, readTime);
  }

  /** The earliest readTime for which this store still has exact history. */
  oldestReadableTime(now: Micros): Micros {
    return Math.max(this.horizon, now - this.historyRetention);
  }

  /**
   * Installs new versions (all with the same commit time) and notifies observers. `after === null`
   * deletes. Callers have already validated the writes; this cannot fail.
   */
  apply(changes: ReadonlyArray<{ path: string; after: StoredDoc | null }>, commitTime: Micros): ChangedDocument[] {
    const applied: ChangedDocument[] = [];
    for (const { path, after } of changes) {
      let entry = this.entries.get(path);
      const before = entry?.current ?? null;
      if (before === after) continue;
      if (!entry) {
        if (after === null) continue;
        entry = this.createEntry(path, after, commitTime);
      } else {
        if (entry.since < commitTime) {
          (entry.history ??= []).push({ doc: entry.current, since: entry.since });
          this.historied.add(entry);
        }
        entry.current = after;
        entry.since = commitTime;
        if (before === null && after !== null) entry.collection.liveCount++;
        else if (before !== null && after === null) {
          entry.collection.liveCount--;
          this.historied.add(entry);
        }
      }
      applied.push({ path, before, after });
    }
    for (const change of applied) {
      for (const o of this.observers) o.onDocumentChanged(change.path, change.before, change.after);
    }
    return applied;
  }

  private createEntry(path: string, doc: StoredDoc, since: Micros): Entry {
    const { parent, collectionId, id } = splitDocumentPath(path);
    const collectionPath = parent === '' ? collectionId : parent + '/' + collectionId;
    let node = this.collections.get(collectionPath);
    if (!node) {
      node = new CollectionNode(parent, collectionId);
      this.collections.set(collectionPath, node);
      let ids = this.childCollections.get(parent);
      if (!ids) this.childCollections.set(parent, (ids = new Set()));
      ids.add(collectionId);
      let group = this.byCollectionId.get(collectionId);
      if (!group) this.byCollectionId.set(collectionId, (group = new Set()));
      group.add(node);
      this.registerAncestors(parent);
    }
    const entry: Entry = { path, id, current: doc, since, collection: node };
    node.add(entry);
    node.liveCount++;
    this.entries.set(path, entry);
    return entry;
  }

  /** Makes `a/b/c/d` reachable from the root through childCollections (for listing and descendants). */
  private registerAncestors(docPath: string): void {
    while (docPath !== '') {
      const { parent, collectionId, id } = splitDocumentPath(docPath);
      const collectionPath = parent === '' ? collectionId : parent + '/' + collectionId;
      let withChildren = this.docsWithChildren.get(collectionPath);
      if (!withChildren) this.docsWithChildren.set(collectionPath, (withChildren = new Set()));
      withChildren.add(id);
      let ids = this.childCollections.get(parent);
      if (!ids) this.childCollections.set(parent, (ids = new Set()));
      if (ids.has(collectionId)) return;
      ids.add(collectionId);
      docPath = parent;
    }
  }

  /** Drops versions older than the retention window and fully expired tombstones. */
  prune(now: Micros): void {
    const cutoff = now - this.historyRetention;
    for (const entry of this.historied) {
      const h = entry.history;
      if (h) {
        // Keep the newest version that was current at `cutoff`, drop everything before it.
        let keepFrom = 0;
        for (let i = h.length - 1; i >= 0; i--) {
          if (h[i].since <= cutoff) {
            keepFrom = i;
            break;
          }
        }
        if (keepFrom > 0) h.splice(0, keepFrom);
        if (entry.since <= cutoff) entry.history = undefined;
        else if (h.length === 1 && h[0].doc === null && h[0].since <= cutoff) entry.history = undefined;
      }
      if (!entry.history) {
        this.historied.delete(entry);
        if (entry.current === null && entry.since <= cutoff) this.dropEntry(entry);
      }
    }
  }

  private dropEntry(entry: Entry): void {
    this.entries.delete(entry.path);
    entry.collection.remove(entry.id);
  }

  /** Removes every document (the emulator's "clear data"); later snapshot reads see nothing older. */
  clear(now: Micros): void {
    const changes: ChangedDocument[] = [];
    for (const entry of this.entries.values()) {
      if (entry.current) changes.push({ path: entry.path, before: entry.current, after: null });
    }
    this.entries.clear();
    this.collections.clear();
    this.childCollections.clear();
    this.docsWithChildren.clear();
    this.byCollectionId.clear();
    this.historied.clear();
    this.horizon = now;
    for (const change of changes) {
      for (const o of this.observers) o.onDocumentChanged(change.path, change.before, null);
    }
  }

  // ---- QuerySource -------------------------------------------------------------------------

  *collection(parentPath: string, collectionId: string, readTime?: Timestamp): Iterable<StoredDocument> {
    const node = this.collections.get(parentPath === '' ? collectionId : parentPath + '/' + collectionId);
    if (!node) return;
    yield* nodeDocuments(node, readTime === undefined ? undefined : fromTimestamp(readTime));
  }

  collectionGroup(parentPath: string, collectionId: string, readTime?: Timestamp): Iterable<StoredDocument> {
    const group = this.byCollectionId.get(collectionId);
    if (!group) return [];
    const t = readTime === undefined ? undefined : fromTimestamp(readTime);
    const nodes = [...group].filter((n) => isUnder(n.parentPath, parentPath));
    if (nodes.length === 1) return nodeDocuments(nodes[0], t);
    const docs: StoredDocument[] = [];
    for (const node of nodes) for (const d of nodeDocuments(node, t)) docs.push(d);
    return docs.sort((a, b) => compareDocumentPaths(a.path, b.path));
  }

  allDescendants(parentPath: string, readTime?: Timestamp): Iterable<StoredDocument> {
    const t = readTime === undefined ? undefined : fromTimestamp(readTime);
    const docs: StoredDocument[] = [];
    for (const node of this.nodesBelow(parentPath)) for (const d of nodeDocuments(node, t)) docs.push(d);
    return docs.sort((a, b) => compareDocumentPaths(a.path, b.path));
  }

  /** Every collection node at any depth below the document (or root) `parentPath`. */
  private nodesBelow(parentPath: string): CollectionNode[] {
    const out: CollectionNode[] = [];
    const stack = [parentPath];
    while (stack.length > 0) {
      const docPath = stack.pop()!;
      const ids = this.childCollections.get(docPath);
      if (!ids) continue;
      for (const id of ids) {
        const collectionPath = docPath === '' ? id : docPath + '/' + id;
        const node = this.collections.get(collectionPath);
        if (node) out.push(node);
        // Only documents with subcollections (existing or "missing") lead deeper.
        for (const childId of this.docsWithChildren.get(collectionPath) ?? []) stack.push(collectionPath + '/' + childId);
      }
    }
    return out;
  }

  /**
   * Paths of documents directly in `collectionPath` that have no entry but have subcollections
   * ("missing" documents shown by ListDocuments with showMissing).
   */
  missingDocumentsIn(collectionPath: string, node = this.collections.get(collectionPath)): string[] {
    const out: string[] = [];
    for (const id of this.docsWithChildren.get(collectionPath) ?? []) {
      const entry = node?.entries.get(id);
      if (!entry || entry.current === null) out.push(collectionPath + '/' + id);
    }
    return out;
  }

  /** Collection ids directly under a document path (or root) that contain or lead to documents. */
  collectionIds(parentPath: string): string[] {
    const ids = this.childCollections.get(parentPath);
    if (!ids) return [];
    return [...ids].filter((id) => this.hasLiveDocumentsBelow(parentPath === '' ? id : parentPath + '/' + id));
  }

  /** Existing documents directly inside a collection plus (optionally) its missing documents, in name order. */
  listDocuments(parentPath: string, collectionId: string, showMissing: boolean, readTime?: Micros): Array<{ path: string; doc: StoredDoc | null }> {
    const collectionPath = parentPath === '' ? collectionId : parentPath + '/' + collectionId;
    const node = this.collections.get(collectionPath);
    const out: Array<{ path: string; doc: StoredDoc | null }> = [];
    if (node) for (const d of nodeDocuments(node, readTime)) out.push({ path: d.path, doc: d });
    if (showMissing) {
      for (const p of this.missingDocumentsIn(collectionPath, node)) {
        if (this.hasLiveDocumentsBelow(p, true)) out.push({ path: p, doc: null });
      }
      out.sort((a, b) => compareDocumentPaths(a.path, b.path));
    }
    return out;
  }

  /** True when some existing document lives at or below `path` (collection or document path). */
  private hasLiveDocumentsBelow(path: string, isDocument = false): boolean {
    if (!isDocument) {
      const node = this.collections.get(path);
      if (node && node.liveCount > 0) return true;
      for (const id of this.docsWithChildren.get(path) ?? []) if (this.hasLiveDocumentsBelow(path + '/' + id, true)) return true;
      return false;
    }
    for (const id of this.childCollections.get(path) ?? []) {
      if (this.hasLiveDocumentsBelow(path + '/' + id)) return true;
    }
    return false;
  }

  /** Every live document (for export). */
  *allDocuments(): Iterable<StoredDoc> {
    for (const entry of this.entries.values()) if (entry.current) yield entry.current;
  }
}

function versionAt(entry: Entry, t: Micros): StoredDoc | null {
  if (entry.since <= t) return entry.current;
  const h = entry.history;
  if (!h) return null;
  for (let i = h.length - 1; i >= 0; i--) if (h[i].since <= t) return h[i].doc;
  return null;
}

function* nodeDocuments(node: CollectionNode, readTime: Micros | undefined): Iterable<StoredDoc> {
  const ids = node.orderedIds();
  // Iterate over a snapshot of the id list: a write during iteration must not disturb it.
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    const entry = node.entries.get(ids[i]);
    if (!entry) continue;
    const doc = readTime === undefined ? entry.current : versionAt(entry, readTime);
    if (doc) yield doc;
  }
}

function isUnder(path: string, ancestor: string): boolean {
  if (ancestor === '') return true;
  return path === ancestor || path.startsWith(ancestor + '/');
}

/** Builds an immutable stored document. */
export function makeStoredDoc(path: string, fields: Fields, createMicros: Micros, updateMicros: Micros): StoredDoc {
  return {
    path,
    fields,
    createTime: toTimestamp(createMicros),
    updateTime: toTimestamp(updateMicros),
    createMicros,
    updateMicros,
  };
}
