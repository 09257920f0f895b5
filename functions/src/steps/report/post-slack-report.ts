/**
 * Step 5, postSlackReport (DOMAIN.md): the morning Slack message, or the failure message when the
 * run failed. The workflow calls it in both cases, with the run summary in the body (run-summary.ts).
 *
 * Reads allocations/{runId}, ledger/{runDate} and the registry entries of the allocated pools;
 * posts with @slack/web-api chat.postMessage; records the posted ts in reports/{runId} so a retried
 * call never posts twice (slack-post.ts).
 *
 * Environment: SLACK_BOT_TOKEN (in GCP a Secret Manager secret mounted as this env variable:
 * `gcloud functions deploy postSlackReport --set-secrets=SLACK_BOT_TOKEN=slack-bot-token:latest`),
 * SLACK_CHANNEL (channel id), SLACK_API_URL (the local stand-in; unset in GCP → https://slack.com/api/),
 * SLACK_RETRIES / SLACK_RETRY_MIN_MS / SLACK_RETRY_MAX_MS / SLACK_TIMEOUT_MS (client retry policy),
 * REPORT_CLAIM_LEASE_MS. The token is handed to the client only; it is never logged.
 */
import { z } from 'zod';
import { LogLevel, WebClient, WebClientEvent, type Logger } from '@slack/web-api';
import { COLLECTIONS } from '../../lib/collections';
import { getFirestore } from '../../lib/firestore';
import { defineStep, type StepContext, type StepLogger, type StepResult } from '../../lib/step';
import type { AllocationRecord } from '../allocate/types';
import { INGEST_COLLECTIONS, noteStepInRun, requiredEnv } from '../ingest/common';
import { buildRunOutcome, recordRunOutcome, type OutcomeWrite } from './run-outcome';
import { RunSummaryBody, summarizeRun, type RunSummary } from './run-summary';
import { claimReport, postReport } from './slack-post';
import { buildReport, type LedgerView, type PoolInfo } from './slack-message';

const intEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
};

/** The client's own log lines go to our structured log (which redacts), debug dropped. */
function clientLogger(log: StepLogger): Logger {
  let level = LogLevel.INFO;
  const text = (msgs: unknown[]) => msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: () => undefined,
    info: (...m: unknown[]) => log.info(`slack client: ${text(m)}`),
    warn: (...m: unknown[]) => log.warn(`slack client: ${text(m)}`),
    error: (...m: unknown[]) => log.warn(`slack client: ${text(m)}`),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * 429: the client waits Retry-After, then retries (p-retry, at most SLACK_RETRIES times with backoff);
 * network errors and 5xx are retried the same way. Past that the step answers 503 and the workflow's
 * retry policy takes over — without reposting what was already posted.
 */
export function slackClient(token: string, log: StepLogger): WebClient {
  return new WebClient(token, {
    slackApiUrl: process.env.SLACK_API_URL?.trim() || undefined,
    logger: clientLogger(log),
    timeout: intEnv('SLACK_TIMEOUT_MS', 15_000),
    retryConfig: { retries: intEnv('SLACK_RETRIES', 3), factor: 2, minTimeout: intEnv('SLACK_RETRY_MIN_MS', 1_000), maxTimeout: intEnv('SLACK_RETRY_MAX_MS', 10_000), randomize: true },
  });
}

/**
 * Posts the report, then records the run's final outcome on runs/{runDate} (run-outcome.ts),
 * including the report's own result. A failed post records the run as failed before the error
 * goes back to the workflow (which may retry: the retry's outcome then replaces it).
 * `finishOnly` (the workflow, when the report phase is not selected): record, post nothing.
 */
export const postSlackReport = defineStep({ name: 'postSlackReport', body: { ...RunSummaryBody, finishOnly: z.boolean().optional() } }, async (body, ctx): Promise<StepResult> => {
  const db = getFirestore();
  const runId = body.runId!;
  const run = summarizeRun(body);
  const finish = (report?: { step: string; status: string }) => recordRunOutcome(db, body.runDate, runId, buildRunOutcome(run, report), new Date());

  if (body.finishOnly) {
    const runOutcome = await finish();
    return { status: 'skipped', counts: {}, warnings: [], extra: { runOutcome } };
  }
  let result: StepResult;
  try {
    result = await postRunReport(body, ctx, run);
  } catch (err) {
    await finish({ step: ctx.step, status: 'failed' }).catch((e: unknown) => ctx.log.warn(`could not record the run outcome: ${String(e)}`));
    throw err;
  }
  const runOutcome = await finish({ step: ctx.step, status: result.status });
  logSuperseded(ctx.log, runOutcome);
  return { ...result, extra: { ...result.extra, runOutcome } };
});

function logSuperseded(log: StepLogger, write: OutcomeWrite): void {
  if (write === 'superseded') log.warn('runs document belongs to a newer run of the date: outcome not recorded');
}

async function postRunReport(body: { runDate: string; runId?: string }, ctx: StepContext, run: RunSummary): Promise<StepResult> {
  const token = requiredEnv('SLACK_BOT_TOKEN', 'the Slack bot token; a Secret Manager secret in GCP');
  const channel = requiredEnv('SLACK_CHANNEL', 'the Slack channel id to post the report to');
  const db = getFirestore();
  const runId = body.runId!;

  const reportRef = db.collection(COLLECTIONS.reports).doc(runId);
  const already = await reportRef.get();
  if (already.get('status') === 'posted') return alreadyPosted(already.get('ts'), already.get('channel'), already.get('messages'));

  const [allocationSnap, ledgerSnap] = await Promise.all([db.collection(COLLECTIONS.allocations).doc(runId).get(), db.collection(COLLECTIONS.ledger).doc(body.runDate).get()]);
  const allocation = allocationSnap.exists ? (allocationSnap.data() as AllocationRecord) : null;
  const ledger = ledgerSnap.exists ? (ledgerSnap.data() as LedgerView) : null;
  const poolIds = allocation && 'finalAllocation' in allocation.result ? allocation.result.finalAllocation.pools.map((p) => p.poolId).filter((id) => !id.startsWith('contract:')) : [];
  const pools: Record<string, PoolInfo> = {};
  if (poolIds.length) {
    const snaps = await db.getAll(...poolIds.map((id) => db.collection(INGEST_COLLECTIONS.pools).doc(id)));
    for (const s of snaps) if (s.exists) pools[s.id] = { project: s.get('project'), symbol: s.get('symbol'), poolMeta: s.get('poolMeta') ?? null, tvlUsd: s.get('tvlUsd') };
  }

  const messages = buildReport({ runDate: body.runDate, runId, run, allocation, ledger, pools });
  const kind = run.status === 'failed' ? 'failure' : 'report';
  const claim = await claimReport(db, { runId, runDate: body.runDate, kind, messages: messages.length }, Date.now(), intEnv('REPORT_CLAIM_LEASE_MS', 180_000));
  if (claim.posted) return alreadyPosted(claim.record.ts, claim.record.channel, claim.record.messages);

  const client = slackClient(token, ctx.log);
  let rateLimited = 0;
  client.on(WebClientEvent.RATE_LIMITED, () => void rateLimited++);
  const out = await postReport(db, client, channel, runId, claim.claimId, messages, claim.done);

  const warnings: string[] = [];
  if (run.status !== 'failed' && !allocation) warnings.push(`no allocations/${runId} document: the report says so`);
  const result: StepResult = {
    status: warnings.length ? 'degraded' : 'ok',
    counts: { messages: messages.length, posted: out.posted.length - claim.done.length, blocks: messages.reduce((s, m) => s + m.blocks.length, 0), rateLimited },
    warnings,
    extra: { kind, channel: out.channel, ts: out.posted.find((p) => p.index === 0)?.ts, alreadyPosted: false },
  };
  await noteStepInRun(db, ctx, result);
  return result;
}

function alreadyPosted(ts: unknown, channel: unknown, messages: unknown): StepResult {
  return { status: 'skipped', counts: { messages: Number(messages ?? 0), posted: 0 }, warnings: ['report already posted for this run: not posted again'], extra: { ts, channel, alreadyPosted: true } };
}
