/** Runs the compiled CLI (`npm run build` first) on small synthetic /chart files. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dist, requireBuilt } from '../e2e/cli';

function chart(n: number, apy: (i: number) => number | null, tvl: (i: number) => number | null, start = Date.UTC(2025, 0, 1)) {
  return {
    status: 'success',
    data: Array.from({ length: n }, (_, i) => ({ timestamp: new Date(start + i * 86_400_000 + 3_600_000).toISOString(), tvlUsd: tvl(i), apy: apy(i), apyBase: null })),
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yieldopt-forecast-'));
function write(name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [dist('scripts', 'yieldopt.js'), 'forecast', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => requireBuilt(path.join('scripts', 'yieldopt.js'), path.join('scripts', 'yieldopt', 'forecast.js')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('yieldopt forecast', () => {
  it('forecasts a map of /chart responses as JSON, H days after each last date', () => {
    const file = write('many.json', {
      poolA: chart(90, (i) => 4 + 0.01 * i, (i) => 1e6 + 1000 * i),
      poolB: chart(5, () => 2.5, () => 5e5, Date.UTC(2025, 5, 1)),
    });
    const r = cli('--input', file, '--horizon', '3', '--format', 'json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['poolA', 'poolB']);
    expect(out.poolA.apy).toHaveLength(3);
    expect(out.poolA.tvl).toHaveLength(3);
    expect(out.poolA.lastDate).toBe('2025-03-31');
    expect(out.poolA.backtest.n).toBeGreaterThan(0);
    expect(typeof out.poolA.method).toBe('string');
    expect(out.poolB).toMatchObject({ method: 'naive', apy: [2.5, 2.5, 2.5], tvl: [5e5, 5e5, 5e5], lastDate: '2025-06-05', backtest: { mase: null, n: 0 } });
    expect(out.poolB.reason).toMatch(/short history/);
  });

  it('reports a single /chart response under the key "series" and prints a table by default', () => {
    const file = write('one.json', chart(40, (i) => 3 + (i % 2) * 0.1, () => 2e6));
    const json = JSON.parse(cli('--input', file, '--horizon', '1', '--format', 'json').stdout);
    expect(Object.keys(json)).toEqual(['series']);
    const table = cli('--input', file, '--horizon', '2');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^key\s+last date\s+APY method/);
    expect(table.stdout).toContain('series');
  });

  it('bad input: exit 2 with a message naming the key, row and field', () => {
    const bad = write('bad.json', { good: chart(3, () => 1, () => 1), broken: { status: 'success', data: [{ timestamp: '2025-01-01', apy: 'x', tvlUsd: 1 }] } });
    const r = cli('--input', bad, '--horizon', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"broken".data[0].apy');
    const noTs = write('nots.json', { p: { data: [{ apy: 1, tvlUsd: 1 }] } });
    expect(cli('--input', noTs).stderr).toContain('"p".data[0].timestamp');
    expect(cli('--input', write('garbage.json', '{not json')).code).toBe(2);
    expect(cli('--input', path.join(dir, 'missing.json')).code).toBe(2);
    const h = cli('--input', bad, '--horizon', '0');
    expect(h.code).toBe(2);
    expect(h.stderr).toContain('--horizon');
  });
});
