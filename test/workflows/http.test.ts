/**
 * HTTP builtins against a real local server: status codes, slow responses and timeouts, refused
 * connections, retries counted by the server, backoff delays requested from the sleeper, auth tokens.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyLocalIdToken } from '../../emulator/functions/auth';
import { startTestServer, type TestServer } from './support/test-server';
import { runYaml } from './support/run-case';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const env = () => ({ TEST_SERVER_URL: server.url, REFUSED_URL: server.refusedUrl });

describe('status codes', () => {
  test.each([400, 401, 403, 404, 409, 429, 500, 502, 503])('HTTP %i raises HttpError with code, headers and body', async (code) => {
    const r = await runYaml(
      `
- c:
    call: http.get
    args:
      url: \${sys.get_env("TEST_SERVER_URL") + "/status/${code}"}
`,
      { env: env() },
    );
    expect(r.record.state).toBe('FAILED');
    expect(r.error).toEqual({
      tags: ['HttpError'],
      message: `HTTP server responded with error code ${code}`,
      code,
      headers: expect.objectContaining({ 'Content-Type': 'application/json', 'X-Test': 'status' }),
      body: { status: code, error: 'failed on purpose' },
    });
  });

  test.each([200, 201, 202, 204])('HTTP %i succeeds', async (code) => {
    const r = await runYaml(
      `
- c:
    call: http.get
    args:
      url: \${sys.get_env("TEST_SERVER_URL") + "/status/${code}"}
    result: r
- d:
    return: \${r.code}
`,
      { env: env() },
    );
    expect(r.result).toBe(code);
  });
});

describe('slow responses', () => {
  test('a response within the timeout succeeds', async () => {
    const r = await runYaml(
      `
- c:
    call: http.get
    args:
      url: \${sys.get_env("TEST_SERVER_URL") + "/slow?ms=50"}
      timeout: 5
    result: r
- d:
    return: \${r.body.slept}
`,
      { env: env() },
    );
    expect(r.result).toBe(50);
  });

  test('a response slower than the timeout raises TimeoutError', async () => {
    const r = await runYaml(
      `
- c:
    call: http.get
    args:
      url: \${sys.get_env("TEST_SERVER_URL") + "/slow?ms=5000"}
      timeout: 0.1
`,
      { env: env() },
    );
    expect(r.error).toEqual(expect.objectContaining({ tags: ['TimeoutError'] }));
    expect(r.record.failingStep?.step).toBe('c');
  });

  test('the timeout may not exceed 1800 seconds', async () => {
    const r = await runYaml(`
- c:
    call: http.get
    args:
      url: "http://127.0.0.1:1/"
      timeout: 1800.5
`);
    expect(r.error).toEqual(expect.objectContaining({ tags: ['ValueError'] }));
  });
});

describe('refused connections', () => {
  test('raise ConnectionFailedError', async () => {
    const r = await runYaml(
      `
- c:
    call: http.post
    args:
      url: \${sys.get_env("REFUSED_URL") + "/fn"}
      body: {a: 1}
`,
      { env: env() },
    );
    expect(r.error).toEqual(expect.objectContaining({ tags: ['ConnectionFailedError'] }));
  });
});

describe('retries', () => {
  test('default_retry retries 503 until success; the server counts every attempt and backoff grows', async () => {
    const r = await runYaml(
      `
- t:
    try:
      call: http.get
      args:
        url: \${sys.get_env("TEST_SERVER_URL") + "/flaky/jest503/3/503"}
      result: r
    retry: \${http.default_retry}
- d:
    return: \${r.body.hit}
`,
      { env: env() },
    );
    expect(r.result).toBe(4);
    expect(server.hits.get('jest503')).toBe(4);
    // retry.default_backoff: initial_delay 1, multiplier 1.25, max_delay 60
    expect(r.sleeps).toEqual([1, 1.25, 1.5625]);
    expect(r.record.steps.find((s) => s.name === 't')?.retries).toBe(3);
  });

  test('max_retries bounds the attempts (1 + max_retries) and delays are capped by max_delay', async () => {
    const r = await runYaml(
      `
- t:
    try:
      call: http.get
      args:
        url: \${sys.get_env("TEST_SERVER_URL") + "/flaky/jestcap/100/429"}
    retry:
      predicate: \${http.default_retry_predicate}
      max_retries: 4
      backoff:
        initial_delay: 2
        max_delay: 5
        multiplier: 2
`,
      { env: env() },
    );
    expect(r.error).toEqual(expect.objectContaining({ tags: ['HttpError'], code: 429 }));
    expect(server.hits.get('jestcap')).toBe(5);
    expect(r.sleeps).toEqual([2, 4, 5, 5]);
  });

  test('HTTP 500 is never retried by the default policy', async () => {
    const r = await runYaml(
      `
- t:
    try:
      call: http.get
      args:
        url: \${sys.get_env("TEST_SERVER_URL") + "/flaky/jest500/2/500"}
    retry: \${http.default_retry}
`,
      { env: env() },
    );
    expect(r.error).toEqual(expect.objectContaining({ code: 500 }));
    expect(server.hits.get('jest500')).toBe(1);
    expect(r.sleeps).toEqual([]);
  });

  test('retrying events are reported live', async () => {
    const events: string[] = [];
    await runYaml(
      `
- t:
    try:
      call: http.get
      args:
        url: \${sys.get_env("TEST_SERVER_URL") + "/flaky/jestev/1/503"}
    retry: \${http.default_retry}
`,
      { env: env(), onEvent: (e) => events.push(`${e.type}:${e.step}`) },
    );
    expect(events).toEqual(['step-started:t', 'step-retrying:t', 'step-finished:t']);
  });
});

describe('auth', () => {
  test('OIDC sends a local bearer token for the URL when a secret is configured', async () => {
    const r = await runYaml(
      `
- c:
    call: http.get
    args:
      url: \${sys.get_env("TEST_SERVER_URL") + "/echo?x=1"}
      auth:
        type: OIDC
    result: r
- d:
    return: \${r.body.headers.authorization}
`,
      { env: env(), localFunctionsSecret: 's3cret' },
    );
    const token = String(r.result).replace(/^Bearer /, '');
    const check = verifyLocalIdToken(token, 's3cret');
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.claims.aud).toBe(`${server.url}/echo`);
  });

  test('without a secret no Authorization header is sent', async () => {
    const r = await runYaml(
      `
- c:
    call: http.get
    args:
      url: \${sys.get_env("TEST_SERVER_URL") + "/echo"}
      auth:
        type: OIDC
    result: r
- d:
    return: \${default(map.get(r.body.headers, "authorization"), "none")}
`,
      { env: env(), localFunctionsSecret: undefined },
    );
    expect(r.result).toBe(process.env.LOCAL_FUNCTIONS_SECRET ? expect.any(String) : 'none');
  });
});

test('a response body larger than 2 MB raises ResourceLimitError that try/except cannot catch', async () => {
  const r = await runYaml(
    `
- t:
    try:
      call: http.get
      args:
        url: \${sys.get_env("TEST_SERVER_URL") + "/big?bytes=2100000"}
    except:
      as: e
      steps:
        - caught:
            return: "caught"
`,
    { env: env() },
  );
  expect(r.record.state).toBe('FAILED');
  expect(r.error).toEqual(expect.objectContaining({ tags: ['ResourceLimitError'] }));
});

test('a connection reset mid-response raises ConnectionError', async () => {
  const s = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
    res.write('partial');
    setTimeout(() => res.socket?.destroy(), 10);
  });
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  try {
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
    const r = await runYaml(`
- c:
    call: http.get
    args:
      url: "${url}"
`);
    expect(r.error).toEqual(expect.objectContaining({ tags: ['ConnectionError'] }));
  } finally {
    s.close();
  }
});
