/** Loopback port helpers: find a free port, check one, wait for a listener. */
import net from 'node:net';

/** A port the OS reports free right now on `host` (there is an unavoidable race until it is bound). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` can be bound on `host`. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections at host:port within `timeoutMs`. */
export function probeTcp(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Splits "host:port" (IPv6 in brackets allowed). */
export function splitHostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!m) throw new Error(`expected HOST:PORT, got ${JSON.stringify(address)}`);
  return { host: m[1], port: Number(m[2]) };
}

/**
 * The preferred port if it is free, else a free one. `onFallback` reports the switch so the user
 * knows why the port differs from firebase.json.
 */
export async function preferredOrFreePort(preferred: number, host: string, onFallback: (port: number) => void): Promise<number> {
  if (preferred === 0) return freePort(host);
  if (await isPortFree(preferred, host)) return preferred;
  const port = await freePort(host);
  onFallback(port);
  return port;
}
