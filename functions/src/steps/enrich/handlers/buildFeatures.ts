/**
 * Step 2, buildFeatures: the mean-variance optimizer's inputs for the as-of day (features.ts).
 *
 * Loads the eligible pools' recent history (the months covering max(covWindowDays,
 * expectedReturnLookback) days), daily returns APY/100/365 → expected returns over
 * expectedReturnLookback and the pairwise-complete sample covariance over covWindowDays; scores
 * from `scores/{provider}_{YYYY-MM}` (each provider's latest date on or before the as-of day,
 * percentile and min–max normalised per provider and date). Stored as
 * `features/{runDate}` (+chunks), one row per asset: expectedReturn, scorePercentile, scoreMinMax,
 * cov ({v: row}, null where the pair overlaps on fewer than half the window).
 * Assets are the eligible pools with at least one return in the lookback (others have no current
 * expectation and are counted as `noReturns`). `readMeanVarianceFeatures` turns it back into the
 * allocator's MeanVarianceFeatures.
 */
import type { Firestore } from '@google-cloud/firestore';
import { newDocIo, readCrossSection, writeCrossSection, type DocIo } from '../../../lib/cross-section';
import { addDays } from '../../../lib/dates';
import { getFirestore } from '../../../lib/firestore';
import { monthsBetween } from '../../../lib/series';
import { defineStep, type StepResult } from '../../../lib/step';
import { INGEST_COLLECTIONS, loadRunParams } from '../../ingest/common';
import { buildCleanPanel } from '../clean';
import { covarianceAt, expectedReturns, latestScoreVector, normalizeScoreRows, type ScoreRow } from '../features';
import { dailyReturns } from '../metrics';
import { asOfDay, ENRICH_COLLECTIONS, finish, MissingInputError, orNull, readEligiblePools, readHistoryMonths, seriesRows } from './common';

/** How far back a provider's last score still counts. */
const SCORE_MONTHS_BACK = 3;

async function readScores(db: Firestore, asOf: string, io: DocIo): Promise<ScoreRow[]> {
  const months = monthsBetween(addDays(asOf, -31 * SCORE_MONTHS_BACK), asOf);
  const snap = await db.collection(INGEST_COLLECTIONS.scores).where('month', '>=', months[0]).where('month', '<=', months[months.length - 1]).get();
  io.reads += Math.max(1, snap.size);
  const rows: ScoreRow[] = [];
  for (const d of snap.docs) {
    const provider = String(d.get('provider') ?? d.get('series'));
    const points = (d.get('points') ?? {}) as Record<string, { date: string; key: string; score: number | null }>;
    for (const p of Object.values(points)) if (p.date <= asOf) rows.push({ date: p.date, key: p.key, provider, score: p.score });
  }
  return rows;
}

export const buildFeatures = defineStep({ name: 'buildFeatures' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const params = await loadRunParams(db, body.runDate);
  io.reads += 1;
  const asOf = asOfDay(body.runDate);
  const eligible = await readEligiblePools(db, body.runDate, io);
  const window = Math.max(params.covWindowDays, params.expectedReturnLookback);
  const from = addDays(asOf, -window + 1);
  const histories = await readHistoryMonths(db, eligible.map((p) => p.pool), monthsBetween(from, asOf), io);
  const panel = buildCleanPanel(new Map(eligible.map((p) => [p.pool, seriesRows(histories.get(p.pool) ?? new Map())])), from, asOf);
  const nDays = panel.days.length;
  const returns = dailyReturns(panel.apy);

  const mu = expectedReturns(returns, eligible.length, nDays, nDays - 1, params.expectedReturnLookback);
  const assets = eligible.flatMap((_, i) => (Number.isFinite(mu[i]) ? [i] : []));
  const cov = covarianceAt(returns, eligible.length, nDays, nDays - 1, params.covWindowDays, assets);
  const k = assets.length;

  const normalized = normalizeScoreRows(await readScores(db, asOf, io));
  const assetPools = assets.map((i) => ({ pool: eligible[i].pool, project: eligible[i].project }));
  const pct = latestScoreVector(assetPools, normalized, asOf, 'percentile');
  const minMax = latestScoreVector(assetPools, normalized, asOf, 'minMax');

  let missingPairs = 0;
  const covRows = assets.map((_, a) => {
    const row: Array<number | null> = [];
    for (let b = 0; b < k; b++) {
      const v = orNull(cov.cov[a * k + b]);
      if (v === null) missingPairs++;
      row.push(v);
    }
    return { v: row };
  });
  await writeCrossSection(
    db,
    ENRICH_COLLECTIONS.features,
    body.runDate,
    {
      asOf,
      assets: k,
      covWindowDays: params.covWindowDays,
      expectedReturnLookback: params.expectedReturnLookback,
      minOverlap: cov.minOverlap,
      returnUnit: 'daily fraction (APY/100/365)',
      scoreDates: pct.dates,
    },
    assetPools.map((p) => p.pool),
    {
      expectedReturn: assets.map((i) => mu[i]),
      scorePercentile: pct.scores,
      scoreMinMax: minMax.scores,
      cov: covRows,
    },
    io,
  );

  const warnings: string[] = [];
  if (missingPairs) warnings.push(`${missingPairs} covariance entr${missingPairs === 1 ? 'y has' : 'ies have'} fewer than ${cov.minOverlap} overlapping days (stored as null)`);
  return finish(
    db,
    ctx,
    {
      status: 'ok',
      counts: {
        eligible: eligible.length,
        assets: k,
        noReturns: eligible.length - k,
        missingCovariances: missingPairs,
        scored: pct.scores.filter((s) => s !== null).length,
        scoreProviders: Object.keys(pct.dates).length,
      },
      warnings,
    },
    io,
  );
});

/** The allocator's MeanVarianceFeatures from `features/{runDate}` (null entries become NaN). */
export async function readMeanVarianceFeatures(
  db: Firestore,
  runDate: string,
  field: 'scorePercentile' | 'scoreMinMax' = 'scorePercentile',
): Promise<{ assets: string[]; expectedReturns: number[]; covariance: number[][]; scores: number[] }> {
  const cs = await readCrossSection(db, ENRICH_COLLECTIONS.features, runDate);
  if (!cs) throw new MissingInputError(`${ENRICH_COLLECTIONS.features}/${runDate}`, 'buildFeatures');
  const nan = (v: unknown) => (typeof v === 'number' ? v : NaN);
  return {
    assets: cs.ids,
    expectedReturns: cs.columns.expectedReturn.map(nan),
    covariance: (cs.columns.cov as Array<{ v: Array<number | null> }>).map((r) => r.v.map(nan)),
    scores: cs.columns[field].map(nan),
  };
}
