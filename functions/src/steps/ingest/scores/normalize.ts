/**
 * Pure core of importScores: CSV text → validated rows → per-provider monthly series points.
 * The whole file is validated before anything is written; errors name the line and the column.
 */
import type { SeriesPoint } from '../../../lib/series';
import { SCORE_COLUMNS, ScoreRowSchema, type ScoreRow } from './schema';

export class ScoresFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoresFormatError';
  }
}

/** Splits one CSV line, honouring double quotes ("a,b" and "" escapes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export function parseScoresCsv(text: string, sourceName: string): { rows: ScoreRow[]; duplicates: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const index = SCORE_COLUMNS.map((c) => header.indexOf(c));
  const missing = SCORE_COLUMNS.filter((_, i) => index[i] < 0);
  if (missing.length) throw new ScoresFormatError(`line 1: missing column(s) ${missing.join(', ')}; expected header date,key,provider,score (source: ${sourceName})`);
  const byId = new Map<string, { row: ScoreRow; line: number }>();
  let duplicates = 0;
  for (let n = 1; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const cells = splitCsvLine(lines[n]);
    const record = Object.fromEntries(SCORE_COLUMNS.map((c, i) => [c, cells[index[i]] ?? '']));
    const parsed = ScoreRowSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ScoresFormatError(`line ${n + 1}.${String(issue.path[0] ?? '')}: ${issue.message} (source: ${sourceName})`);
    }
    const row = parsed.data;
    const id = `${row.provider}\u0000${row.date}\u0000${row.key}`;
    const seen = byId.get(id);
    if (seen) {
      if (seen.row.score !== row.score) {
        throw new ScoresFormatError(`line ${n + 1}.score: ${row.provider} scores ${row.key} on ${row.date} twice with different values (${seen.row.score} on line ${seen.line}) (source: ${sourceName})`);
      }
      duplicates++;
      continue;
    }
    byId.set(id, { row, line: n + 1 });
  }
  return { rows: [...byId.values()].map((v) => v.row), duplicates };
}

export interface ScoreValue extends Record<string, unknown> {
  date: string;
  key: string;
  score: number;
}

/** Per provider, points keyed `{date}|{key}` in `scores/{provider}_{YYYY-MM}`. */
export function scorePoints(rows: ReadonlyArray<ScoreRow>): Map<string, Array<SeriesPoint<ScoreValue>>> {
  const out = new Map<string, Array<SeriesPoint<ScoreValue>>>();
  for (const r of rows) {
    const list = out.get(r.provider) ?? [];
    list.push({ id: `${r.date}|${r.key}`, date: r.date, value: { date: r.date, key: r.key, score: r.score } });
    out.set(r.provider, list);
  }
  for (const list of out.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}
