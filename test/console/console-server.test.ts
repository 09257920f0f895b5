/**
 * The run-history console over real HTTP against the embedded Firestore emulator: the executions
 * list (newest first, states, failing step), one execution's page (argument, error, steps with the
 * failing one highlighted), the latest allocation, HTML escaping of stored text, read-only
 * behaviour (405), and the `.runs/` file fallback when Firestore has no executions or is down.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { startConsole, type RunningConsole } from '../../emulator/console';
import { useFirestoreEmulator } from '../support/firestore';
import { ACTIVE_ID, FAILED_ID, LATEST_RUN_ID, OLDER_RUN_ID, SUCCEEDED_ID, SUMMARY_FAILED_ID, SUMMARY_OK_ID, XSS, executionRecords, pipelineSummaryRecords, seedFirestore, writeRecordFiles } from './fixtures';

const db = useFirestoreEmulator('console-server');
let web: RunningConsole;
let emptyRuns: string;

async function get(url: string, init?: RequestInit): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** The <tr> elements of the table with id `tableId`, as markup. */
function rows(body: string, tableId: string): string[] {
  const table = new RegExp(`<table id="${tableId}">([\\s\\S]*?)</table>`).exec(body);
  if (!table) throw new Error(`no table #${tableId} in the page`);
  return [...table[1].matchAll(/<tr class="[^"]*"[\s\S]*?<\/tr>/g)].map((m) => m[0]);
}

beforeAll(async () => {
  emptyRuns = fs.mkdtempSync(path.join(os.tmpdir(), 'console-runs-'));
  web = await startConsole({ firestore: () => db(), runsDir: emptyRuns, firestoreLabel: 'test emulator' });
});

afterAll(async () => {
  await web?.stop();
  fs.rmSync(emptyRuns, { recursive: true, force: true });
});

describe('with execution records and allocations in Firestore', () => {
  beforeEach(async () => {
    await seedFirestore(db());
  });

  test('GET / lists the executions newest first with state, duration, steps and failing step', async () => {
    const res = await get(`${web.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const trs = rows(res.body, 'executions');
    expect(trs.map((tr) => /href="\/executions\/([^"]+)"/.exec(tr)?.[1])).toEqual([SUCCEEDED_ID, FAILED_ID, ACTIVE_ID]);
    expect(trs[0]).toContain('class="badge s-SUCCEEDED"');
    expect(trs[0]).toContain('2026-11-22 06:00:00 UTC');
    expect(trs[0]).toMatch(/<td class="num">\d+\.\d s<\/td>/); // duration from the record
    expect(trs[0]).toContain('<td class="num">18</td>'); // steps executed
    expect(trs[1]).toContain('class="badge s-FAILED"');
    expect(trs[1]).toContain('optimizeAllocations');
    expect(trs[2]).toContain('class="badge s-ACTIVE"');
    expect(trs[2]).toContain('running');
    expect(res.body).toContain('Data: test emulator');
    // An execution still running: the page refreshes itself (no script needed).
    expect(res.body).toContain('<meta http-equiv="refresh" content="5">');
  });

  test('GET / shows the latest allocation: pools, amounts, % AUM, APY, transactions, status', async () => {
    const { body } = await get(`${web.url}/`);
    const panel = /<section class="panel" id="latest-allocation">([\s\S]*?)<\/section>/.exec(body)?.[1] ?? '';
    expect(panel).toContain(LATEST_RUN_ID);
    expect(panel).not.toContain(OLDER_RUN_ID);
    expect(panel).toContain('class="badge s-optimal"');
    expect(panel).toContain('aave-v3 USDC');
    expect(panel).toContain('$3,500,000.00');
    expect(panel).toContain('35.00 %'); // share of AUM
    expect(panel).toContain('6.80 %'); // forecast APY
    expect(panel).toMatch(/id="apy-net"[\s\S]*?6\.42 %/);
    expect((panel.match(/<tr class="pool">/g) ?? []).length).toBe(3);
    expect((panel.match(/<tr class="transaction">/g) ?? []).length).toBe(3);
    expect(panel).toContain('run completed, attempt 1');
  });

  test('GET /executions/{id}: argument, error, steps table with the failing step highlighted', async () => {
    const res = await get(`${web.url}/executions/${FAILED_ID}`);
    expect(res.status).toBe(200);
    const { body } = res;
    expect(body).toContain('class="badge s-FAILED"');
    expect(body).toContain('<pre id="argument">{\n  &quot;runDate&quot;: &quot;2026-11-21&quot;\n}</pre>');
    expect(body).toContain('step &quot;optimizeAllocations&quot; (workflows/pipeline.yaml:470:7) raised an HttpError');
    expect(body).toMatch(/<pre id="error">\{\n {2}&quot;message&quot;/);
    const trs = rows(body, 'steps');
    expect(trs).toHaveLength(executionRecords()[1].steps.length);
    const failing = trs.filter((tr) => /class="step failing"/.test(tr));
    expect(failing).toHaveLength(1);
    expect(failing[0]).toContain('optimizeAllocations');
    expect(failing[0]).toContain('class="badge s-FAILED"');
    expect(failing[0]).toContain('<strong class="warn">3</strong>'); // retries
    expect(failing[0]).toContain('9.00 s');
    const prices = trs.find((tr) => tr.includes('>fetchPrices<'))!;
    expect(prices).toContain('fetchPricesBranch');
    expect(prices).toContain('<strong class="warn">2</strong>');
    expect(body).toContain(`href="#step-${trs.indexOf(failing[0])}"`);
  });

  test('a successful execution shows its result and links the run\'s allocation', async () => {
    const { status, body } = await get(`${web.url}/executions/${SUCCEEDED_ID}`);
    expect(status).toBe(200);
    expect(body).toContain('<pre id="result">{\n  &quot;runId&quot;: &quot;run-2026-11-22&quot;');
    expect(body).toContain(`href="/allocations/${LATEST_RUN_ID}"`);
    expect(body).not.toContain('class="step failing"');
    expect(body).not.toContain('http-equiv="refresh"');
  });

  test('stored text is HTML-escaped: a step error holding <script> renders as text', async () => {
    const { body } = await get(`${web.url}/executions/${FAILED_ID}`);
    expect(body).not.toContain('<script');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('&lt;script&gt;console.error(&quot;xss-executed&quot;)&lt;/script&gt;');
    expect(body).toContain('&lt;img src=x onerror=&quot;console.error(1)&quot;&gt;');
  });

  test('markup in list fields (a failing step name, a workflow id) is escaped too', async () => {
    const [record] = executionRecords();
    record.executionId = 'evil-1';
    record.startTime = '2030-01-01T00:00:00.000Z';
    record.workflowId = '<b>wf</b>';
    record.failingStep = { workflow: 'main', step: XSS, file: 'x.yaml', line: 1, column: 1 };
    await db().collection('workflowExecutions').doc('evil-1').set(JSON.parse(JSON.stringify(record)) as Record<string, unknown>);
    const { body } = await get(`${web.url}/`);
    expect(body).not.toContain('<script');
    expect(body).not.toContain('<b>wf</b>');
    expect(body).toContain('&lt;b&gt;wf&lt;/b&gt;');
  });

  test('GET /allocations/latest and /allocations/{runId}', async () => {
    const latest = await get(`${web.url}/allocations/latest`);
    expect(latest.status).toBe(200);
    expect(latest.body).toContain(LATEST_RUN_ID);
    expect(latest.body).toContain('morpho-blue USDC');
    const older = await get(`${web.url}/allocations/${OLDER_RUN_ID}`);
    expect(older.status).toBe(200);
    expect(older.body).toContain('compound-v3 USDT');
    expect(older.body).not.toContain('morpho-blue USDC');
    expect((await get(`${web.url}/allocations/no-such-run`)).status).toBe(404);
  });

  test('an infeasible allocation shows its status and reasons instead of empty tables', async () => {
    await db().collection('allocations').doc('run-infeasible').set({
      runId: 'run-infeasible',
      runDate: '2026-11-23',
      status: 'infeasible',
      objective: 'yield',
      result: { status: 'infeasible', objective: 'yield', reasons: ['only 2 eligible pools, minPools is 5 <b>'], aumUsd: 1000, warnings: [] },
      updatedAt: new Date('2026-11-23T06:05:00Z'),
    });
    const { body } = await get(`${web.url}/allocations/latest`);
    expect(body).toContain('run-infeasible');
    expect(body).toContain('class="badge s-infeasible"');
    expect(body).toContain('<li>only 2 eligible pools, minPools is 5 &lt;b&gt;</li>');
    expect(body).not.toContain('<h3>Pools</h3>');
  });

  test('unknown execution or page → 404', async () => {
    expect((await get(`${web.url}/executions/does-not-exist`)).status).toBe(404);
    expect((await get(`${web.url}/executions/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await get(`${web.url}/nope`)).status).toBe(404);
  });

  test('read-only: every method but GET/HEAD is 405 and changes nothing', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const p of ['/', `/executions/${FAILED_ID}`, '/allocations/latest']) {
        const res = await get(`${web.url}${p}`, { method, body: method === 'DELETE' ? undefined : '{}' });
        expect([method, p, res.status]).toEqual([method, p, 405]);
        expect(res.headers.get('allow')).toBe('GET, HEAD');
      }
    }
    expect((await db().collection('workflowExecutions').get()).size).toBe(3);
    expect((await db().collection('allocations').get()).size).toBe(2);
    const head = await fetch(`${web.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  test('pages forbid scripts and remote loads (CSP) and reference no external asset', async () => {
    const res = await get(`${web.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('script-src');
    expect(res.body).not.toMatch(/(src|href)=["']?https?:/i);
  });
});

describe('executions holding a pipeline summary (result, or error payload from failIfAnyStepFailed)', () => {
  beforeEach(async () => {
    await seedFirestore(db(), [...executionRecords(), ...pipelineSummaryRecords()]);
  });

  test("GET / names the summary's failed steps, not failIfAnyStepFailed; other records keep the interpreter's", async () => {
    const trs = rows((await get(`${web.url}/`)).body, 'executions');
    const byId = (id: string) => trs.find((tr) => tr.includes(`/executions/${id}"`))!;
    expect(trs.map((tr) => /href="\/executions\/([^"]+)"/.exec(tr)?.[1]).slice(0, 2)).toEqual([SUMMARY_OK_ID, SUMMARY_FAILED_ID]);
    expect(byId(SUMMARY_FAILED_ID)).toContain('<td class="err">fetchGas, optimizeAllocations</td>');
    expect(byId(SUMMARY_FAILED_ID)).not.toContain('failIfAnyStepFailed');
    expect(byId(SUMMARY_OK_ID)).toContain('<td class="err"></td>');
    expect(byId(FAILED_ID)).toContain('<td class="err">optimizeAllocations</td>');
  });

  test('a FAILED execution: failing steps from the summary, a pipeline steps table, the raise point kept', async () => {
    const { status, body } = await get(`${web.url}/executions/${SUMMARY_FAILED_ID}`);
    expect(status).toBe(200);
    const failing = /<dd class="err" id="pipeline-failed-steps">([\s\S]*?)<\/dd>/.exec(body)?.[1] ?? '';
    expect(failing).toBe('<a href="#pipeline-step-fetchGas">fetchGas</a>, <a href="#pipeline-step-optimizeAllocations">optimizeAllocations</a>');
    expect(body).toMatch(/<dt>Raised at<\/dt><dd class="err"><a href="#step-\d+">failIfAnyStepFailed<\/a>/);
    const trs = rows(body, 'pipeline-steps');
    expect(trs.map((tr) => /id="pipeline-step-([^"]+)"/.exec(tr)?.[1])).toEqual(['startRun', 'fetchGas', 'forecastGas', 'optimizeAllocations', 'postSlackReport']);
    const gas = trs[1];
    expect(gas).toContain('class="pipeline-step failing"');
    expect(gas).toContain('class="badge s-failed"');
    expect(gas).toContain('31.0 s');
    expect(gas).toContain('<strong class="warn">5</strong>'); // the summary's retries, not the interpreter's
    expect(gas).toContain('HTTP 503: gas feed down &lt;script&gt;console.error(&quot;xss-executed&quot;)&lt;/script&gt;');
    expect(trs[2]).toContain('class="badge s-skipped"');
    expect(trs[2]).not.toContain('failing');
    expect(trs[3]).toContain('solver crashed');
    expect(trs[4]).toMatch(/<strong class="warn">1<\/strong><\/td>\n<td class="num">1<\/td>/); // retries, warnings
    expect(body).not.toContain('<script');
    expect(body).not.toContain('<img src=x');
    // The interpreter's records are still there, failIfAnyStepFailed marked.
    expect(rows(body, 'steps').filter((tr) => tr.includes('class="step failing"'))[0]).toContain('failIfAnyStepFailed');
  });

  test('a SUCCEEDED execution: the pipeline steps from its result, with retries and warning counts', async () => {
    const { body } = await get(`${web.url}/executions/${SUMMARY_OK_ID}`);
    expect(body).not.toContain('id="pipeline-failed-steps"');
    expect(body).toContain('(run run-2026-11-25 · 2026-11-25 · degraded)');
    const trs = rows(body, 'pipeline-steps');
    expect(trs).toHaveLength(2);
    expect(trs[1]).toContain('class="badge s-degraded"');
    expect(trs[1]).toContain('2.98 s');
    expect(trs[1]).toMatch(/<strong class="warn">2<\/strong><\/td>\n<td class="num">2<\/td>/);
    expect(body).not.toContain('class="pipeline-step failing"');
  });

  test('an execution without a summary (startRun raised) has no pipeline steps table', async () => {
    const { body } = await get(`${web.url}/executions/${ACTIVE_ID}`);
    expect(body).not.toContain('id="pipeline-steps"');
  });
});

describe('fallback to .runs/ JSON files', () => {
  let runs: string;
  beforeAll(() => {
    runs = fs.mkdtempSync(path.join(os.tmpdir(), 'console-files-'));
    writeRecordFiles(runs);
  });
  afterAll(() => fs.rmSync(runs, { recursive: true, force: true }));

  test('Firestore has no executions: the files are listed and served', async () => {
    const local = await startConsole({ firestore: db(), runsDir: runs });
    try {
      const list = await get(`${local.url}/`);
      expect(rows(list.body, 'executions').map((tr) => /href="\/executions\/([^"]+)"/.exec(tr)?.[1])).toEqual([SUCCEEDED_ID, FAILED_ID, ACTIVE_ID]);
      expect(list.body).toContain(`JSON files in ${runs}`);
      expect(list.body).toContain('no executions in Firestore');
      expect(list.body).toContain('No allocation stored yet');
      const one = await get(`${local.url}/executions/${FAILED_ID}`);
      expect(one.status).toBe(200);
      expect(rows(one.body, 'steps').filter((tr) => tr.includes('class="step failing"'))).toHaveLength(1);
    } finally {
      await local.stop();
    }
  });

  test('Firestore not answering: the page still answers from the files and says why', async () => {
    // A client whose every call hangs, as with a stopped emulator (gRPC keeps retrying): the
    // console gives up after its timeout instead of hanging the page.
    const hanging = new Promise<never>(() => undefined);
    const query: Record<string, unknown> = {};
    for (const m of ['orderBy', 'select', 'limit', 'doc']) query[m] = () => query;
    query.get = () => hanging;
    const stalled = { collection: () => query } as unknown as Firestore;
    const local = await startConsole({ firestore: stalled, runsDir: runs, firestoreTimeoutMs: 200 });
    try {
      const list = await get(`${local.url}/`);
      expect(list.status).toBe(200);
      expect(rows(list.body, 'executions')).toHaveLength(3);
      expect(list.body).toContain('Firestore unavailable (Firestore: no answer within 200 ms)');
      expect(list.body).toContain('Could not read the latest allocation');
      const one = await get(`${local.url}/executions/${SUCCEEDED_ID}`);
      expect(one.status).toBe(200);
      expect(one.body).toContain('Firestore unavailable');
    } finally {
      await local.stop();
    }
  });

  test('no Firestore and no files: an empty list with a hint, not an error', async () => {
    const local = await startConsole({ runsDir: emptyRuns });
    try {
      const list = await get(`${local.url}/`);
      expect(list.status).toBe(200);
      expect(list.body).toContain('id="no-executions"');
      expect(list.body).toContain('npm run local-workflow');
    } finally {
      await local.stop();
    }
  });
});

test('refuses to bind to a non-loopback address (the console has no authentication)', async () => {
  await expect(startConsole({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
});
