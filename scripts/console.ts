/**
 * The run-history console (emulator/console/) as a local service of `npm run emulate`: a read-only
 * web page over workflowExecutions, allocations and runs in the stack's Firestore emulator, with
 * `.runs/executions/*.json` as fallback.
 *
 * Local services start before the stack hands out its Firestore address, so (like the Workflows
 * API) the Firestore client is attached afterwards through `connect()`; until then the page shows
 * the `.runs/` files.
 */
import type { Firestore } from '@google-cloud/firestore';
import { startConsole } from '../emulator/console';
import { runsDir } from './lib/paths';
import { preferredOrFreePort } from './lib/ports';
import type { ServiceStarter } from './lib/stack';

/** The Firebase Emulator UI's usual port (disabled in firebase.json): this page plays that role. */
export const DEFAULT_CONSOLE_PORT = 4000;

export interface ConsoleService {
  starter: ServiceStarter;
  /** Points the console at the running stack's Firestore (call once the stack is up). */
  connect(stack: { firestore: { address: string; kind?: string }; project: string }): void;
}

export function consoleService(options: { port?: number; runsDir?: string } = {}): ConsoleService {
  let db: Firestore | undefined;
  let label: string | undefined;
  return {
    starter: async ({ host, notice }) => {
      const port = options.port ?? (await preferredOrFreePort(DEFAULT_CONSOLE_PORT, host, (p) => notice(`run-history console: port ${DEFAULT_CONSOLE_PORT} is busy, using ${p} instead`)));
      const dir = options.runsDir ?? runsDir();
      const web = await startConsole({
        host,
        port,
        runsDir: dir,
        firestore: () => db,
        firestoreLabel: () => label,
      });
      return {
        name: 'console',
        endpoints: { 'run history': web.url },
        env: {},
        stop: async () => {
          await web.stop();
          await db?.terminate().catch(() => undefined);
          db = undefined;
        },
      };
    },
    connect(stack) {
      const address = stack.firestore.address;
      const colon = address.lastIndexOf(':');
      // Loaded on demand, as elsewhere in scripts/: the client is heavy.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Firestore: Client } = require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
      db = new Client({ projectId: stack.project, host: address.slice(0, colon), port: Number(address.slice(colon + 1)), ssl: false });
      label = `Firestore emulator ${address} (project ${stack.project})`;
    },
  };
}
