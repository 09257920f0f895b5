/**
 * Incremental per-pool histories for the replay: a pool's rows are fetched once (the trailing
 * `windowDays` up to the day asked), then only the new days are appended as the replay advances.
 * Every read is bounded by the `upTo` the caller passes, so the cache never hands out a row dated
 * after it, whatever the source holds.
 */
import { addDays } from '../../lib/dates';
import { dateToDay, dayToDate } from '../forecast';
import type { BacktestDataSource, PoolObservation } from './types';

export class HistoryCache {
  private readonly rows = new Map<string, PoolObservation[]>();
  /** Last epoch day fetched per pool. */
  private readonly fetchedTo = new Map<string, number>();

  constructor(
    private readonly source: BacktestDataSource,
    readonly windowDays: number,
  ) {}

  /** Makes sure each pool's rows up to `upTo` (inclusive) are loaded; returns nothing, read with get(). */
  async ensure(poolIds: readonly string[], upTo: string): Promise<void> {
    const upToDay = dateToDay(upTo);
    const fresh: string[] = [];
    // Group the known pools by the first missing day so one source call serves each group.
    const byFrom = new Map<number, string[]>();
    for (const id of poolIds) {
      const last = this.fetchedTo.get(id);
      if (last === undefined) fresh.push(id);
      else if (last < upToDay) {
        const list = byFrom.get(last + 1) ?? [];
        list.push(id);
        byFrom.set(last + 1, list);
      }
    }
    if (fresh.length) await this.load(fresh, addDays(upTo, -(this.windowDays - 1)), upTo, upToDay);
    for (const [from, ids] of byFrom) await this.load(ids, dayToDate(from), upTo, upToDay);
  }

  private async load(ids: string[], from: string, to: string, toDay: number): Promise<void> {
    const got = await this.source.histories(ids, from, to);
    const minDay = toDay - this.windowDays + 1;
    for (const id of ids) {
      const add = (got.get(id) ?? []).filter((r) => r.day >= dateToDay(from) && r.day <= toDay);
      const prev = this.rows.get(id) ?? [];
      let merged = prev.length && add.length ? [...prev, ...add] : add.length ? add : prev;
      if (merged.length && merged[0].day < minDay) merged = merged.filter((r) => r.day >= minDay);
      this.rows.set(id, merged);
      this.fetchedTo.set(id, toDay);
    }
  }

  /** Rows of a pool with day ≤ upTo (epoch day). */
  get(poolId: string, upToDay: number): PoolObservation[] {
    const r = this.rows.get(poolId) ?? [];
    return r.length && r[r.length - 1].day > upToDay ? r.filter((x) => x.day <= upToDay) : r;
  }

  /** Drops pools not in `keep` (bounded memory). */
  prune(keep: ReadonlySet<string>): void {
    for (const id of [...this.rows.keys()]) {
      if (!keep.has(id)) {
        this.rows.delete(id);
        this.fetchedTo.delete(id);
      }
    }
  }
}
