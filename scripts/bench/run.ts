/**
 * `npm run bench [-- NAME...]`: runs every `*.bench.js` module next to this file (or only those
 * whose name matches), each of which exports `run(): Promise<BenchSection[]>`, and writes their
 * sections into BENCHMARKS.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeSection, type BenchSection } from './report';

interface BenchModule {
  run(): Promise<BenchSection[]>;
}

async function main(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const wanted = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark matches ${wanted.join(', ') || '(all)'}`);
  for (const file of files) {
    const started = Date.now();
    process.stderr.write(`bench: ${file} ...\n`);
    const mod = require(path.join(__dirname, file)) as BenchModule;
    for (const section of await mod.run()) writeSection(section);
    process.stderr.write(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
