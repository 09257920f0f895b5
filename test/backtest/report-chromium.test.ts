/**
 * report.html in a real browser: Debian's headless Chromium (installed by .ci/run) loads the page
 * from file://, and the test checks that (1) nothing is written to the console (errors, uncaught
 * exceptions), (2) the executed DOM holds the three charts with non-empty paths, (3) the screenshot
 * actually shows them (pixels in the series colours). Chromium is driven through its CLI
 * (--dump-dom, --screenshot, --enable-logging=stderr): no DevTools client and no dependency needed.
 * The screenshot is kept in test-output/backtest/.
 *
 * A missing /usr/bin/chromium FAILS the test with a clear message: skipping would let CI pass
 * without ever rendering the report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createSimulatedMarket } from '../../emulator/market/sim';
import { DEFAULT_PARAMS } from '../../functions/src/lib/params';
import { renderReport, runBacktest, SimulatedMarketSource } from '../../functions/src/steps/backtest';
import { consoleLines, startChromium, type Chromium } from '../support/chromium';
import { countColour, decodePng } from './png';

const OUT = path.resolve(__dirname, '..', '..', 'test-output', 'backtest');
let browser: Chromium;
const chromium = (args: string[]) => browser.run(args);

let reportFile: string;

beforeAll(async () => {
  browser = startChromium(); // throws a clear message when Chromium is missing
  fs.mkdirSync(OUT, { recursive: true });
  const market = createSimulatedMarket({ seed: 5, pools: 3000, endDate: '2025-03-08', days: 300 });
  const result = await runBacktest(new SimulatedMarketSource(market), {
    from: '2025-03-01',
    to: '2025-03-08',
    aumUsd: 10_000_000,
    startToken: 'USDC',
    params: DEFAULT_PARAMS,
    riskFreeRate: 0.04,
    forecastReselectDays: 7,
  });
  reportFile = path.join(OUT, 'report.html');
  fs.writeFileSync(reportFile, renderReport(result));
}, 240_000);

afterAll(() => {
  browser?.dispose();
});

describe('report.html in headless Chromium', () => {
  test('the console capture works (a page that logs and throws is caught)', () => {
    const probe = path.join(browser.profile, 'probe.html');
    fs.writeFileSync(probe, '<!DOCTYPE html><html><body><script>console.error("probe-console-error"); null.boom();</script></body></html>');
    const r = chromium(['--dump-dom', `file://${probe}`]);
    const lines = consoleLines(r.stderr);
    expect(lines.some((l) => l.includes('probe-console-error'))).toBe(true);
    expect(lines.some((l) => /Uncaught TypeError/.test(l))).toBe(true);
  });

  test('loads without console errors and the executed DOM holds the three charts', () => {
    const r = chromium(['--virtual-time-budget=3000', '--dump-dom', `file://${reportFile}`]);
    expect(r.code).toBe(0);
    expect(consoleLines(r.stderr)).toEqual([]);
    const dom = r.stdout;
    for (const id of ['chart-nav', 'chart-allocation', 'chart-costs']) {
      const svg = new RegExp(`<svg[^>]*id="${id}"[\\s\\S]*?</svg>`).exec(dom);
      expect(svg).not.toBeNull();
      const paths = [...svg![0].matchAll(/<path[^>]*class="series[^"]*"[^>]*\sd="([^"]*)"/g)].map((m) => m[1]);
      expect(paths.length).toBeGreaterThan(0);
      expect(paths.some((d) => /^M[\d.]+,[\d.]+[LVh]/.test(d))).toBe(true);
    }
    expect(dom).toContain('id="metrics"');
    // Self-contained: no external script, stylesheet, image or font.
    expect(dom).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
  });

  test('the screenshot shows the charts (pixels in the series colours) and is saved', () => {
    const shot = path.join(OUT, 'report.png');
    fs.rmSync(shot, { force: true });
    const r = chromium(['--window-size=1100,2000', `--screenshot=${shot}`, `file://${reportFile}`]);
    expect(r.code).toBe(0);
    expect(consoleLines(r.stderr)).toEqual([]);
    const img = decodePng(fs.readFileSync(shot));
    expect([img.width, img.height]).toEqual([1100, 2000]);
    // Strategy line (blue), benchmark lines (green, gold, purple), cost bars (conversion fees).
    for (const colour of ['#1f6feb', '#2da44e', '#d4a72c', '#8250df', '#0550ae']) expect(countColour(img, colour)).toBeGreaterThan(50);
  });
});
