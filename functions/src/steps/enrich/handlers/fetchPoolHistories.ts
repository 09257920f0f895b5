/**
 * Step 2, fetchPoolHistories: DefiLlama `GET /chart/{pool}` for the eligible pools whose stored
 * history (`poolHistory/{pool}_{YYYY-MM}`) lacks days up to runDate − 1 (history.ts decides which
 * days), bounded concurrency and retry/backoff on 429/5xx through lib/http-client. Each response is
 * kept verbatim in `raw/defillama-chart/days/{runDate}` before parsing.
 *
 * A pool whose chart fails (after the client's retries) or does not validate is reported and
 * skipped: the step answers `degraded` and the others are stored. Only when EVERY requested pool
 * failed for upstream reasons does it answer 503, so the workflow retries a DefiLlama outage.
 * All charts are fetched and validated before anything is written to the clean layer.
 */
import { z } from 'zod';
import { newDocIo } from '../../../lib/cross-section';
import { getFirestore } from '../../../lib/firestore';
import { HttpClient, UpstreamError } from '../../../lib/http-client';
import { RawRecorder } from '../../../lib/raw-layer';
import { commitWrites, monthsBetween, planSeriesWrites, type PlannedWrite } from '../../../lib/series';
import { defineStep, TransientError, type StepResult } from '../../../lib/step';
import { baseUrlFromEnv, withRawLayer } from '../../ingest/common';
import { addDays } from '../../../lib/dates';
import { chartToPoints, historyWindow, type HistoryPoints } from '../history';
import { CHART_SOURCE, ENRICH_COLLECTIONS, finish, mapLimit, readEligiblePools, readHistoryMonths } from './common';

const num = z.number().finite().nullable().optional();
/** `/chart/{pool}` (external-apis.md §1.2); unknown fields pass, the raw layer keeps them. */
export const ChartResponseSchema = z.looseObject({
  status: z.string(),
  data: z.array(z.looseObject({ timestamp: z.string().min(10), tvlUsd: num, apy: num, apyBase: num, apyReward: num })),
});

function chartClient(): HttpClient {
  const raw = Number(process.env.DEFILLAMA_CHART_CONCURRENCY);
  return new HttpClient({
    source: 'DefiLlama',
    baseUrl: baseUrlFromEnv('DEFILLAMA_BASE_URL', 'https://yields.llama.fi'),
    // Politeness towards the free API; HTTP_CONCURRENCY does not apply, this is the chart fan-out.
    concurrency: Number.isInteger(raw) && raw > 0 ? raw : 6,
  });
}

type Outcome = { pool: string; ok: true; result: HistoryPoints } | { pool: string; ok: false; transient: boolean; error: string };

export const fetchPoolHistories = defineStep({ name: 'fetchPoolHistories' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const eligible = await readEligiblePools(db, body.runDate, io);
  const to = addDays(body.runDate, -1);
  // The last day stored lies in the as-of month or the one before for any pool fetched recently;
  // a pool silent for longer is simply fetched whole again (an idempotent overwrite).
  const recent = await readHistoryMonths(db, eligible.map((p) => p.pool), monthsBetween(addDays(to, -31), to), io);
  const todo = eligible.flatMap((p) => {
    const w = historyWindow(recent.get(p.pool) ?? new Map(), body.runDate);
    return w ? [{ pool: p.pool, window: w }] : [];
  });

  const client = chartClient();
  const raw = new RawRecorder(db, CHART_SOURCE, body.runDate, body.runId ?? null);
  const outcomes = await withRawLayer(raw, () =>
    mapLimit(todo, 8, async ({ pool, window }): Promise<Outcome> => {
      try {
        const res = await client.getJson({
          path: `/chart/${encodeURIComponent(pool)}`,
          schema: ChartResponseSchema,
          onBody: raw.bodyRecorder(`chart-${pool}`),
          check: (v) => (v.status !== 'success' ? { reason: `status "${v.status}" instead of "success"`, retry: true } : undefined),
        });
        return { pool, ok: true, result: chartToPoints(res.data.data as never, window, body.runDate) };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        raw.markInvalid(`chart-${pool}`, message);
        return { pool, ok: false, transient: err instanceof UpstreamError, error: message };
      }
    }),
  );
  const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  if (todo.length > 0 && failed.length === todo.length && failed.every((f) => f.transient)) {
    throw new TransientError(`every /chart request failed (${failed.length} pools), e.g. ${failed[0].error}`);
  }

  const writes: PlannedWrite[] = [];
  let points = 0;
  let gaps = 0;
  let duplicates = 0;
  for (const o of outcomes) {
    if (!o.ok) continue;
    points += o.result.points.length;
    gaps += o.result.gaps;
    duplicates += o.result.duplicates;
    writes.push(...planSeriesWrites(db, ENRICH_COLLECTIONS.poolHistory, o.pool, o.result.points, { pool: o.pool }));
  }
  await commitWrites(db, writes);
  io.writes += writes.length + raw.payloadCount + 1;

  const warnings = failed.map((f) => `pool ${f.pool}: history not updated (${f.error})`);
  if (duplicates) warnings.push(`DefiLlama /chart: ${duplicates} row(s) sharing a day collapsed (latest kept)`);
  return finish(
    db,
    ctx,
    {
      status: failed.length ? 'degraded' : 'ok',
      counts: {
        eligible: eligible.length,
        requested: todo.length,
        upToDate: eligible.length - todo.length,
        fetched: todo.length - failed.length,
        failed: failed.length,
        daysWritten: points,
        gapDays: gaps,
        rawBytes: raw.totalBytes,
      },
      warnings,
      extra: failed.length ? { failedPools: failed.map((f) => f.pool) } : undefined,
    },
    io,
  );
});
