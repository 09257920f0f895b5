/**
 * The run-history console in a real browser: Debian's headless Chromium (installed by .ci/run)
 * loads the pages from the console server (seeded through the embedded Firestore emulator) and
 * the test checks that (1) the executed DOM holds the executions table rows, the latest allocation
 * and the failing step, (2) nothing reaches the browser console (no error, no CSP violation, and
 * the `<script>` stored in a step error never runs), (3) the screenshot shows the state colours.
 * Screenshots are kept in test-output/console/ (docs/console.png is copied from there).
 *
 * Chromium runs asynchronously (runAsync): the server lives in this process and must keep serving.
 * A missing /usr/bin/chromium FAILS the test with a clear message (see test/support/chromium.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startConsole, type RunningConsole } from '../../emulator/console';
import { countColour, decodePng } from '../backtest/png';
import { consoleLines, startChromium, type Chromium } from '../support/chromium';
import { useFirestoreEmulator } from '../support/firestore';
import { ACTIVE_ID, FAILED_ID, LATEST_RUN_ID, SUCCEEDED_ID, seedFirestore } from './fixtures';

const OUT = path.resolve(__dirname, '..', '..', 'test-output', 'console');
const db = useFirestoreEmulator('console-chromium');
let browser: Chromium;
let web: RunningConsole;

beforeAll(async () => {
  browser = startChromium(); // throws a clear message when Chromium is missing
  fs.mkdirSync(OUT, { recursive: true });
  web = await startConsole({ firestore: () => db(), firestoreLabel: 'embedded Firestore emulator (test)' });
});

afterAll(async () => {
  await web?.stop();
  browser?.dispose();
});

beforeEach(async () => {
  await seedFirestore(db());
});

describe('run-history console in headless Chromium', () => {
  test('the executions page renders its table rows and the latest allocation, without console output', async () => {
    const r = await browser.runAsync(['--dump-dom', `${web.url}/`]);
    expect(r.code).toBe(0);
    expect(consoleLines(r.stderr)).toEqual([]);
    const dom = r.stdout;
    const ids = [...dom.matchAll(/<tr class="execution"[\s\S]*?href="\/executions\/([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([SUCCEEDED_ID, FAILED_ID, ACTIVE_ID]);
    const panel = /<section class="panel" id="latest-allocation">[\s\S]*?<\/section>/.exec(dom)?.[0] ?? '';
    expect(panel).toContain(LATEST_RUN_ID);
    expect((panel.match(/<tr class="pool">/g) ?? []).length).toBe(3);
    expect((panel.match(/<tr class="transaction">/g) ?? []).length).toBe(3);
  });

  test('the execution page highlights the failing step and the stored <script> stays text', async () => {
    const r = await browser.runAsync(['--dump-dom', `${web.url}/executions/${FAILED_ID}`]);
    expect(r.code).toBe(0);
    expect(consoleLines(r.stderr)).toEqual([]);
    expect(r.stderr).not.toContain('xss-executed');
    const dom = r.stdout;
    expect(dom).not.toMatch(/<script|<img/i);
    expect(dom).toContain('&lt;script&gt;console.error("xss-executed")&lt;/script&gt;');
    const failing = [...dom.matchAll(/<tr class="step failing"[\s\S]*?<\/tr>/g)].map((m) => m[0]);
    expect(failing).toHaveLength(1);
    expect(failing[0]).toContain('optimizeAllocations');
  });

  test('screenshots show the state colours and are saved', async () => {
    const shots: Array<[string, string]> = [
      ['console.png', `${web.url}/`],
      ['console-execution.png', `${web.url}/executions/${FAILED_ID}`],
    ];
    for (const [name, url] of shots) {
      const file = path.join(OUT, name);
      fs.rmSync(file, { force: true });
      const r = await browser.runAsync(['--window-size=1280,1100', `--screenshot=${file}`, url]);
      expect(r.code).toBe(0);
      expect(consoleLines(r.stderr)).toEqual([]);
      const img = decodePng(fs.readFileSync(file));
      expect([img.width, img.height]).toEqual([1280, 1100]);
      // Badges: SUCCEEDED green and FAILED red are drawn (a blank or unstyled page has neither).
      expect(countColour(img, '#1a7f37')).toBeGreaterThan(50);
      expect(countColour(img, '#cf222e')).toBeGreaterThan(50);
    }
  });
});
