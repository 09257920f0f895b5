/**
 * What every ingestion source shares: configuration from the environment, the run's parameter
 * snapshot, the raw-layer bracket around fetching, and the step's note in runs/{runDate}.
 *
 * Each source lives in its own folder with the same shape (like DefiLlama yield-server adaptors):
 *   schema.ts     zod schema per response
 *   normalize.ts  pure: validated payload → typed clean records (+ warnings)
 *   fetch.ts      HTTP calls through lib/http-client, raw bodies into lib/raw-layer
 *   index.ts      the step: fetch → validate → normalize → write clean, via defineStep
 */
import { FieldPath, type Firestore } from '@google-cloud/firestore';
import { COLLECTIONS, CURRENT_DOC_ID } from '../../lib/collections';
import { redact } from '../../lib/log';
import { buildParamSources, resolveParams, type Params, type ParamsLayer } from '../../lib/params';
import { RawRecorder } from '../../lib/raw-layer';
import type { StepContext, StepResult } from '../../lib/step';

/** Clean-layer collections written by the ingestion steps (layouts: each source's index.ts header). */
export const INGEST_COLLECTIONS = {
  pools: 'pools',
  poolSnapshots: 'poolSnapshots',
  priceDaily: 'priceDaily',
  gasDaily: 'gasDaily',
  accounts: 'accounts',
  accountTransfers: 'accountTransfers',
  accountTxs: 'accountTxs',
  accountBalances: 'accountBalances',
  scores: 'scores',
} as const;

/** A base URL from the environment (no trailing slash), or the public default. */
export function baseUrlFromEnv(name: string, fallback: string): string {
  const v = process.env[name]?.trim();
  return (v || fallback).replace(/\/+$/, '');
}

/** Thrown when required configuration is missing: a deployment problem (500), not retried. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function requiredEnv(name: string, why: string): string {
  const v = process.env[name]?.trim();
  if (!v) throw new ConfigError(`${name} is not set (${why})`);
  return v;
}

/** The parameters the run snapshotted (startRun); the resolved layers when the run has none. */
export async function loadRunParams(db: Firestore, runDate: string): Promise<Params> {
  const run = await db.collection(COLLECTIONS.runs).doc(runDate).get();
  const snapshot = run.get('params') as Params | undefined;
  if (snapshot) return snapshot;
  const stored = await db.collection(COLLECTIONS.params).doc(CURRENT_DOC_ID).get();
  return resolveParams(buildParamSources(stored.exists ? (stored.data() as ParamsLayer) : undefined, undefined));
}

/**
 * Runs `fetchAll` between raw.begin() and raw.finish(): the manifest is written as "complete" when
 * every payload arrived and validated, as "failed" (with the error, payloads kept) otherwise. The
 * stored error is redacted like a log line: an upstream error body quoted in it may echo a key.
 */
export async function withRawLayer<T>(raw: RawRecorder, fetchAll: () => Promise<T>): Promise<T> {
  await raw.begin();
  let value: T;
  try {
    value = await fetchAll();
  } catch (err) {
    await raw.finish('failed', String(redact(err instanceof Error ? err.message : String(err)))).catch(() => undefined);
    throw err;
  }
  await raw.finish('complete');
  return value;
}

/**
 * Notes the step's outcome in runs/{runDate}.steps.<step> (run metadata). Skipped when the run
 * document does not exist (the step was called on its own).
 */
export async function noteStepInRun(db: Firestore, ctx: StepContext, result: StepResult): Promise<void> {
  try {
    await db
      .collection(COLLECTIONS.runs)
      .doc(ctx.runDate)
      .update(new FieldPath('steps', ctx.step), { status: result.status, counts: result.counts ?? {}, runId: ctx.runId ?? null, at: new Date() });
  } catch (err) {
    if ((err as { code?: number }).code !== 5 /* NOT_FOUND */) throw err;
  }
}

/** Sorts object keys recursively-free: stable order for arrays we write (reruns compare equal). */
export function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}
