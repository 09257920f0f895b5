/**
 * `firestore-emulator --port 8080 [--host 127.0.0.1] [--import DIR] [--export-on-exit DIR]`
 *
 * Starts the embedded Firestore emulator, prints one ready line with the address, logs JSON lines
 * to stderr, and on SIGINT/SIGTERM exports (when asked) and exits cleanly.
 */
import { parseArgs } from 'node:util';
import { startFirestoreEmulator } from '../emulator/firestore/server';

process.env.METADATA_SERVER_DETECTION = process.env.METADATA_SERVER_DETECTION || 'none';

const USAGE = `Usage: firestore-emulator [--port 8080] [--host 127.0.0.1] [--import DIR] [--export-on-exit DIR]

Embedded Firestore emulator (google.firestore.v1 over gRPC, no Java needed).

Options:
  --port N               port for gRPC and the REST conveniences (default 8080; 0 = any free port)
  --host HOST            interface to listen on (default 127.0.0.1)
  --import DIR           load DIR/firestore-data.json (written by --export-on-exit) at start
  --export-on-exit DIR   write all data to DIR/firestore-data.json when stopped (SIGINT/SIGTERM)
  -h, --help             show this help

Clients connect with FIRESTORE_EMULATOR_HOST=HOST:PORT.
REST: GET / → "Ok"; DELETE /emulator/v1/projects/{project}/databases/{db}/documents clears a database.`;

function fail(message: string): never {
  process.stderr.write(`firestore-emulator: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { port?: string; host?: string; import?: string; 'export-on-exit'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        import: { type: 'string' },
        'export-on-exit': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer between 0 and 65535, got "${values.port}"`);
  const host = values.host ?? '127.0.0.1';

  const log = (line: string): void => {
    process.stderr.write(line + '\n');
  };
  let emulator;
  try {
    emulator = await startFirestoreEmulator({ host, port, importDir: values.import, exportOnExit: values['export-on-exit'], log });
  } catch (e) {
    log(JSON.stringify({ severity: 'ERROR', message: `could not start: ${(e as Error).message}` }));
    process.exit(1);
  }
  process.stdout.write(`Firestore emulator ready at ${emulator.address} (FIRESTORE_EMULATOR_HOST=${emulator.address})\n`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(JSON.stringify({ severity: 'INFO', message: `received ${signal}, stopping` }));
    emulator!.stop().then(
      () => process.exit(0),
      (e: Error) => {
        log(JSON.stringify({ severity: 'ERROR', message: `error while stopping: ${e.message}` }));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
