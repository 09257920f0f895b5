/**
 * `npm run bench -- workflows`: interpreter throughput (a 100,000-step loop: the service's
 * per-execution maximum; target < 2 s), validation time of a 1,000-step file, and the overhead
 * per HTTP call to a local function (a local http server answering immediately).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeWorkflow, loadWorkflowSource } from '../../emulator/workflows';
import type { BenchSection } from './report';

function loopWorkflow(iterations: number): string {
  // Each iteration runs one assign step; the for step and the final return add 2 more.
  return `
main:
  steps:
    - init:
        assign:
          - total: 0
    - loop:
        for:
          value: i
          range: [1, ${iterations}]
          steps:
            - add:
                assign:
                  - total: \${total + i}
    - done:
        return: \${total}
`;
}

function bigWorkflow(steps: number): string {
  const lines = ['main:', '  steps:'];
  for (let i = 0; i < steps; i++) {
    if (i % 3 === 0) lines.push(`    - s${i}:`, '        assign:', `          - v${i % 10}: \${${i} + len("abc") * 2}`);
    else if (i % 3 === 1) lines.push(`    - s${i}:`, '        switch:', `          - condition: \${v${(i - 1) % 10} > 3}`, `            next: s${i + 1}`);
    else lines.push(`    - s${i}:`, '        call: sys.log', '        args:', `          text: \${"step " + string(${i})}`);
  }
  lines.push('    - last:', '        return: 1');
  return lines.join('\n');
}

async function timeIt<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export async function run(): Promise<BenchSection[]> {
  const rows: BenchSection['rows'] = [];
  const iterations = 99_997; // + init, loop and done = 100,000 steps
  const program = loadWorkflowSource(loopWorkflow(iterations), 'bench-loop.yaml');
  await executeWorkflow(program, { sleep: async () => undefined }); // warm-up
  const loop = await timeIt(() => executeWorkflow(program, { sleep: async () => undefined, logSink: () => undefined }));
  if (loop.value.state !== 'SUCCEEDED') throw new Error(`loop failed: ${loop.value.error?.payload}`);
  rows.push({ measure: '100,000-step loop (for + assign)', value: `${(loop.ms / 1000).toFixed(3)} s`, rate: `${Math.round((loop.value.stepsExecuted / loop.ms) * 1000).toLocaleString('en-US')} steps/s` });

  const src = bigWorkflow(1000);
  loadWorkflowSource(src, 'warm.yaml');
  const reps = 5;
  const val = await timeIt(() => {
    for (let i = 0; i < reps; i++) loadWorkflowSource(src, 'bench-1000.yaml');
  });
  rows.push({ measure: 'load + validate a 1,000-step file', value: `${(val.ms / reps).toFixed(1)} ms`, rate: `${(src.length / 1024).toFixed(0)} KB source` });

  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fn`;
  const calls = 500;
  const httpWf = loadWorkflowSource(
    `
main:
  steps:
    - loop:
        for:
          value: i
          range: [1, ${calls}]
          steps:
            - call_fn:
                call: http.post
                args:
                  url: \${sys.get_env("FN_URL")}
                  body:
                    i: \${i}
                result: r
`,
    'bench-http.yaml',
  );
  const rawCalls = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await new Promise<void>((resolve, reject) => {
        const body = JSON.stringify({ i });
        const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end(body);
      });
    }
  };
  await rawCalls(50); // warm-up (keep-alive sockets, JIT)
  await executeWorkflow(httpWf, { env: { FN_URL: url } });
  const baseline = await timeIt(() => rawCalls(calls));
  const viaWf = await timeIt(() => executeWorkflow(httpWf, { env: { FN_URL: url } }));
  server.close();
  if (viaWf.value.state !== 'SUCCEEDED') throw new Error(`http bench failed: ${viaWf.value.error?.payload}`);
  rows.push({ measure: `HTTP call to a local function (${calls} calls)`, value: `${(viaWf.ms / calls).toFixed(3)} ms/call`, rate: `raw node http: ${(baseline.ms / calls).toFixed(3)} ms/call → overhead ${((viaWf.ms - baseline.ms) / calls).toFixed(3)} ms/call` });

  return [
    {
      id: 'workflows-interpreter',
      title: 'Local Workflows interpreter',
      command: 'npm run bench -- workflows',
      rows,
      notes: ['Target: a 100,000-step workflow (the per-execution maximum) completes in under 2 s.', 'Step records are capped at 10,000 per execution; counting covers every step.'],
    },
  ];
}
