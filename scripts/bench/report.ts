/**
 * Writes one benchmark's results into BENCHMARKS.md as its own section, replacing the previous
 * run of the same benchmark and leaving the others alone. Every section records the machine, the
 * command and the date, so numbers are never quoted without their context.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRow {
  [column: string]: string | number;
}

export interface BenchSection {
  /** Stable id, e.g. "firestore-emulator"; the section is replaced by the next run with this id. */
  id: string;
  title: string;
  /** The command a reader runs to reproduce it, e.g. "npm run bench -- firestore". */
  command: string;
  rows: BenchRow[];
  /** Targets and remarks shown under the table. */
  notes?: string[];
}

const FILE = path.join(__dirname, '..', '..', '..', 'BENCHMARKS.md');

export function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() ?? 'unknown CPU';
  const mem = (os.totalmem() / 2 ** 30).toFixed(0);
  return `${cpus.length} × ${model}, ${mem} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

function renderTable(rows: BenchRow[]): string {
  if (rows.length === 0) return '_no rows_';
  const columns = Object.keys(rows[0]);
  const head = `| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`;
  const body = rows.map((r) => `| ${columns.map((c) => String(r[c] ?? '')).join(' | ')} |`).join('\n');
  return `${head}\n${body}`;
}

export function renderSection(section: BenchSection, date = new Date()): string {
  const lines = [
    `<!-- bench:${section.id}:start -->`,
    `## ${section.title}`,
    '',
    `- Machine: ${machineDescription()}`,
    `- Command: \`${section.command}\``,
    `- Date: ${date.toISOString().slice(0, 10)}`,
    '',
    renderTable(section.rows),
  ];
  if (section.notes?.length) lines.push('', ...section.notes.map((n) => `- ${n}`));
  lines.push(`<!-- bench:${section.id}:end -->`);
  return lines.join('\n');
}

/** Replaces (or appends) the section in BENCHMARKS.md, relative to the repository root. */
export function writeSection(section: BenchSection, file = resolveBenchmarksFile()): void {
  const header = '# Benchmarks\n\nProduced by `npm run bench` (see each section for its command). Numbers are from the machine named in each section.\n';
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : header;
  const rendered = renderSection(section);
  const pattern = new RegExp(`<!-- bench:${section.id}:start -->[\\s\\S]*?<!-- bench:${section.id}:end -->`);
  const next = pattern.test(current) ? current.replace(pattern, rendered) : `${current.trimEnd()}\n\n${rendered}\n`;
  fs.writeFileSync(file, next);
  process.stdout.write(`${rendered}\n`);
}

/** BENCHMARKS.md at the repository root, whether running from TypeScript sources or dist/. */
export function resolveBenchmarksFile(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'BENCHMARKS.md');
    dir = path.dirname(dir);
  }
  return FILE;
}
