/**
 * Raw (bronze) layer: every external payload exactly as received, before any parsing (DESIGN.md
 * "Medallion layers"). Layout, per source and runDate:
 *
 *   raw/{source}/days/{runDate}                       manifest, written LAST
 *   raw/{source}/days/{runDate}/chunks/{payload}~{i}  bytes of one payload, ≤ CHUNK_BYTES each
 *
 * A payload is stored as Firestore bytes (verbatim, whatever the encoding) split into chunks so no
 * document nears the 1 MiB limit (DefiLlama /pools is ~11 MB). `begin()` deletes the manifest, so
 * from then until `finish()` the day's raw data reads as incomplete: a crash in between is
 * detectable (chunks without a manifest, or a manifest whose chunk counts do not match). A rerun of
 * the same runDate overwrites chunks in place and deletes the ones the new manifest no longer lists,
 * so it is idempotent. Invalid payloads are kept and listed with their validation error.
 */
import crypto from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';

/** 900 KiB of payload + a few fields stays well under Firestore's 1 MiB document limit. */
export const CHUNK_BYTES = 900 * 1024;
export const RAW_COLLECTION = 'raw';

export interface RawPayloadEntry {
  name: string;
  chunks: number;
  bytes: number;
  sha256: string;
  contentType: string | null;
  httpStatus: number | null;
  /** Set when the payload failed parsing or validation (the message names field and source). */
  error: string | null;
}

export interface RawManifest {
  source: string;
  runDate: string;
  runId: string | null;
  status: 'complete' | 'failed';
  error: string | null;
  payloads: RawPayloadEntry[];
  totalBytes: number;
  totalChunks: number;
}

/** Splits a buffer into pieces of at most `size` bytes (an empty payload is one empty chunk). */
export function chunkBuffer(body: Buffer, size: number = CHUNK_BYTES): Buffer[] {
  if (size <= 0) throw new RangeError('chunk size must be positive');
  if (body.length === 0) return [Buffer.alloc(0)];
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) out.push(body.subarray(at, Math.min(at + size, body.length)));
  return out;
}

/** Document ids may not contain "/"; keep payload names readable otherwise. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._+-]/g, '_').slice(0, 200) || '_';
}

export function chunkId(payload: string, index: number): string {
  return `${payload}~${String(index).padStart(4, '0')}`;
}

export function rawDayPath(source: string, runDate: string): string {
  return `${RAW_COLLECTION}/${safeName(source)}/days/${runDate}`;
}

/** Records the raw payloads of one step invocation for one (source, runDate). */
export class RawRecorder {
  private readonly payloads = new Map<string, RawPayloadEntry>();
  private readonly dayPath: string;

  constructor(
    private readonly db: Firestore,
    readonly source: string,
    readonly runDate: string,
    private readonly runId: string | null,
    private readonly chunkBytes: number = CHUNK_BYTES,
  ) {
    this.dayPath = rawDayPath(source, runDate);
  }

  /** Marks the day's raw data incomplete until finish() writes the new manifest. */
  async begin(): Promise<void> {
    await this.db.doc(this.dayPath).delete();
  }

  /**
   * An HTTP client `onBody` hook that stores every response body under `name` with its content type
   * and HTTP status (see put).
   */
  bodyRecorder(name: string): (body: Buffer, meta: { status: number; contentType: string | undefined }) => Promise<void> {
    return (body, meta) => this.put(name, body, { contentType: meta.contentType, httpStatus: meta.status });
  }

  /** Stores one payload verbatim (overwrites the same name, e.g. on an HTTP retry). */
  async put(name: string, body: Buffer, meta: { contentType?: string; httpStatus?: number } = {}): Promise<void> {
    const payload = safeName(name);
    const chunks = chunkBuffer(body, this.chunkBytes);
    const col = this.db.doc(this.dayPath).collection('chunks');
    // A handful of ~1 MB writes at a time: bounded memory on the wire, linear in payload size.
    for (let i = 0; i < chunks.length; i += 4) {
      await Promise.all(
        chunks.slice(i, i + 4).map((data, k) =>
          col.doc(chunkId(payload, i + k)).set({ source: this.source, runDate: this.runDate, payload, index: i + k, count: chunks.length, data }),
        ),
      );
    }
    this.payloads.set(payload, {
      name: payload,
      chunks: chunks.length,
      bytes: body.length,
      sha256: crypto.createHash('sha256').update(body).digest('hex'),
      contentType: meta.contentType ?? null,
      httpStatus: meta.httpStatus ?? null,
      error: null,
    });
  }

  /** Notes that a stored payload failed parsing/validation; it stays in the raw layer. */
  markInvalid(name: string, error: string): void {
    const entry = this.payloads.get(safeName(name));
    if (entry) entry.error = error;
  }

  get payloadCount(): number {
    return this.payloads.size;
  }

  get totalBytes(): number {
    let n = 0;
    for (const p of this.payloads.values()) n += p.bytes;
    return n;
  }

  /** Deletes chunks no payload of this invocation owns, then writes the manifest (last). */
  async finish(status: 'complete' | 'failed', error?: string): Promise<RawManifest> {
    const keep = new Set<string>();
    for (const p of this.payloads.values()) for (let i = 0; i < p.chunks; i++) keep.add(chunkId(p.name, i));
    const existing = await this.db.doc(this.dayPath).collection('chunks').select().get();
    const stale = existing.docs.filter((d) => !keep.has(d.id));
    for (let i = 0; i < stale.length; i += 400) {
      const batch = this.db.batch();
      for (const d of stale.slice(i, i + 400)) batch.delete(d.ref);
      await batch.commit();
    }
    const payloads = [...this.payloads.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const manifest: RawManifest = {
      source: this.source,
      runDate: this.runDate,
      runId: this.runId,
      status,
      error: error ?? null,
      payloads,
      totalBytes: payloads.reduce((s, p) => s + p.bytes, 0),
      totalChunks: payloads.reduce((s, p) => s + p.chunks, 0),
    };
    await this.db.doc(this.dayPath).set(manifest);
    return manifest;
  }
}

/** Reads one payload back (tests, replays); undefined when the manifest is missing or lacks it. */
export async function readRawPayload(db: Firestore, source: string, runDate: string, name: string): Promise<Buffer | undefined> {
  const manifest = (await db.doc(rawDayPath(source, runDate)).get()).data() as RawManifest | undefined;
  const entry = manifest?.payloads.find((p) => p.name === safeName(name));
  if (!entry) return undefined;
  const col = db.doc(rawDayPath(source, runDate)).collection('chunks');
  const snaps = await db.getAll(...Array.from({ length: entry.chunks }, (_, i) => col.doc(chunkId(entry.name, i))));
  const parts = snaps.map((s) => {
    const data = s.get('data') as Uint8Array | undefined;
    if (!s.exists || !data) throw new Error(`raw ${source}/${runDate}/${entry.name}: chunk ${s.id} missing (partial write)`);
    return Buffer.from(data);
  });
  return Buffer.concat(parts);
}
