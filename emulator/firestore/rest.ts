/**
 * The HTTP/1.1 conveniences of the official emulator that tests rely on:
 *   GET /                                                           → 200 "Ok"
 *   DELETE /emulator/v1/projects/{project}/databases/{db}/documents → clears that database
 *   DELETE /emulator/v1/projects/{project}/documents                → clears its (default) database
 */
import http from 'node:http';
import type { FirestoreEmulatorState } from './emulator';

export const EMULATOR_HEADER = 'x-firestore-emulator';
export const EMULATOR_NAME = 'defiyieldopt-embedded';

const CLEAR_RE = /^\/emulator\/v1\/projects\/([^/]+)(?:\/databases\/([^/]+))?\/documents\/?$/;

export function createRestHandler(state: FirestoreEmulatorState): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      // The identifying header lets a test suite pointed at FIRESTORE_EMULATOR_HOST tell this
      // emulator from the official one (whose known gaps it then skips).
      res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body), [EMULATOR_HEADER]: EMULATOR_NAME });
      res.end(body);
    };
    // Drain any request body before answering.
    req.resume();
    if (req.method === 'GET' && url.pathname === '/') return reply(200, 'Ok\n');
    const m = CLEAR_RE.exec(url.pathname);
    if (m && req.method === 'DELETE') {
      state.clear({ projectId: decodeURIComponent(m[1]), databaseId: decodeURIComponent(m[2] ?? '(default)') });
      return reply(200, '{}\n', 'application/json');
    }
    if (m) return reply(405, JSON.stringify({ error: { code: 405, message: 'Use DELETE to clear the database.' } }), 'application/json');
    return reply(404, JSON.stringify({ error: { code: 404, message: `Not found: ${req.method} ${url.pathname}` } }), 'application/json');
  };
}
