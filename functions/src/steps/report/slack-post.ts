/**
 * Posting a report exactly once per runId, although the workflow retries the step (timeouts, 503).
 *
 * `reports/{runId}` is the claim and the receipt:
 *   status "posting"  claimed by one invocation (claimId, claimedAt); others get 503 until the
 *                     lease expires (a crashed claimant must not block the report forever)
 *   posted[]          {index, ts} recorded after EACH message, so a retry after a partial failure
 *                     (say the 2nd thread reply hit a 429 too often) posts only what is missing,
 *                     threaded under the recorded first message
 *   status "posted"   done: a retry returns the recorded ts without calling Slack
 *   status "failed"   the last attempt failed (error kept); the next one resumes
 * The only window for a duplicate is a crash between Slack accepting a message and the progress
 * write (Slack's chat.postMessage has no idempotency key).
 */
import crypto from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { ErrorCode, type WebClient } from '@slack/web-api';
import { COLLECTIONS } from '../../lib/collections';
import { redact } from '../../lib/log';
import { TransientError } from '../../lib/step';
import type { SlackMessage } from './slack-format';

export interface PostedPart {
  index: number;
  ts: string;
}

export interface ReportRecord {
  runId: string;
  runDate: string;
  kind: 'report' | 'failure';
  status: 'posting' | 'posted' | 'failed';
  claimId: string;
  claimedAt: number;
  channel: string | null;
  messages: number;
  posted: PostedPart[];
  ts?: string;
  error?: string;
}

export type ClaimOutcome = { posted: true; record: ReportRecord } | { posted: false; claimId: string; done: PostedPart[] };

/** Takes the claim for runId, or says the report is already out. Throws TransientError while another invocation holds a live claim. */
export async function claimReport(db: Firestore, meta: { runId: string; runDate: string; kind: ReportRecord['kind']; messages: number }, now: number, leaseMs: number): Promise<ClaimOutcome> {
  const ref = db.collection(COLLECTIONS.reports).doc(meta.runId);
  const claimId = crypto.randomUUID();
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const prev = snap.exists ? (snap.data() as ReportRecord) : undefined;
    if (prev?.status === 'posted') return { posted: true as const, record: prev };
    if (prev?.status === 'posting' && now - prev.claimedAt < leaseMs) {
      throw new TransientError(`the report of run ${meta.runId} is being posted by another invocation (claimed ${Math.round((now - prev.claimedAt) / 1000)} s ago); retry later`);
    }
    const done = prev?.posted ?? [];
    const record: ReportRecord = { ...meta, status: 'posting', claimId, claimedAt: now, channel: prev?.channel ?? null, posted: done };
    tx.set(ref, record);
    return { posted: false as const, claimId, done };
  });
}

/** Applies `patch` only while we still hold the claim (a takeover after lease expiry wins). */
async function updateClaim(db: Firestore, runId: string, claimId: string, patch: (r: ReportRecord) => Partial<ReportRecord>): Promise<boolean> {
  const ref = db.collection(COLLECTIONS.reports).doc(runId);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const r = snap.data() as ReportRecord | undefined;
    if (!r || r.claimId !== claimId) return false;
    tx.set(ref, { ...r, ...patch(r) });
    return true;
  });
}

const TRANSIENT_SLACK_ERRORS = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack client errors → TransientError (503, the workflow retries) or a plain Error (500) naming Slack's code. */
export function classifySlackError(err: unknown): Error {
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
  const msg = String(redact(e?.message ?? String(err)));
  if (e?.code === ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    return TRANSIENT_SLACK_ERRORS.has(code) ? new TransientError(`Slack chat.postMessage: ${code}`) : new Error(`Slack chat.postMessage failed: ${code}`);
  }
  if (e?.code === ErrorCode.HTTPError) return (e.statusCode ?? 500) >= 500 || e.statusCode === 429 ? new TransientError(`Slack HTTP ${e.statusCode}`) : new Error(`Slack HTTP ${e.statusCode}: ${msg}`);
  // Network errors, timeouts and a 429 that outlasted the client's retries clear up by themselves.
  if (e?.code === ErrorCode.RequestError || e?.code === ErrorCode.RateLimitedError || /rate limit/i.test(msg)) return new TransientError(`Slack unreachable or rate limited: ${msg}`);
  return new Error(`Slack chat.postMessage failed: ${msg}`);
}

export interface PostOutcome {
  channel: string;
  posted: PostedPart[];
}

/**
 * Posts the messages not yet posted, in order: the first to the channel, the rest as replies in its
 * thread. Progress is recorded after every message.
 */
export async function postReport(db: Firestore, client: WebClient, channel: string, runId: string, claimId: string, messages: SlackMessage[], done: PostedPart[]): Promise<PostOutcome> {
  const posted = [...done];
  let channelId = channel;
  try {
    for (let i = 0; i < messages.length; i++) {
      if (posted.some((p) => p.index === i)) continue;
      const threadTs = i > 0 ? posted.find((p) => p.index === 0)?.ts : undefined;
      const res = await client.chat.postMessage({
        channel: channelId,
        text: messages[i].text,
        blocks: messages[i].blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!res.ts) throw new Error('Slack chat.postMessage answered ok without a ts');
      if (typeof res.channel === 'string') channelId = res.channel;
      posted.push({ index: i, ts: res.ts });
      const mine = await updateClaim(db, runId, claimId, () => ({ posted: [...posted], channel: channelId }));
      if (!mine) throw new TransientError(`lost the claim on the report of run ${runId} (lease expired); the new claimant continues`);
    }
  } catch (err) {
    const failure = err instanceof TransientError ? err : classifySlackError(err);
    await updateClaim(db, runId, claimId, () => ({ status: 'failed', error: failure.message, posted: [...posted] })).catch(() => undefined);
    throw failure;
  }
  const first = posted.find((p) => p.index === 0)!;
  await updateClaim(db, runId, claimId, () => ({ status: 'posted', ts: first.ts, channel: channelId, posted: [...posted] }));
  return { channel: channelId, posted };
}
