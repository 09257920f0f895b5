/**
 * Server-side SVG charts for the backtest report: plain strings, no DOM and no scripts, so the page
 * renders offline and identically everywhere. Three kinds: a multi-series line chart (NAV vs
 * benchmarks), a 100 % stacked area (allocation over time) and bars (daily costs).
 */

export interface LineSeries {
  name: string;
  color: string;
  values: number[];
  /** Dashed stroke (benchmarks). */
  dashed?: boolean;
}

export interface ChartOptions {
  id: string;
  title: string;
  width?: number;
  height?: number;
  /** Formats a y-axis tick value. */
  yFormat?: (v: number) => string;
}

const PAD = { left: 78, right: 44, top: 34, bottom: 46 };

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const f2 = (v: number): string => (Math.round(v * 100) / 100).toString();

/** "Nice" tick values covering [lo, hi] (1/2/5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) * 0.01 || 1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // From the last step at or below lo to the first step at or above hi, so the ticks cover the data.
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  for (let k = first; k <= last; k++) out.push(Math.abs(k * step) < step * 1e-9 ? 0 : k * step);
  return out;
}

interface Frame {
  w: number;
  h: number;
  x: (i: number) => number;
  y: (v: number) => number;
  lo: number;
  hi: number;
}

/** `bands`: x(i) is the centre of the i-th of n equal bands (bars) instead of a point on a line. */
function frame(n: number, lo: number, hi: number, width: number, height: number, bands = false): Frame {
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const span = hi - lo || 1;
  return {
    w,
    h,
    lo,
    hi,
    x: (i) => PAD.left + (bands ? ((i + 0.5) * w) / Math.max(1, n) : n <= 1 ? w / 2 : (i * w) / (n - 1)),
    y: (v) => PAD.top + h - ((v - lo) / span) * h,
  };
}

function axes(fr: Frame, dates: readonly string[], ticks: number[], yFormat: (v: number) => string, width: number, height: number): string {
  const parts: string[] = [];
  for (const t of ticks) {
    const y = f2(fr.y(t));
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${width - PAD.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick" x="${PAD.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(yFormat(t))}</text>`);
  }
  const n = dates.length;
  const labels = Math.min(n, 6);
  for (let k = 0; k < labels; k++) {
    const i = labels === 1 ? 0 : Math.round((k * (n - 1)) / (labels - 1));
    parts.push(`<text class="tick" x="${f2(fr.x(i))}" y="${height - PAD.bottom + 18}" text-anchor="middle">${escapeXml(dates[i])}</text>`);
  }
  parts.push(`<line class="axis" x1="${PAD.left}" x2="${width - PAD.right}" y1="${PAD.top + fr.h}" y2="${PAD.top + fr.h}"/>`);
  parts.push(`<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + fr.h}"/>`);
  return parts.join('');
}

function legend(items: ReadonlyArray<{ name: string; color: string }>, width: number): string {
  let x = PAD.left;
  const out: string[] = [];
  for (const it of items) {
    out.push(`<g class="legend-item" data-series="${escapeXml(it.name)}"><rect x="${x}" y="8" width="12" height="12" fill="${it.color}"/><text x="${x + 16}" y="18">${escapeXml(it.name)}</text></g>`);
    x += 26 + it.name.length * 7;
    if (x > width - 80) break;
  }
  return out.join('');
}

function open(o: ChartOptions, width: number, height: number, kind: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(o.id)}" class="chart chart-${kind}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}"><title>${escapeXml(o.title)}</title>`;
}

/** Line chart of several series over the same dates. */
export function lineChart(dates: readonly string[], series: readonly LineSeries[], o: ChartOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 360;
  const fmt = o.yFormat ?? ((v: number) => v.toLocaleString('en-US'));
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const lo0 = all.length ? Math.min(...all) : 0;
  const hi0 = all.length ? Math.max(...all) : 1;
  const ticks = niceTicks(lo0, hi0);
  const fr = frame(dates.length, ticks[0], ticks[ticks.length - 1], width, height);
  const paths = series.map((s) => {
    const d = s.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${f2(fr.x(i))},${f2(fr.y(Number.isFinite(v) ? v : fr.lo))}`).join('');
    return `<path class="series" data-series="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
  });
  return `${open(o, width, height, 'line')}${axes(fr, dates, ticks, fmt, width, height)}${paths.join('')}${legend(series, width)}</svg>`;
}

/** 100 % stacked area: layers[k].values[i] are shares (0..1) on day i; the top is filled up to 1. */
export function stackedArea(dates: readonly string[], layers: readonly LineSeries[], o: ChartOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 360;
  const n = dates.length;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const fr = frame(n, 0, 1, width, height);
  const base = new Array<number>(n).fill(0);
  const areas: string[] = [];
  for (const layer of layers) {
    const top = base.map((b, i) => b + Math.max(0, layer.values[i] ?? 0));
    const up = top.map((v, i) => `${i === 0 ? 'M' : 'L'}${f2(fr.x(i))},${f2(fr.y(Math.min(1, v)))}`).join('');
    let down = '';
    for (let i = n - 1; i >= 0; i--) down += `L${f2(fr.x(i))},${f2(fr.y(Math.min(1, base[i])))}`;
    // A single day has no width: draw it as a thin column.
    const d = n === 1 ? `M${f2(fr.x(0) - 4)},${f2(fr.y(Math.min(1, top[0])))}h8V${f2(fr.y(base[0]))}h-8Z` : `${up}${down}Z`;
    areas.push(`<path class="series area" data-series="${escapeXml(layer.name)}" d="${d}" fill="${layer.color}" stroke="none"/>`);
    for (let i = 0; i < n; i++) base[i] = top[i];
  }
  return `${open(o, width, height, 'area')}${axes(fr, dates, ticks, (v) => `${Math.round(v * 100)} %`, width, height)}${areas.join('')}${legend(layers, width)}</svg>`;
}

/** Bars per day, stacked by series (e.g. gas and conversion fees). */
export function barChart(dates: readonly string[], stacks: readonly LineSeries[], o: ChartOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 260;
  const fmt = o.yFormat ?? ((v: number) => v.toLocaleString('en-US'));
  const n = dates.length;
  const totals = dates.map((_, i) => stacks.reduce((s, k) => s + Math.max(0, k.values[i] ?? 0), 0));
  const ticks = niceTicks(0, Math.max(1e-9, ...totals));
  const fr = frame(n, 0, ticks[ticks.length - 1], width, height, true);
  const bw = Math.max(1, (fr.w / Math.max(1, n)) * 0.8);
  const base = new Array<number>(n).fill(0);
  const groups: string[] = [];
  for (const s of stacks) {
    // One path of rectangles per stack keeps the file small for long backtests.
    let d = '';
    for (let i = 0; i < n; i++) {
      const v = Math.max(0, s.values[i] ?? 0);
      if (v <= 0) continue;
      const y0 = fr.y(base[i]);
      const y1 = fr.y(base[i] + v);
      d += `M${f2(fr.x(i) - bw / 2)},${f2(y0)}V${f2(y1)}h${f2(bw)}V${f2(y0)}Z`;
      base[i] += v;
    }
    groups.push(`<path class="series bars" data-series="${escapeXml(s.name)}" d="${d || 'M0,0'}" fill="${s.color}"/>`);
  }
  return `${open(o, width, height, 'bar')}${axes(fr, dates, ticks, fmt, width, height)}${groups.join('')}${legend(stacks, width)}</svg>`;
}
