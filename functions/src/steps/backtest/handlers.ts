/**
 * The backtest as three HTTP functions, chained by workflows/backtest.yaml:
 *
 *   backtestStart  {backtestId?, from, to, aumUsd?, params?, source?, riskFreeRate?, reselectDays?}
 *                  → backtests/{id} with the config and the initial state; {backtestId, days}
 *   backtestStep   {backtestId, maxDays?, maxSeconds?} → runs up to maxDays days (stopping early past
 *                  maxSeconds so the call ends well inside the function timeout), saves the state;
 *                  {done, day, of, date}
 *   backtestReport {backtestId} → summary + daily series + files/report.html and files/result.json;
 *                  {summary, counts}
 *
 * Only the stored history is available here: the simulated market lives in emulator/, which never
 * ships with the functions (scripts/deploy/stage-functions.ts refuses it); `source: "simulated"` is
 * a 400 pointing at the CLI. Parameters resolve as in a pipeline run: params/current, the env
 * overrides, then the request's `params`. The error contract is the steps' one (lib/step.ts: 400
 * never retried, 503 transient, 500 otherwise); these bodies carry no runDate, hence a small wrapper.
 */
import crypto from 'node:crypto';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { COLLECTIONS, CURRENT_DOC_ID } from '../../lib/collections';
import { addDays, daysBetween } from '../../lib/dates';
import { getFirestore } from '../../lib/firestore';
import { log, type LogFields } from '../../lib/log';
import { buildParamSources, resolveParams, type ParamsLayer } from '../../lib/params';
import { BadRequestError, classify, RunDateSchema, zodToBadRequest } from '../../lib/step';
import { Backtest, initialState } from './engine';
import { FirestoreBacktestSource } from './firestore-source';
import { summarize } from './metrics';
import { renderReport } from './report-html';
import { BACKTESTS, configOf, createBacktest, loadState, readBacktestDoc, readDays, saveProgress, writeReport, type BacktestDoc } from './store';
import type { BacktestConfig, BacktestResult } from './types';

export const DEFAULT_AUM_USD = 10_000_000;
export const DEFAULT_RISK_FREE = 0.04;
export const DEFAULT_DAYS_PER_CALL = 30;
/** Leaves the save and the reply ample room inside the 540 s function timeout (deploy.sh). */
export const DEFAULT_MAX_SECONDS = 300;

interface Reply {
  counts?: Record<string, number>;
  warnings?: string[];
  extra: Record<string, unknown>;
}

function defineBacktestFunction<S extends z.ZodRawShape>(name: string, shape: S, handler: (body: z.infer<z.ZodObject<S>>, fields: LogFields) => Promise<Reply>): HttpFunction {
  const schema = z.strictObject(shape);
  return async (req, res) => {
    const started = Date.now();
    let fields: LogFields = { step: name };
    try {
      if (req.method !== 'POST') {
        res.set('Allow', 'POST');
        res.status(405).json({ status: 'error', error: { code: 405, status: 'METHOD_NOT_ALLOWED', message: `${name} accepts POST only` } });
        return;
      }
      const raw: unknown = req.body;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Buffer.isBuffer(raw)) throw new BadRequestError('request body must be a JSON object sent with Content-Type: application/json', '(body)');
      const id = (raw as { backtestId?: unknown }).backtestId;
      if (typeof id === 'string') fields = { ...fields, backtestId: id };
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw zodToBadRequest(parsed.error);
      const reply = await handler(parsed.data, fields);
      const counts = reply.counts ?? {};
      const { summary: _summary, ...logged } = reply.extra; // the summary is in the reply, not the log line
      log('INFO', `${name} ok`, { ...fields, ...logged, httpStatus: 200, durationMs: Date.now() - started, counts });
      res.status(200).json({ status: 'ok', step: name, counts, warnings: reply.warnings ?? [], ...reply.extra });
    } catch (err) {
      const r = classify(err);
      log(r.httpStatus === 500 ? 'ERROR' : 'WARNING', `${name} failed: ${r.message}`, { ...fields, status: 'error', httpStatus: r.httpStatus, field: r.field, durationMs: Date.now() - started });
      if (res.headersSent) return;
      res.status(r.httpStatus).json({ status: 'error', step: name, error: { code: r.httpStatus, status: r.grpcStatus, message: r.message, ...(r.field ? { field: r.field } : {}) } });
    }
  };
}

const BacktestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, "_" or "-", at most 128');

async function requireBacktest(id: string): Promise<BacktestDoc> {
  const doc = await readBacktestDoc(getFirestore(), id);
  if (!doc) throw new BadRequestError(`no backtest ${id}: call backtestStart first`, 'backtestId');
  return doc;
}

export const backtestStart = defineBacktestFunction(
  'backtestStart',
  {
    backtestId: BacktestIdSchema.nullish(),
    from: RunDateSchema,
    to: RunDateSchema,
    aumUsd: z.number().positive().finite().nullish(),
    params: z.record(z.string(), z.unknown()).nullish(),
    source: z.enum(['stored', 'simulated']).nullish(),
    riskFreeRate: z.number().min(-1).max(1).nullish(),
    reselectDays: z.number().int().min(1).max(365).nullish(),
  },
  async (body) => {
    if ((body.source ?? 'stored') === 'simulated') {
      throw new BadRequestError('source "simulated" is only available from the CLI (yieldopt backtest): the simulated market is not deployed with the functions', 'source');
    }
    if (daysBetween(body.from, body.to) < 0) throw new BadRequestError(`"to" ${body.to} is before "from" ${body.from}`, 'to');
    const db = getFirestore();
    const stored = await db.collection(COLLECTIONS.params).doc(CURRENT_DOC_ID).get();
    const params = resolveParams(buildParamSources(stored.exists ? (stored.data() as ParamsLayer) : undefined, body.params ?? undefined));
    const config: BacktestConfig = {
      from: body.from,
      to: body.to,
      aumUsd: body.aumUsd ?? DEFAULT_AUM_USD,
      startToken: 'USDC',
      params,
      riskFreeRate: body.riskFreeRate ?? DEFAULT_RISK_FREE,
      forecastReselectDays: body.reselectDays ?? 1,
    };
    const id = body.backtestId ?? crypto.randomUUID();
    const existing = await readBacktestDoc(db, id);
    const total = daysBetween(config.from, config.to) + 1;
    if (existing) {
      // A retried start (the workflow passes its execution id) must not reset the progress.
      if (existing.configJson !== JSON.stringify(config)) throw new BadRequestError(`backtest ${id} already exists with a different configuration`, 'backtestId');
      return { counts: { days: total }, extra: { backtestId: id, days: total, day: existing.next, existing: true } };
    }
    // The listing each decision starts from must be stored (day − 1); see firestore-source.ts.
    const source = new FirestoreBacktestSource(db);
    const missing = await source.missingListings(addDays(config.from, -1), addDays(config.to, -1));
    if (missing.length) {
      throw new BadRequestError(
        `the stored history does not cover the window: no pool snapshot for ${missing.length} day(s) (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); run the pipeline for those days first`,
        'from',
      );
    }
    const warnings: string[] = [];
    const gas = await source.gasDays(addDays(config.from, -8), addDays(config.from, -1));
    if (!gas.length) warnings.push(`no stored gas day in the week before ${config.from}: gas costs are forecast from later days only as they arrive`);
    await createBacktest(db, id, initialState(config), total, source.description);
    return { counts: { days: total }, warnings, extra: { backtestId: id, days: total, day: 0, existing: false } };
  },
);

export const backtestStep = defineBacktestFunction(
  'backtestStep',
  {
    backtestId: BacktestIdSchema,
    maxDays: z.number().int().min(1).max(120).nullish(),
    maxSeconds: z.number().positive().max(3000).nullish(),
  },
  async (body): Promise<Reply> => {
    const db = getFirestore();
    const doc = await requireBacktest(body.backtestId);
    if (doc.status !== 'running') return { counts: { daysRun: 0 }, extra: { backtestId: doc.backtestId, done: true, day: doc.next, of: doc.total } };
    const source = new FirestoreBacktestSource(db);
    const bt = new Backtest(source, await loadState(db, doc));
    const maxDays = body.maxDays ?? DEFAULT_DAYS_PER_CALL;
    const deadline = Date.now() + (body.maxSeconds ?? DEFAULT_MAX_SECONDS) * 1000;
    // At least one day per call, so the loop always makes progress.
    for (let k = 0; k < maxDays && !bt.done && (k === 0 || Date.now() < deadline); k++) await bt.step();
    const days = bt.state.days;
    await saveProgress(db, doc, bt.state, days, bt.dates.length);
    const last = days[days.length - 1];
    return {
      counts: { daysRun: days.length, documentsRead: source.io.reads },
      extra: { backtestId: doc.backtestId, done: bt.done, day: bt.state.next, of: bt.dates.length, date: last?.date ?? null, navStrategy: last?.nav.strategy ?? null },
    };
  },
);

/** The result of a finished backtest, as the engine's result() gives it. */
export async function storedResult(id: string): Promise<BacktestResult> {
  const db = getFirestore();
  const doc = await requireBacktest(id);
  if (doc.status === 'running') throw new BadRequestError(`backtest ${id} is not finished (day ${doc.next} of ${doc.total}): call backtestStep until done`, 'backtestId');
  const state = await loadState(db, doc);
  const config = configOf(doc);
  const days = await readDays(db, id);
  if (days.length !== doc.total) throw new Error(`backtests/${id}: ${days.length} day documents, expected ${doc.total}`);
  return { version: 1, source: doc.description, config, days, summary: summarize(days, config.aumUsd, config.riskFreeRate), elapsedMs: state.elapsedMs };
}

export const backtestReport = defineBacktestFunction('backtestReport', { backtestId: BacktestIdSchema }, async (body) => {
  const result = await storedResult(body.backtestId);
  const counts = await writeReport(getFirestore(), body.backtestId, result, renderReport(result));
  return {
    counts: { ...counts },
    extra: {
      backtestId: body.backtestId,
      from: result.config.from,
      to: result.config.to,
      report: `${BACKTESTS}/${body.backtestId}/files/report.html`,
      summary: JSON.parse(JSON.stringify(result.summary)),
    },
  };
});
