/**
 * Step 0, startRun (DOMAIN.md): opens the day's run. Creates or replaces `runs/{runDate}` with a fresh
 * runId, the effective parameter snapshot and the current icebox list, status "running".
 *
 * A rerun of the same date replaces the run: the run document is overwritten (new runId, attempt + 1,
 * `supersededRunId` pointing at the old one) and the superseded run's runId-keyed outputs (see
 * lib/collections.ts) are deleted in the same transaction, so nothing of the old run is mistaken for
 * the new one. Outputs keyed by runDate are overwritten by their steps when the rerun reaches them.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { COLLECTIONS, CURRENT_DOC_ID, RUN_ID_KEYED_COLLECTIONS } from '../../lib/collections';
import { getFirestore } from '../../lib/firestore';
import { buildParamSources, resolveParams, type Params, type ParamsLayer, type ParamsSource } from '../../lib/params';
import { defineStep, type StepResult } from '../../lib/step';

// ---------------------------------------------------------------------------------------------
// Pure core
// ---------------------------------------------------------------------------------------------

/** One entry of `icebox/current.tokens`, as maintained by updateIcebox. */
export const IceboxEntrySchema = z.looseObject({
  symbol: z.string().min(1),
  address: z.string().nullable().optional(),
  reason: z.string().optional(),
  /** Firestore Timestamps (or ISO strings); carried through unchanged. */
  addedAt: z.unknown().optional(),
  removedAt: z.unknown().optional(),
});
export type IceboxEntry = z.infer<typeof IceboxEntrySchema>;

const IceboxDocumentSchema = z.looseObject({ tokens: z.array(IceboxEntrySchema).default([]) });

/**
 * The tokens currently iceboxed: entries without a removal time. Throws naming the field when the
 * stored document is malformed — filtering on a misread icebox would be worse than stopping.
 */
export function activeIcebox(doc: unknown): IceboxEntry[] {
  if (doc === undefined) return [];
  const parsed = IceboxDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`malformed Firestore icebox/current: ${['icebox/current', ...issue.path.map(String)].join('.')}: ${issue.message}`);
  }
  return parsed.data.tokens.filter((t) => t.removedAt === undefined || t.removedAt === null);
}

export interface PreviousRun {
  runId: string;
  attempt: number;
}

export interface RunDocumentInput {
  runDate: string;
  runId: string;
  params: Params;
  /** Names of the parameter layers that were applied, lowest precedence first. */
  paramSources: string[];
  icebox: IceboxEntry[];
  now: Date;
  previous?: PreviousRun;
}

export interface RunDocument {
  runId: string;
  runDate: string;
  status: 'running';
  attempt: number;
  supersededRunId: string | null;
  params: Params;
  paramSources: string[];
  icebox: IceboxEntry[];
  createdAt: Date;
  updatedAt: Date;
  steps: Record<string, { status: string; at: Date }>;
}

export function buildRunDocument(input: RunDocumentInput): RunDocument {
  return {
    runId: input.runId,
    runDate: input.runDate,
    status: 'running',
    attempt: (input.previous?.attempt ?? 0) + 1,
    supersededRunId: input.previous?.runId ?? null,
    params: input.params,
    paramSources: input.paramSources,
    icebox: input.icebox,
    createdAt: input.now,
    updatedAt: input.now,
    steps: { startRun: { status: 'ok', at: input.now } },
  };
}

/** The previous run of the date as far as this step cares; tolerant of older shapes. */
export function previousRunOf(doc: unknown): PreviousRun | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  const d = doc as { runId?: unknown; attempt?: unknown };
  if (typeof d.runId !== 'string' || d.runId === '') return undefined;
  return { runId: d.runId, attempt: typeof d.attempt === 'number' && d.attempt > 0 ? d.attempt : 1 };
}

/** Names of the layers actually in effect, e.g. ["defaults", "Firestore params/current", "env RISK_AVERSION"]. */
export function describeParamSources(sources: ParamsSource[]): string[] {
  const names = ['defaults'];
  for (const s of sources) {
    const keys = Object.keys(s.values ?? {});
    if (keys.length === 0) continue;
    if (s.kind === 'env') names.push(...keys.map((k) => `env ${s.envNames?.[k] ?? k}`));
    else names.push(s.name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// HTTP handler
// ---------------------------------------------------------------------------------------------

export const startRun = defineStep(
  {
    name: 'startRun',
    requiresRunId: false,
    body: {
      /** Partial parameters from the workflow's runtime argument (highest precedence). */
      params: z.record(z.string(), z.unknown()).nullable().optional(),
    },
  },
  async (body, ctx): Promise<StepResult> => {
    const db = getFirestore();
    const [paramsSnap, iceboxSnap] = await db.getAll(
      db.collection(COLLECTIONS.params).doc(CURRENT_DOC_ID),
      db.collection(COLLECTIONS.icebox).doc(CURRENT_DOC_ID),
    );
    const warnings: string[] = [];
    if (!paramsSnap.exists) warnings.push('no Firestore params/current document: built-in defaults apply');

    const sources = buildParamSources(paramsSnap.exists ? (paramsSnap.data() as ParamsLayer) : undefined, body.params ?? undefined);
    const params = resolveParams(sources);
    const icebox = activeIcebox(iceboxSnap.exists ? iceboxSnap.data() : undefined);

    const runId = crypto.randomUUID();
    const runRef = db.collection(COLLECTIONS.runs).doc(body.runDate);
    const previous = await db.runTransaction(async (tx) => {
      const before = previousRunOf((await tx.get(runRef)).data());
      const doc = buildRunDocument({
        runDate: body.runDate,
        runId,
        params,
        paramSources: describeParamSources(sources),
        icebox,
        now: ctx.startedAt,
        previous: before,
      });
      tx.set(runRef, doc); // replace, not merge: nothing of the superseded run survives in it
      if (before && before.runId !== runId) {
        for (const collection of RUN_ID_KEYED_COLLECTIONS) tx.delete(db.collection(collection).doc(before.runId));
      }
      return before;
    });

    if (previous) ctx.log.info('run replaced', { supersededRunId: previous.runId, attempt: previous.attempt + 1 });
    return {
      status: 'ok',
      counts: {
        attempt: (previous?.attempt ?? 0) + 1,
        approvedTokens: params.approvedTokens.length,
        approvedProtocols: params.approvedProtocols.length,
        icebox: icebox.length,
      },
      warnings,
      extra: { runId, supersededRunId: previous?.runId ?? null },
    };
  },
);
