/**
 * Step 1, importScores (optional, DOMAIN.md): a CSV `date,key,provider,score` from a local file.
 * The source is the body's `source` field, else the SCORES_SOURCE env variable; neither → "skipped".
 * `gs://` paths answer 400: reading buckets needs @google-cloud/storage, which is not a dependency
 * (documented decision; add it and a reader here when scores live in GCS).
 * The file is stored verbatim in raw/scores, then validated whole; scores land in
 * `scores/{provider}_{YYYY-MM}` (points `{date}|{key}`).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { getFirestore } from '../../../lib/firestore';
import { RawRecorder } from '../../../lib/raw-layer';
import { commitWrites, planSeriesWrites, type PlannedWrite } from '../../../lib/series';
import { BadRequestError, defineStep, type StepResult } from '../../../lib/step';
import { INGEST_COLLECTIONS, noteStepInRun, withRawLayer } from '../common';
import { parseScoresCsv, scorePoints, ScoresFormatError } from './normalize';

export const SOURCE = 'scores';

export const importScores = defineStep(
  { name: 'importScores', body: { source: z.string().min(1).nullable().optional() } },
  async (body, ctx): Promise<StepResult> => {
    const db = getFirestore();
    const source = body.source ?? (process.env.SCORES_SOURCE?.trim() || undefined);
    if (!source) {
      const result: StepResult = { status: 'skipped', counts: {}, warnings: [] };
      await noteStepInRun(db, ctx, result);
      return result;
    }
    if (source.startsWith('gs://')) throw new BadRequestError(`scores source ${source}: gs:// buckets are not supported (no @google-cloud/storage); use a file path`, 'source');
    const file = path.resolve(source.startsWith('file://') ? source.slice(7) : source);
    let text: Buffer;
    try {
      text = await fs.readFile(file);
    } catch (err) {
      throw new BadRequestError(`scores source ${path.basename(file)}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'source');
    }

    const raw = new RawRecorder(db, SOURCE, body.runDate, body.runId ?? null);
    const name = path.basename(file);
    const parsed = await withRawLayer(raw, async () => {
      await raw.put(name, text, { contentType: 'text/csv' });
      try {
        return parseScoresCsv(text.toString('utf8'), name);
      } catch (err) {
        if (err instanceof ScoresFormatError) {
          raw.markInvalid(name, err.message);
          throw new BadRequestError(`invalid scores CSV: ${err.message}`, 'source');
        }
        throw err;
      }
    });

    const writes: PlannedWrite[] = [];
    for (const [provider, points] of [...scorePoints(parsed.rows)].sort(([a], [b]) => (a < b ? -1 : 1))) {
      writes.push(...planSeriesWrites(db, INGEST_COLLECTIONS.scores, provider, points, { provider }));
    }
    await commitWrites(db, writes);
    const result: StepResult = {
      status: 'ok',
      counts: { rows: parsed.rows.length, duplicates: parsed.duplicates, documentsWritten: writes.length },
      warnings: parsed.duplicates ? [`${parsed.duplicates} repeated row(s) in ${name} ignored`] : [],
    };
    await noteStepInRun(db, ctx, result);
    return result;
  },
);
