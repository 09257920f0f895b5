/**
 * The page frame shared by every console page: header, navigation, inline stylesheet and the
 * footer naming the data source. No external asset, no script: the page works offline and the
 * Content-Security-Policy sent with it (server.ts) can forbid scripts outright.
 */
import type { Source } from '../data';
import { html, raw, type SafeHtml } from '../html';

const STYLE = raw(`
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; --ok:#1a7f37; --bad:#cf222e; --run:#0969da; --warn:#9a6700; --off:#6e7781; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:#fff; }
header { display:flex; gap:24px; align-items:baseline; padding:12px 24px; background:#24292f; color:#fff; }
header a { color:#fff; text-decoration:none; } header a:hover { text-decoration:underline; }
header .brand { font-weight:600; font-size:16px; }
main { padding:16px 24px 32px; max-width:1400px; }
h1 { font-size:20px; margin:8px 0 12px; word-break:break-all; } h2 { font-size:16px; margin:24px 0 8px; }
a { color:var(--run); }
table { border-collapse:collapse; width:100%; margin:4px 0 8px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--bg); font-weight:600; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.time { white-space:nowrap; }
td.mono, .mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12.5px; }
tr.failing td { background:#ffebe9; } tr.failing td:first-child { box-shadow:inset 4px 0 0 var(--bad); }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; color:#fff; background:var(--off); white-space:nowrap; }
.s-SUCCEEDED, .s-optimal { background:var(--ok); } .s-FAILED, .s-infeasible, .s-error { background:var(--bad); }
.s-ACTIVE { background:var(--run); } .s-CANCELLED { background:var(--off); }
.s-time-limit-feasible, .s-heuristic, .s-degraded { background:var(--warn); }
.s-ok, .s-succeeded { background:var(--ok); } .s-failed { background:var(--bad); } .s-skipped { background:var(--off); }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0 0 8px; }
dl.meta dt { color:var(--muted); } dl.meta dd { margin:0; word-break:break-all; }
pre { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:8px 10px; overflow:auto; max-height:420px; margin:4px 0 8px; font-size:12.5px; white-space:pre-wrap; word-break:break-word; }
details > summary { cursor:pointer; } td pre { max-height:240px; }
.panel { border:1px solid var(--line); border-radius:8px; padding:4px 16px 12px; margin:16px 0; }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin:8px 0; }
.card { border:1px solid var(--line); border-radius:6px; padding:6px 12px; min-width:130px; }
.card .k { color:var(--muted); font-size:12px; } .card .v { font-size:16px; font-weight:600; font-variant-numeric:tabular-nums; }
.muted { color:var(--muted); } .err { color:var(--bad); } .warn { color:var(--warn); }
footer { padding:8px 24px 24px; color:var(--muted); font-size:12px; }
`);

export interface PageOptions {
  title: string;
  body: SafeHtml;
  sources?: Source[];
  /** Seconds; set while something is still running, so the page follows it without any script. */
  refreshSeconds?: number;
}

export function page(o: PageOptions): string {
  const sources = (o.sources ?? []).filter((s, i, all) => all.findIndex((t) => t.detail === s.detail && t.note === s.note) === i);
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${o.refreshSeconds ? html`<meta http-equiv="refresh" content="${o.refreshSeconds}">` : ''}
<link rel="icon" href="data:,">
<title>${o.title} · DefiYieldOpt run history</title>
<style>${STYLE}</style>
</head>
<body>
<header><a class="brand" href="/">DefiYieldOpt · run history</a><a href="/">Executions</a><a href="/allocations/latest">Latest allocation</a></header>
<main>
${o.body}
</main>
<footer>Read-only view of the local emulator. ${sources.map((s) => html`<div>Data: ${s.detail}${s.note ? html` — ${s.note}` : ''}</div>`)}</footer>
</body>
</html>
`.value;
}

/** A coloured state/status badge; the class name comes from a fixed list, the text is escaped. */
export function badge(state: string | undefined): SafeHtml {
  // Pipeline step/run statuses (ok, degraded, …) too, for the summary's steps table.
  const known = ['SUCCEEDED', 'FAILED', 'ACTIVE', 'CANCELLED', 'optimal', 'time-limit-feasible', 'heuristic', 'infeasible', 'error', 'ok', 'succeeded', 'degraded', 'skipped', 'failed'];
  const cls = state && known.includes(state) ? `s-${state}` : '';
  return html`<span class="badge ${cls}">${state ?? 'unknown'}</span>`;
}
