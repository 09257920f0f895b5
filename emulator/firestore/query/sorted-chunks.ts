/**
 * A sorted sequence stored as a list of bounded chunks, so one insertion or removal moves at most
 * a chunk's worth of elements instead of the whole array (a flat array made 100k-entry indexes cost
 * ~0.1 ms per write). Positions are global indexes; chunk start offsets are recomputed lazily.
 */
const MAX_CHUNK = 1024;

export class SortedChunks<T> {
  private chunks: T[][] = [];
  private starts: number[] = [];
  private dirty = false;
  private total = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.total;
  }

  /** Replaces the content with `items` (sorted here). */
  reset(items: T[]): void {
    items.sort(this.compare);
    this.chunks = [];
    for (let i = 0; i < items.length; i += MAX_CHUNK / 2) this.chunks.push(items.slice(i, i + MAX_CHUNK / 2));
    this.total = items.length;
    this.dirty = true;
  }

  private refreshStarts(): void {
    if (!this.dirty) return;
    this.starts = new Array<number>(this.chunks.length);
    let n = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      this.starts[i] = n;
      n += this.chunks[i].length;
    }
    this.dirty = false;
  }

  at(i: number): T {
    this.refreshStarts();
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.chunks[lo][i - this.starts[lo]];
  }

  /** First global position in [lo, hi) whose element satisfies `cmp(e) >= 0`; cmp must be monotone. */
  lowerBound(cmp: (e: T) => number, lo = 0, hi = this.total): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(this.at(mid)) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The chunk that holds (or should hold) `item`: the first whose last element is >= item. */
  private chunkFor(item: T): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid];
      if (this.compare(chunk[chunk.length - 1], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static position<T>(chunk: T[], item: T, compare: (a: T, b: T) => number): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(chunk[mid], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(item: T): void {
    this.total++;
    this.dirty = true;
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      return;
    }
    const c = this.chunkFor(item);
    const chunk = this.chunks[c];
    chunk.splice(SortedChunks.position(chunk, item, this.compare), 0, item);
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(MAX_CHUNK / 2));
  }

  /** Removes the element equal (compare = 0) to `item` that is identical to it; false if absent. */
  remove(item: T): boolean {
    if (this.chunks.length === 0) return false;
    const c = this.chunkFor(item);
    const chunk = this.chunks[c];
    const i = SortedChunks.position(chunk, item, this.compare);
    if (chunk[i] !== item) return false;
    chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.total--;
    this.dirty = true;
    return true;
  }
}
