/**
 * `yieldopt backtest --source stored`: the replay over the history the pipeline stored in Firestore
 * (functions/src/steps/backtest/firestore-source.ts), the same data and parameters the
 * backtestStart/Step/Report functions use. Firestore is the emulator named by
 * FIRESTORE_EMULATOR_HOST, else the project of GOOGLE_CLOUD_PROJECT with Application Default
 * Credentials. Parameters: params/current, the env overrides, then --params (as a pipeline run).
 */
import { addDays } from '../../functions/src/lib/dates';
import { closeFirestore, configuredProjectId, getFirestore } from '../../functions/src/lib/firestore';
import { COLLECTIONS, CURRENT_DOC_ID } from '../../functions/src/lib/collections';
import { buildParamSources, resolveParams, type Params, type ParamsLayer } from '../../functions/src/lib/params';
import { FirestoreBacktestSource } from '../../functions/src/steps/backtest';
import { UsageError } from './cli-common';

export interface StoredSetup {
  source: FirestoreBacktestSource;
  params: Params;
  /** Where the data comes from, for the progress line. */
  where: string;
  close(): Promise<void>;
}

/** Opens the stored source for [from, to]; UsageError when Firestore is not configured or the window is not covered. */
export async function openStoredSource(from: string, to: string, layer: ParamsLayer | undefined, layerName: string): Promise<StoredSetup> {
  const emulator = process.env.FIRESTORE_EMULATOR_HOST;
  const project = configuredProjectId();
  if (!emulator && !project) throw new UsageError('--source stored needs FIRESTORE_EMULATOR_HOST (local emulator) or GOOGLE_CLOUD_PROJECT with Application Default Credentials');
  const db = getFirestore();
  try {
    const stored = await db.collection(COLLECTIONS.params).doc(CURRENT_DOC_ID).get();
    const sources = buildParamSources(stored.exists ? (stored.data() as ParamsLayer) : undefined, undefined);
    if (layer) sources.push({ kind: 'request', name: layerName, values: layer });
    const params = resolveParams(sources);
    const source = new FirestoreBacktestSource(db);
    const missing = await source.missingListings(addDays(from, -1), addDays(to, -1));
    if (missing.length) {
      throw new UsageError(`the stored history does not cover ${from} .. ${to}: no pool snapshot for ${missing.length} day(s) (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); run the pipeline for those days first`);
    }
    return { source, params, where: `Firestore ${emulator ? `emulator ${emulator}` : `project ${project}`}`, close: closeFirestore };
  } catch (err) {
    await closeFirestore();
    throw err;
  }
}
