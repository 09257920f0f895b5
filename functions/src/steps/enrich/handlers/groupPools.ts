/**
 * Step 2, groupPools: `poolMetrics/{runDate}` + the run's group thresholds → groups.ts →
 * `poolGroups/{runDate}` (group 1–4 per eligible pool, with the three inputs that decided it).
 */
import { newDocIo, readCrossSection, writeCrossSection } from '../../../lib/cross-section';
import { getFirestore } from '../../../lib/firestore';
import { defineStep, type StepResult } from '../../../lib/step';
import { loadRunParams } from '../../ingest/common';
import { groupCounts, groupFor } from '../groups';
import { ENRICH_COLLECTIONS, finish, MissingInputError } from './common';

export const groupPools = defineStep({ name: 'groupPools' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const params = await loadRunParams(db, body.runDate);
  io.reads += 1;
  const m = await readCrossSection<{ asOf: string }>(db, ENRICH_COLLECTIONS.poolMetrics, body.runDate, io);
  if (!m) throw new MissingInputError(`${ENRICH_COLLECTIONS.poolMetrics}/${body.runDate}`, 'computeMetrics');
  const col = (name: string) => m.columns[name] as Array<number | null>;
  const groups = m.ids.map((_, i) => groupFor({ deltaAbs: col('deltaAbs')[i], std7: col('std7')[i], std30: col('std30')[i] }, params.groupThresholds));
  await writeCrossSection(
    db,
    ENRICH_COLLECTIONS.poolGroups,
    body.runDate,
    { asOf: m.manifest.asOf, thresholds: params.groupThresholds },
    m.ids,
    { group: groups, deltaAbs: col('deltaAbs'), std7: col('std7'), std30: col('std30') },
    io,
  );
  const c = groupCounts(groups);
  return finish(db, ctx, { status: 'ok', counts: { pools: m.ids.length, group1: c[1], group2: c[2], group3: c[3], group4: c[4] }, warnings: [] }, io);
});
