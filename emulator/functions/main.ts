/**
 * The functions host as its own process (`node dist/emulator/functions/main.js`), so a function
 * process can be killed and restarted independently of the emulator and the workflow.
 *
 * Environment: PORT (0 = free port), HOST (loopback, default 127.0.0.1), LOCAL_FUNCTIONS_SECRET
 * (required), plus whatever the functions read (FIRESTORE_EMULATOR_HOST, GOOGLE_CLOUD_PROJECT, …).
 * Prints one JSON line with message "functions host ready" and the URLs, then serves until
 * SIGINT/SIGTERM.
 */
import { log } from '../../functions/src/lib/log';
import { closeFirestore } from '../../functions/src/lib/firestore';
import { startFunctionsHost } from './host';

export const READY_MESSAGE = 'functions host ready';

async function main(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = process.env.METADATA_SERVER_DETECTION || 'none';
  const secret = process.env.LOCAL_FUNCTIONS_SECRET;
  if (!secret) {
    log('CRITICAL', 'LOCAL_FUNCTIONS_SECRET is not set: the host cannot check callers\' tokens');
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    log('CRITICAL', `PORT must be an integer 0-65535, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  const host = await startFunctionsHost({ host: process.env.HOST || '127.0.0.1', port, secret });
  log('NOTICE', READY_MESSAGE, {
    component: 'functions-host',
    pid: process.pid,
    baseUrl: host.baseUrl,
    port: host.port,
    functions: Object.fromEntries(host.functionNames.map((n) => [n, host.url(n)])),
    firestoreEmulatorHost: process.env.FIRESTORE_EMULATOR_HOST,
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('NOTICE', 'functions host stopping', { component: 'functions-host', signal });
    Promise.allSettled([host.stop(), closeFirestore()]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log('CRITICAL', 'functions host failed to start', { error: err });
    process.exit(1);
  });
}
