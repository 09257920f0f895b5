/**
 * Starts the embedded Firestore emulator: gRPC (google.firestore.v1.Firestore) and the REST
 * conveniences on ONE port, like the official emulator. Each accepted TCP connection is sniffed:
 * the HTTP/2 connection preface ("PRI * HTTP/2.0") goes to grpc-js through its connection
 * injector, anything else to a plain HTTP/1.1 server.
 *
 *   const emu = await startFirestoreEmulator({ port: 0 });
 *   process.env.FIRESTORE_EMULATOR_HOST = emu.address;
 *   ...
 *   await emu.stop();
 */
import net from 'node:net';
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { firestoreService } from './proto';
import { FirestoreEmulatorState } from './emulator';
import { createFirestoreHandlers, withRequestSizes, type LogFn } from './service';
import { createRestHandler } from './rest';
import { exportData, importData } from './persistence';

export interface FirestoreEmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Directory with a previous export (firestore-data.json) to load at start. */
  importDir?: string;
  /** Directory to export the data to when `stop()` is called. */
  exportOnExit?: string;
  /** Receives one JSON line per log event. */
  log?: (line: string) => void;
}

export interface RunningFirestoreEmulator {
  host: string;
  port: number;
  /** "host:port", the value for FIRESTORE_EMULATOR_HOST. */
  address: string;
  /** Exports (if exportOnExit was given), then closes every connection. */
  stop(): Promise<void>;
  /** Deletes every document of every database. */
  clear(): void;
  /** Exports the current data to `dir` now. */
  exportTo(dir: string): { file: string; documents: number };
}

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

export async function startFirestoreEmulator(opts: FirestoreEmulatorOptions = {}): Promise<RunningFirestoreEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const logLine = opts.log;
  const log: LogFn = (entry) => logLine?.(JSON.stringify({ time: new Date().toISOString(), component: 'firestore-emulator', ...entry }));

  const state = new FirestoreEmulatorState();
  if (opts.importDir) {
    const { file, documents } = importData(state, opts.importDir);
    log({ severity: 'INFO', message: `imported ${documents} documents from ${file}` });
  }

  const grpcServer = new grpc.Server({
    // The service's own 10 MiB request limit is enforced with INVALID_ARGUMENT (limits.ts);
    // the transport allows more so that check can answer like the service does.
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': -1,
  });
  grpcServer.addService(withRequestSizes(firestoreService()), createFirestoreHandlers(state, log));
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());

  const httpServer = http.createServer(createRestHandler(state));
  httpServer.keepAliveTimeout = 5_000;

  const sockets = new Set<net.Socket>();
  const tcpServer = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const n = Math.min(buffered.length, HTTP2_PREFACE.length);
      const isHttp2Prefix = buffered.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n));
      if (isHttp2Prefix && buffered.length < HTTP2_PREFACE.length) return; // need more bytes to decide
      socket.off('data', onData);
      socket.pause();
      socket.unshift(buffered);
      if (isHttp2Prefix) {
        // The HTTP/2 session reads the already-buffered bytes itself (on the next tick); resuming
        // here would emit them as 'data' events nobody consumes.
        injector.injectConnection(socket);
      } else {
        httpServer.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });
  tcpServer.on('error', (e) => log({ severity: 'ERROR', message: `server error: ${e.message}` }));

  await new Promise<void>((resolve, reject) => {
    tcpServer.once('error', reject);
    tcpServer.listen(opts.port ?? 0, host, () => {
      tcpServer.off('error', reject);
      resolve();
    });
  });
  const port = (tcpServer.address() as net.AddressInfo).port;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  log({ severity: 'INFO', message: `listening on ${address}`, port });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (opts.exportOnExit) {
        const { file, documents } = exportData(state, opts.exportOnExit);
        log({ severity: 'INFO', message: `exported ${documents} documents to ${file}` });
      }
      state.close();
      // Stop accepting, then end open connections (close() only completes once they are gone).
      const closed = new Promise<void>((resolve) => tcpServer.close(() => resolve()));
      injector.destroy();
      grpcServer.forceShutdown();
      httpServer.close();
      httpServer.closeAllConnections();
      for (const s of sockets) s.destroy();
      await closed;
    })());

  return {
    host,
    port,
    address,
    stop,
    clear: () => state.clear(),
    exportTo: (dir) => exportData(state, dir),
  };
}
