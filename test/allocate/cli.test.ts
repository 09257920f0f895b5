/** `yieldopt optimize` end to end: the compiled CLI (npm run build) on JSON files. */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'scripts', 'yieldopt.js');
let dir: string;

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'optimize', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, METADATA_SERVER_DETECTION: 'none' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, body: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
}

beforeAll(() => {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'pipe' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yieldopt-optimize-'));
}, 240_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const milp = {
  pools: [
    { id: '747c1d2a-c668-4682-b9f9-296708a3dd90', name: 'aave-v3 USDC', tokens: ['USDC'], forecastApy: 10, forecastTvlUsd: 1e9, group: 1, passesFinalFilter: true },
    { id: 'b', tokens: ['USDC'], forecastApy: 5, forecastTvlUsd: 1e9, group: 2, passesFinalFilter: true },
  ],
  holdings: [],
  wallet: { USDC: 100000 },
  prices: { USDC: 1 },
  ethPriceUsd: 3000,
  gasPriceGwei: 10,
  params: { maxAllocShare: 0.6, minPools: 2, maxPools: 2, horizonDays: 365, groupCaps: { '1': 1, '2': 1, '3': 1 } },
};

describe('yieldopt optimize', () => {
  test('mean-variance file → weights, expectedReturn, variance, status', () => {
    const file = write('mv.json', { objective: 'mean-variance', assets: ['x', 'y'], expectedReturns: [0.0004, 0.0001], covariance: [[0.0004, 0.00018], [0.00018, 0.0009]], riskAversion: 5, weightCap: 1 });
    const r = cli('--input', file, '--format', 'json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('optimal');
    expect(Object.keys(out.weights)).toEqual(['x', 'y']);
    expect(out.weights.x + out.weights.y).toBeCloseTo(1, 9);
    expect(out.expectedReturn).toBeCloseTo(0.0004 * out.weights.x + 0.0001 * out.weights.y, 12);
    expect(out.variance).toBeGreaterThan(0);
  });

  test('MILP file → allocation JSON; pool uuids survive untouched', () => {
    const r = cli('--input', write('milp.json', milp), '--format', 'json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('optimal');
    const byId = Object.fromEntries(out.finalAllocation.pools.map((p: { poolId: string; amountUsd: number }) => [p.poolId, p.amountUsd]));
    expect(byId['747c1d2a-c668-4682-b9f9-296708a3dd90']).toBeCloseTo(60000, 3);
    expect(byId.b).toBeCloseTo(40000, 3);
    expect(out.transactions[0]).toMatchObject({ seq: 1, type: 'DEPOSIT', token: 'USDC' });
  });

  test('readable table without --format json', () => {
    const r = cli('--input', write('milp2.json', milp));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status: optimal/);
    expect(r.stdout).toMatch(/transactions\n#\s+type\s+pool/);
    expect(r.stdout).toMatch(/aave-v3 USDC/);
  });

  test('infeasible → exit 1 with the reason in words', () => {
    const r = cli('--input', write('inf.json', { ...milp, params: { minPools: 5, maxPools: 6 } }), '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('infeasible');
    expect(out.reasons[0]).toMatch(/only 2 eligible pools, minPools is 5/);
  });

  test('invalid input names the fields', () => {
    const bad = { ...milp, pools: [{ ...milp.pools[0], forecastApy: 'high', group: 7 }], params: { minPools: 0 } };
    const r = cli('--input', write('bad.json', bad));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pools\[0\]\.forecastApy/);
    expect(r.stderr).toMatch(/pools\[0\]\.group/);
    const r2 = cli('--input', write('badp.json', { ...milp, params: { minPools: 0 } }));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/params\.minPools/);
    const r3 = cli('--input', write('badmv.json', { objective: 'mean-variance', assets: ['a', 'b'], expectedReturns: [1], covariance: [[1, 0], [0, 1]] }));
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/expectedReturns: expected 2 entries/);
  });

  test('usage errors', () => {
    expect(cli().code).toBe(2);
    expect(cli('--input', path.join(dir, 'missing.json')).stderr).toMatch(/cannot read/);
    expect(cli('--help').stdout).toMatch(/usage: yieldopt optimize/);
  });
});
