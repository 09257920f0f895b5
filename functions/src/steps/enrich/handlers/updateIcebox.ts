/**
 * Step 2, updateIcebox: daily lows/closes of the approved tokens (`priceDaily`, up to the as-of
 * day) + the state the previous runDate left → icebox.ts → `iceboxHistory/{runDate}` and
 * `icebox/current`.
 *
 * Idempotent per runDate: the starting state is the one stored by the latest EARLIER runDate
 * (`iceboxHistory`), never `icebox/current`, so a rerun starts from the same state and gets the
 * same result. `icebox/current` (read by startRun: `tokens` entries with symbol, address, reason,
 * addedAt, removedAt; active = removedAt null) is only written when no later runDate has written
 * it, so rerunning an old date cannot roll the live icebox back.
 * First run (no earlier state): the last BOOTSTRAP_DAYS of candles, so an ongoing depeg is caught.
 */
import { FieldPath } from '@google-cloud/firestore';
import { COLLECTIONS, CURRENT_DOC_ID } from '../../../lib/collections';
import { newDocIo } from '../../../lib/cross-section';
import { addDays } from '../../../lib/dates';
import { getFirestore } from '../../../lib/firestore';
import { monthsBetween, readSeries } from '../../../lib/series';
import { defineStep, type StepResult } from '../../../lib/step';
import { INGEST_COLLECTIONS, loadRunParams } from '../../ingest/common';
import { emptyIceboxState, updateIcebox as iceboxCore, type DailyCandle, type IceboxState } from '../icebox';
import { asOfDay, ENRICH_COLLECTIONS, finish } from './common';

export const BOOTSTRAP_DAYS = 30;
/** Catch-up limit after a long pause; the core resets streaks across missing days anyway. */
const MAX_CATCH_UP_DAYS = 60;

export const updateIcebox = defineStep({ name: 'updateIcebox' }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const io = newDocIo();
  const params = await loadRunParams(db, body.runDate);
  io.reads += 1;
  const asOf = asOfDay(body.runDate);

  const prevSnap = await db
    .collection(ENRICH_COLLECTIONS.iceboxHistory)
    .where(FieldPath.documentId(), '<', body.runDate)
    .orderBy(FieldPath.documentId(), 'desc')
    .limit(1)
    .get();
  io.reads += 1;
  const prevDoc = prevSnap.docs[0];
  const prev: IceboxState = (prevDoc?.get('state') as IceboxState | undefined) ?? emptyIceboxState();

  // Always the bootstrap window (cheap; the core skips candles a tracker has seen), further back
  // when a tracker lags behind it (a paused pipeline), at most MAX_CATCH_UP_DAYS.
  const lastDates = Object.values(prev.trackers).map((t) => t.lastDate).filter((d): d is string => typeof d === 'string').sort();
  let from = addDays(asOf, -BOOTSTRAP_DAYS + 1);
  if (lastDates.length && addDays(lastDates[0], 1) < from) from = [addDays(lastDates[0], 1), addDays(asOf, -MAX_CATCH_UP_DAYS + 1)].sort()[1];
  const months = from <= asOf ? monthsBetween(from, asOf) : [];

  const candles: Record<string, DailyCandle[]> = {};
  const missingPrices: string[] = [];
  for (const t of params.approvedTokens) {
    const series = await readSeries<{ low?: unknown; close?: unknown }>(db, INGEST_COLLECTIONS.priceDaily, t.symbol, months);
    io.reads += months.length;
    const list: DailyCandle[] = [];
    for (const [day, v] of series) {
      if (day < from || day > asOf) continue;
      list.push({ date: day, low: typeof v.low === 'number' ? v.low : null, close: typeof v.close === 'number' ? v.close : null });
    }
    if (months.length && !list.some((c) => c.date === asOf)) missingPrices.push(t.symbol);
    candles[t.symbol] = list;
  }

  const update = iceboxCore(prev, params.approvedTokens, candles, params.icebox);
  await db.collection(ENRICH_COLLECTIONS.iceboxHistory).doc(body.runDate).set({
    runDate: body.runDate,
    asOf,
    previousRunDate: prevDoc?.id ?? null,
    state: update.state,
    events: update.events,
    active: update.active.map((e) => e.symbol),
    warnings: update.warnings,
  });
  io.writes += 1;

  const currentRef = db.collection(COLLECTIONS.icebox).doc(CURRENT_DOC_ID);
  const current = await currentRef.get();
  io.reads += 1;
  const currentDate = current.get('runDate') as string | undefined;
  const warnings = [...update.warnings];
  if (currentDate && currentDate > body.runDate) {
    warnings.push(`icebox/current belongs to the later run ${currentDate}: left unchanged (history for ${body.runDate} stored)`);
  } else {
    // `tokens` lists every episode; startRun keeps those without removedAt (the active ones).
    await currentRef.set({ runDate: body.runDate, asOf, tokens: update.state.history, trackers: update.state.trackers, updatedAt: ctx.startedAt });
    io.writes += 1;
  }
  if (missingPrices.length) warnings.push(`no ${asOf} price for ${missingPrices.join(', ')}: streaks of those tokens restart`);
  for (const e of update.events) warnings.push(`icebox ${e.type}: ${e.symbol} on ${e.date} (${e.reason})`);

  return finish(
    db,
    ctx,
    {
      status: 'ok',
      counts: {
        tokens: params.approvedTokens.length,
        active: update.active.length,
        added: update.events.filter((e) => e.type === 'added').length,
        removed: update.events.filter((e) => e.type === 'removed').length,
        candles: Object.values(candles).reduce((s, l) => s + l.length, 0),
      },
      warnings,
      extra: { iceboxed: update.active.map((e) => e.symbol) },
    },
    io,
  );
});
