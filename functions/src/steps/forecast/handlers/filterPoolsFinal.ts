/**
 * Step 3, filterPoolsFinal: eligible pools + `poolForecasts/{runDate}` + the icebox of this run +
 * the held pools + parameters → final-filter-rows.ts → `finalFilter/{runDate}` (+chunks), one row
 * per pool considered: kept, mustExit, held, eligible, forecastApy (mean over the horizon, percent),
 * forecastTvl (minimum over the horizon), every reason, approved token symbols. Manifest and counts:
 * kept / dropped / mustExit and `byRule.<rule>`.
 *
 * The icebox is `iceboxHistory/{runDate}` (the state updateIcebox left for this date), not
 * icebox/current, so a rerun of an old date filters with that date's icebox.
 */
import type { Firestore } from '@google-cloud/firestore';
import { COLLECTIONS, CURRENT_DOC_ID } from '../../../lib/collections';
import { newDocIo, readCrossSection, writeCrossSection, type DocIo } from '../../../lib/cross-section';
import { getFirestore } from '../../../lib/firestore';
import { defineStep, type StepResult } from '../../../lib/step';
import { ENRICH_COLLECTIONS, finish, readEligiblePools } from '../../enrich/handlers/common';
import type { IceboxEpisode } from '../../enrich/icebox';
import { INGEST_COLLECTIONS, loadRunParams } from '../../ingest/common';
import type { FinalFilterForecast, IceboxEntry } from '../filterFinal';
import { FORECAST_COLLECTIONS, loadHeldPoolIds, readPoolForecasts } from './common';
import { finalFilterRows, type FilterCandidate } from './final-filter-rows';

/** Active icebox entries of the run (episodes without removedAt) and where they came from. */
async function activeIcebox(db: Firestore, runDate: string, io: DocIo): Promise<{ entries: IceboxEntry[]; source: string; warnings: string[] }> {
  const active = (episodes: unknown): IceboxEntry[] =>
    (Array.isArray(episodes) ? (episodes as IceboxEpisode[]) : []).filter((e) => e && !e.removedAt).map((e) => ({ symbol: e.symbol ?? null, address: e.address ?? null }));
  const hist = await db.collection(ENRICH_COLLECTIONS.iceboxHistory).doc(runDate).get();
  io.reads += 1;
  if (hist.exists) return { entries: active(hist.get('state.history')), source: `${ENRICH_COLLECTIONS.iceboxHistory}/${runDate}`, warnings: [] };
  // updateIcebox did not run for this date: the live list is still a better guard than none.
  const current = await db.collection(COLLECTIONS.icebox).doc(CURRENT_DOC_ID).get();
  io.reads += 1;
  const source = `${COLLECTIONS.icebox}/${CURRENT_DOC_ID}`;
  return { entries: active(current.get('tokens')), source, warnings: [`${ENRICH_COLLECTIONS.iceboxHistory}/${runDate} is missing (updateIcebox not run for this date): used ${source}`] };
}

/** Held pools the pre-filter rejected: their reasons (prefilter/{runDate}) and registry symbol/tokens. */
async function heldNotEligible(db: Firestore, runDate: string, ids: readonly string[], io: DocIo): Promise<FilterCandidate[]> {
  if (ids.length === 0) return [];
  const pre = await readCrossSection(db, ENRICH_COLLECTIONS.prefilter, runDate, io);
  const at = new Map((pre?.ids ?? []).map((id, i) => [id, i]));
  const registry = await db.getAll(...ids.map((id) => db.collection(INGEST_COLLECTIONS.pools).doc(id)));
  io.reads += registry.length;
  return ids.map((poolId, k) => {
    const i = at.get(poolId);
    const reg = registry[k];
    const codes = i === undefined ? ['not-listed'] : [...new Set(((pre!.columns.reasons[i] as { v: Array<{ code: string }> }).v ?? []).map((r) => r.code))];
    return {
      poolId,
      project: typeof reg.get('project') === 'string' ? (reg.get('project') as string) : null,
      symbol: typeof reg.get('symbol') === 'string' ? (reg.get('symbol') as string) : null,
      tokens: i === undefined ? [] : (pre!.columns.approvedSymbols[i] as { v: string[] }).v,
      underlyingTokens: Array.isArray(reg.get('underlyingTokens')) ? (reg.get('underlyingTokens') as string[]) : undefined,
      eligible: false,
      preFilter: codes,
    };
  });
}

export const filterPoolsFinal = defineStep({ name: 'filterPoolsFinal' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const params = await loadRunParams(db, body.runDate);
  io.reads += 1;
  const stored = await readPoolForecasts(db, body.runDate, io);
  const eligible = await readEligiblePools(db, body.runDate, io);
  const held = await loadHeldPoolIds(db, body.runDate, io);
  const icebox = await activeIcebox(db, body.runDate, io);

  const eligibleIds = new Set(eligible.map((p) => p.pool));
  const candidates: FilterCandidate[] = [
    ...eligible.map((p) => ({ poolId: p.pool, project: p.project, symbol: p.symbol, tokens: p.approvedSymbols, eligible: true })),
    ...(await heldNotEligible(db, body.runDate, [...held.ids].filter((id) => !eligibleIds.has(id)).sort(), io)),
  ];
  const forecasts = new Map<string, FinalFilterForecast>(stored.pools.map((p) => [p.poolId, { apy: p.apy.values, tvl: p.tvl.values }]));
  const out = finalFilterRows(candidates, forecasts, icebox.entries, { poolTvlFloor: params.poolTvlFloor, poolApyFloor: params.poolApyFloor, horizonDays: params.horizonDays }, held.ids);

  const rows = out.rows;
  await writeCrossSection(
    db,
    FORECAST_COLLECTIONS.finalFilter,
    body.runDate,
    {
      runId: body.runId ?? null,
      asOf: stored.asOf,
      floors: { poolTvlFloor: params.poolTvlFloor, poolApyFloorPercent: params.poolApyFloor * 100, horizonDays: params.horizonDays },
      counts: out.counts,
      byRule: out.byRule,
      iceboxed: icebox.entries.map((e) => e.symbol ?? e.address),
      iceboxSource: icebox.source,
      heldSource: held.source,
    },
    rows.map((r) => r.poolId),
    {
      kept: rows.map((r) => r.kept),
      mustExit: rows.map((r) => r.mustExit),
      held: rows.map((r) => r.held),
      eligible: rows.map((r) => r.eligible),
      forecastApy: rows.map((r) => r.forecastApy),
      forecastTvl: rows.map((r) => r.forecastTvl),
      reasons: rows.map((r) => ({ v: r.reasons })),
      tokens: rows.map((r) => ({ v: r.tokens })),
      project: rows.map((r) => r.project),
      symbol: rows.map((r) => r.symbol),
    },
    io,
  );

  const warnings = [...held.warnings, ...icebox.warnings];
  const notForecast = candidates.filter((c) => !forecasts.has(c.poolId)).length;
  if (notForecast) warnings.push(`${notForecast} pool(s) are missing from poolForecasts/${body.runDate} (forecastPools ran before the held pools changed?): dropped as missingForecast`);
  for (const r of rows) if (r.mustExit) warnings.push(`held pool ${r.poolId} fails the final filter (${r.reasons.map((x) => x.rule).join(', ')}): must be exited`);
  return finish(db, ctx, { status: 'ok', counts: out.counts, warnings }, io);
});
