/** Request counters, so tests and local-workflow can check what the ingestion steps actually called. */
import type { ServiceName } from './types';

export interface RequestCounts {
  total: number;
  byService: Record<string, number>;
  /** "service METHOD /path" (no query) → count. */
  byRoute: Record<string, number>;
  /** Requests answered with an injected fault, by kind. */
  faults: Record<string, number>;
}

export class RequestStats {
  private counts: RequestCounts = { total: 0, byService: {}, byRoute: {}, faults: {} };
  record(service: ServiceName, method: string, path: string): void {
    const c = this.counts;
    c.total += 1;
    c.byService[service] = (c.byService[service] ?? 0) + 1;
    const route = `${service} ${method} ${path}`;
    c.byRoute[route] = (c.byRoute[route] ?? 0) + 1;
  }
  fault(kind: string): void {
    this.counts.faults[kind] = (this.counts.faults[kind] ?? 0) + 1;
  }
  snapshot(): RequestCounts {
    return structuredClone(this.counts);
  }
  reset(): void {
    this.counts = { total: 0, byService: {}, byRoute: {}, faults: {} };
  }
}
