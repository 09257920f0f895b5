/**
 * Jest helper for tests that need a Firestore: `const db = useFirestoreEmulator('documents')`.
 *
 * - If FIRESTORE_EMULATOR_HOST is set when the test file starts, that emulator is used (so the
 *   conformance suite can be pointed at the official one: `firebase emulators:start --only
 *   firestore` + `FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 npx jest test/firestore/conformance`).
 * - Otherwise the embedded emulator is started on a free port in beforeAll and stopped in afterAll.
 *
 * - Tests of real-Firestore behaviour that the official emulator lacks are declared with
 *   `db.itUnlessGap(gap)(name, fn)`: skipped (and shown as skipped) only when the external emulator
 *   is not ours, run everywhere else. An external emulator is recognised as ours by the header
 *   `x-firestore-emulator` on `GET /` (probed once, synchronously, when the file is loaded).
 *
 * Every test file gets its own projectId (so files running in parallel against one external
 * emulator never see each other's data), every database a client of this helper touched is cleared
 * before each test through the emulator's REST endpoint
 * `DELETE /emulator/v1/projects/{project}/databases/{database}/documents`, and every client is
 * terminated in afterAll. Tests talk to the emulator only through @google-cloud/firestore and that
 * REST endpoint, never through the emulator's internals.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Firestore, type Settings } from '@google-cloud/firestore';

export interface ClientOptions {
  /** Defaults to this test file's project. */
  projectId?: string;
  /** Defaults to "(default)". */
  databaseId?: string;
  /** Extra client settings (e.g. ignoreUndefinedProperties). */
  settings?: Settings;
}

export interface FirestoreHandle {
  /** The shared client for this test file (project `projectId`, database "(default)"). */
  (): Firestore;
  /** A further client (another project or database); it is cleared between tests and terminated in afterAll. */
  client(options?: ClientOptions): Firestore;
  /** This test file's project id. */
  readonly projectId: string;
  /** "host:port" of the emulator in use. */
  host(): string;
  /** True when the suite runs against an emulator named by FIRESTORE_EMULATOR_HOST. */
  readonly external: boolean;
  /** Clears one database (defaults: this file's project, "(default)") through the REST endpoint. */
  clear(projectId?: string, databaseId?: string): Promise<void>;
  /** Raw REST call to the emulator (for the REST conformance tests). */
  rest(method: string, urlPath: string): Promise<{ status: number; body: string }>;
  /** Which emulator the suite talks to. */
  readonly kind: EmulatorKind;
  /** `it`, or `it.skip` when the emulator in use is known to lack `gap` (see OfficialEmulatorGap). */
  itUnlessGap(gap: OfficialEmulatorGap): jest.It;
}

/** embedded: started by this helper; external-embedded: ours, via FIRESTORE_EMULATOR_HOST; external-other: e.g. the official one. */
export type EmulatorKind = 'embedded' | 'external-embedded' | 'external-other';

/**
 * Documented behaviours of the real service that the official emulator (cloud-firestore-emulator
 * 1.19.9, checked) does not reproduce:
 * - partition-query: PartitionQuery answers UNIMPLEMENTED.
 * - descending-name-order: orderBy(__name__, desc) fails ("does not support descending key scans").
 * - field-count-limit: documents with more than 20,000 fields are accepted.
 * - document-name-size-limit: document names over 6 KiB are accepted.
 * - large-commit: a 5 MiB commit of 900 KB strings takes minutes.
 */
export type OfficialEmulatorGap = 'partition-query' | 'descending-name-order' | 'field-count-limit' | 'document-name-size-limit' | 'large-commit';

/** Asks an external emulator whether it is ours (one synchronous probe per host and process). */
function probeKind(host: string): EmulatorKind {
  const cacheKey = `FIRESTORE_EMULATOR_KIND_${host.replace(/[^A-Za-z0-9]/g, '_')}`;
  const cached = process.env[cacheKey];
  if (cached === 'external-embedded' || cached === 'external-other') return cached;
  const script = `fetch('http://${host}/').then((r) => process.stdout.write(r.headers.get('x-firestore-emulator') ?? ''), () => process.exit(3));`;
  let name = '';
  try {
    name = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 }).trim();
  } catch {
    throw new Error(`useFirestoreEmulator: the emulator at FIRESTORE_EMULATOR_HOST=${host} does not answer GET /`);
  }
  const kind: EmulatorKind = name === 'defiyieldopt-embedded' ? 'external-embedded' : 'external-other';
  process.env[cacheKey] = kind;
  return kind;
}

interface RunningEmulator {
  host: string;
  port: number;
  address: string;
  stop(): Promise<void>;
}

function sanitize(label: string): string {
  return label
    .toLowerCase()
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 20);
}

function defaultLabel(): string {
  const testPath = expect.getState().testPath;
  return testPath ? path.basename(testPath) : 'test';
}

export function useFirestoreEmulator(label?: string): FirestoreHandle {
  const externalHost = process.env.FIRESTORE_EMULATOR_HOST;
  const external = Boolean(externalHost);
  // Project ids: lowercase letters, digits and hyphens. "demo-" projects never touch a real project.
  const projectId = `demo-${sanitize(label ?? defaultLabel())}-${randomBytes(3).toString('hex')}`;
  const kind: EmulatorKind = externalHost ? probeKind(externalHost) : 'embedded';

  let emulator: RunningEmulator | undefined;
  let hostPort: string | undefined = externalHost;
  let main: Firestore | undefined;
  const clients: Firestore[] = [];
  const databases = new Map<string, { projectId: string; databaseId: string }>();

  function requireHost(): string {
    if (!hostPort) throw new Error('useFirestoreEmulator: the emulator is not running (used outside a test?)');
    return hostPort;
  }

  function makeClient(options: ClientOptions = {}): Firestore {
    const pid = options.projectId ?? projectId;
    const databaseId = options.databaseId ?? '(default)';
    const settings: Settings = {
      ...options.settings,
      projectId: pid,
      databaseId,
      customHeaders: { Authorization: 'Bearer owner' },
    };
    if (!external) {
      // With FIRESTORE_EMULATOR_HOST set the client takes host/ssl from the environment itself.
      settings.host = requireHost();
      settings.ssl = false;
    }
    const client = new Firestore(settings);
    clients.push(client);
    databases.set(`${pid}/${databaseId}`, { projectId: pid, databaseId });
    return client;
  }

  async function rest(method: string, urlPath: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://${requireHost()}${urlPath}`, {
      method,
      headers: { Authorization: 'Bearer owner' },
    });
    return { status: res.status, body: await res.text() };
  }

  async function clear(pid = projectId, databaseId = '(default)'): Promise<void> {
    const res = await rest('DELETE', `/emulator/v1/projects/${pid}/databases/${encodeURIComponent(databaseId)}/documents`);
    if (res.status !== 200) {
      throw new Error(`clearing ${pid}/${databaseId} failed: HTTP ${res.status} ${res.body}`);
    }
  }

  beforeAll(async () => {
    if (!external) {
      // Imported lazily so that pointing the suite at an external emulator needs nothing of ours.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startFirestoreEmulator } = require('../../emulator/firestore/server') as {
        startFirestoreEmulator(opts: { host?: string; port?: number }): Promise<RunningEmulator>;
      };
      emulator = await startFirestoreEmulator({ host: '127.0.0.1', port: 0 });
      hostPort = emulator.address;
    }
  });

  beforeEach(async () => {
    if (databases.size === 0) databases.set(`${projectId}/(default)`, { projectId, databaseId: '(default)' });
    for (const { projectId: pid, databaseId } of databases.values()) await clear(pid, databaseId);
  });

  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.terminate().catch(() => undefined)));
    main = undefined;
    if (emulator) await emulator.stop();
    emulator = undefined;
  });

  const handle = (() => {
    if (!main) main = makeClient();
    return main;
  }) as FirestoreHandle;
  Object.defineProperties(handle, {
    projectId: { value: projectId },
    external: { value: external },
    kind: { value: kind },
  });
  handle.itUnlessGap = (gap) => {
    if (kind !== 'external-other') return it;
    // Visible in the report: the test shows as skipped, with the reason in its name.
    return ((name: string, fn?: jest.ProvidesCallback, timeout?: number) =>
      it.skip(`${name} [skipped: the official emulator lacks ${gap}]`, fn, timeout)) as unknown as jest.It;
  };
  handle.client = makeClient;
  handle.host = requireHost;
  handle.clear = clear;
  handle.rest = rest;
  return handle;
}

/** The gRPC status code of a rejected client call (asserts that the call failed). */
export async function grpcCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: number }).code;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** gRPC status codes (google.rpc.Code), spelled out so expectations read like the docs. */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;
