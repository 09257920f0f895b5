/**
 * Fails any test that opens a TCP connection to a non-loopback address: tests talk only to
 * servers they started on this machine. Patched at the socket layer so every client (grpc, axios,
 * fetch via undici's net usage, @slack/web-api) is covered.
 */
import net from 'node:net';
import { isLoopbackHost } from './loopback';

const originalConnect = net.Socket.prototype.connect;

function targetHost(args: unknown[]): string | undefined {
  const first = args[0];
  if (Array.isArray(first)) return targetHost(first);
  if (first && typeof first === 'object') {
    const opts = first as { host?: string; path?: string };
    if (opts.path) return undefined; // unix socket
    return opts.host ?? 'localhost';
  }
  if (typeof first === 'number') return typeof args[1] === 'string' ? args[1] : 'localhost';
  return undefined; // string path = unix socket
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = targetHost(args);
  if (host !== undefined && !isLoopbackHost(host)) {
    throw new Error(`network-guard: test tried to connect to non-loopback host "${host}"`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
