/** `yieldopt backtest` end to end: the compiled CLI (npm run build) over a small simulated market. */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'scripts', 'yieldopt.js');
let dir: string;

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'backtest', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, METADATA_SERVER_DETECTION: 'none' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'pipe' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yieldopt-backtest-'));
}, 240_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('yieldopt backtest', () => {
  test('writes result.json and a self-contained report.html, with progress on stderr', () => {
    const out = path.join(dir, 'run');
    fs.writeFileSync(path.join(dir, 'params.json'), JSON.stringify({ minPools: 3 }));
    const r = cli('--from', '2025-03-01', '--to', '2025-03-03', '--pools', '2000', '--seed', '3', '--aum', '5000000', '--params', 'params.json', '--out', out);
    expect(r.stderr).toMatch(/day 3\/3 2025-03-03 +elapsed \d+:\d\d +ETA 0:00/);
    expect(r.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.days.map((d: { date: string }) => d.date)).toEqual(['2025-03-01', '2025-03-02', '2025-03-03']);
    expect(result.config.aumUsd).toBe(5_000_000);
    expect(result.config.params.minPools).toBe(3);
    expect(Object.keys(result.summary.series).sort()).toEqual(['equalWeight', 'holdDay1', 'largestPool', 'strategy']);
    for (const d of result.days) expect(d).toEqual(expect.objectContaining({ nav: expect.any(Object), weights: expect.any(Object), costs: expect.any(Object), feasible: expect.any(Boolean) }));
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    for (const id of ['chart-nav', 'chart-allocation', 'chart-costs', 'metrics']) expect(html).toContain(`id="${id}"`);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(r.stdout).toMatch(/strategy +net APY/);
  }, 120_000);

  test('bad usage exits 2 with a message', () => {
    expect(cli('--from', '2025-02-30').code).toBe(2);
    const r = cli('--from', '2025-03-05', '--to', '2025-03-01');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/after --to/);
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ maxAllocShare: 7 }));
    const p = cli('--from', '2025-03-01', '--to', '2025-03-02', '--params', 'bad.json');
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/maxAllocShare/);
  });
});
