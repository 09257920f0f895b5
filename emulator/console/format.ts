/**
 * Display formatting for the console: times in UTC (the pipeline's runDate is a UTC date, and a
 * fixed zone keeps pages identical across machines), durations, money and percentages, and safe
 * readers for fields of untrusted documents.
 */

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** "2026-11-22 02:49:51 UTC" (input: ISO 8601). */
export function fmtTime(iso: string | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** GCP's Duration text ("31.574s") → ms. */
export function parseDuration(text: string | undefined): number | undefined {
  const m = text ? /^(\d+(?:\.\d+)?)s$/.exec(text) : null;
  return m ? Number(m[1]) * 1000 : undefined;
}

/** An execution's duration: the record's, else end − start; "running" while ACTIVE. */
export function executionDuration(r: { state: string; startTime: string; endTime?: string; duration?: string }): string {
  const recorded = parseDuration(r.duration);
  if (recorded !== undefined) return fmtMs(recorded);
  if (r.endTime) return fmtMs(Date.parse(r.endTime) - Date.parse(r.startTime));
  return r.state === 'ACTIVE' ? 'running' : '—';
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

export function fmtUsd(v: unknown): string {
  const n = num(v);
  return n === undefined ? '—' : usd.format(n);
}

export function fmtNumber(v: unknown): string {
  const n = num(v);
  return n === undefined ? '—' : plain.format(n);
}

/** A percent value as stored (5.3 = 5.3 %). */
export function fmtPercent(v: unknown, digits = 2): string {
  const n = num(v);
  return n === undefined ? '—' : `${n.toFixed(digits)} %`;
}

/** A fraction as a percent (0.053 = 5.30 %). */
export function fmtShare(v: unknown): string {
  const n = num(v);
  return n === undefined ? '—' : `${(n * 100).toFixed(2)} %`;
}

/** JSON text (or any value) pretty-printed; text that is not JSON is shown as is. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** A step error on one line: its message when it has one, else compact JSON. */
export function errorSummary(error: unknown, max = 160): string {
  const o = obj(error);
  const text = typeof error === 'string' ? error : str(o?.message) ?? JSON.stringify(error);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
