/** The Slack report's pure core: content (DOMAIN.md step 5), Block Kit limits, the failure variant. */
import { summarizeRun, errorMessage } from '../../functions/src/steps/report/run-summary';
import { blockChars, SLACK_LIMITS, type Block, type SlackMessage } from '../../functions/src/steps/report/slack-format';
import { buildReport } from '../../functions/src/steps/report/slack-message';
import { LEDGER, poolInfos, poolUuid, solvedAllocation } from './fixtures';

const RUN_DATE = '2025-03-04';
const ok = summarizeRun({ steps: { startRun: { status: 'ok' }, fetchPools: { status: 'ok', warnings: [] }, fetchPrices: { status: 'degraded', warnings: ['USDL: 1 of 1 day(s) missing from CMC'] } } });

const textOf = (b: Block): string =>
  b.type === 'header' ? b.text.text : b.type === 'section' ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)].join('\n') : b.type === 'context' ? b.elements.map((e) => e.text).join('\n') : '';
const allText = (ms: SlackMessage[]) => ms.flatMap((m) => m.blocks.map(textOf)).join('\n');

function expectWithinLimits(messages: SlackMessage[]): void {
  for (const m of messages) {
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(m.text.length).toBeLessThanOrEqual(4000);
    expect(m.blocks.reduce((s, b) => s + blockChars(b), 0)).toBeLessThanOrEqual(SLACK_LIMITS.maxMessageChars);
    for (const b of m.blocks) {
      if (b.type === 'section') {
        expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
        expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
        for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    }
  }
}

describe('buildReport: content', () => {
  const messages = buildReport({ runDate: RUN_DATE, runId: 'run-abc', run: ok, allocation: solvedAllocation('run-abc', RUN_DATE, 6), ledger: LEDGER, pools: poolInfos(6) });
  const text = allText(messages);

  it('is one message with a header naming the date and a fallback text', () => {
    expect(messages).toHaveLength(1);
    expect(messages[0].blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: `DefiYieldOpt · ${RUN_DATE}` } });
    // 6 pools × 100k at 4.0..4.5 % → annual 25,500; wallet 50k → AUM 650k.
    expect(messages[0].text).toBe(`DefiYieldOpt daily report ${RUN_DATE}: AUM $650,000, 6 pools, APY 4.25%, 7 transactions, costs $25.00`);
    expectWithinLimits(messages);
  });

  it('portfolio summary, yield metrics (net of costs), costs, ledger', () => {
    for (const s of ['*AUM*\n$650,000', '*Allocated*\n$600,000 in 6 pools', '*Unallocated*\n$50,000', '*Transactions*\n7 (+1 hold)']) expect(text).toContain(s);
    // Average APY 25,500/600,000 = 4.25 %; daily 25,500/365 = 69.86; gas 1.25 withdraw + 1.5 convert
    // + 5 × 1.25 deposits = 9.00, conversion 16 → costs 25.00; net daily 69.86 − 25 = 44.86.
    expect(text).toContain('*Average APY*\n4.25%');
    expect(text).toContain('*Daily yield*\n$69.86 (net of costs $44.86)');
    expect(text).toContain('*Annual yield*\n$25,500 (net of costs $25,475)');
    expect(text).toMatch(/\*Net APY \(after costs\)\*\n\d+\.\d\d%/);
    expect(text).toContain('*Gas*\n$9.00');
    expect(text).toContain('*Conversion*\n$16.00');
    expect(text).toContain('*Total costs*\n$25.00');
    expect(text).toContain('*NAV (start of day)*\n$1,047,200');
    expect(text).toContain('*Realized yield 2025-03-03*\n-$2,800.00 (-60.12% APY)');
    expect(text).toContain('*Realized yield YTD*\n$12,345.67 (4.87% APY, 62 d)');
  });

  it('pool table rows: amount, % of AUM, APY, TVL, DefiLlama link; names escaped', () => {
    expect(text).toContain(`\`  1      $100,000  15.4%   4.00%   $25.0M\` <https://defillama.com/yields/pool/${poolUuid(0)}|aave-v3 USDC>`);
    expect(text).toContain(`<https://defillama.com/yields/pool/${poolUuid(2)}|morpho-v1 USDC (Steakhouse &lt;USDC&gt; &amp; co)>`);
    for (let i = 0; i < 6; i++) expect(text).toContain(`https://defillama.com/yields/pool/${poolUuid(i)}|`);
  });

  it('token allocation and the numbered transaction sequence', () => {
    expect(text).toMatch(/\*Token allocation\*\n```\ntoken\s+in pools\s+in wallet\s+% AUM\nUSDC\s+\$300,000\s+\$50,000\s+53\.8%\nUSDT\s+\$300,000\s+\$0\s+46\.2%\n```/);
    expect(text).toContain('  1. HOLD         $100,000  USDC in aave-v3 USDC');
    expect(text).toContain('  2. WITHDRAW      $25,000  USDT from compound-v3 USDT  cost $1.25');
    expect(text).toContain('  3. CONVERT       $40,000  USDC → USDT  cost $17.50');
    expect(text).toContain('  8. DEPOSIT      $100,000  USDT into morpho-v1 USDT  cost $1.25');
  });

  it('run id and status; step warnings', () => {
    expect(text).toContain('Run `run-abc` · status *degraded* · allocation optimal (yield)');
    expect(text).toContain('• fetchPrices: USDL: 1 of 1 day(s) missing from CMC');
    expect(textOf(messages[0].blocks[messages[0].blocks.length - 1])).toBe(`run run-abc · degraded · ${RUN_DATE}`);
  });
});

describe('buildReport: limits', () => {
  it('a 120-pool allocation: every section ≤ 3000 chars, ≤ 50 blocks per message, split into thread parts that say so', () => {
    const messages = buildReport({ runDate: RUN_DATE, runId: 'run-big', run: ok, allocation: solvedAllocation('run-big', RUN_DATE, 120), ledger: LEDGER, pools: poolInfos(120) });
    expectWithinLimits(messages);
    expect(messages.length).toBeGreaterThan(1);
    const first = messages[0].blocks;
    expect(textOf(first[first.length - 1])).toBe(`:thread: The report is too long for one Slack message: it continues in this thread (${messages.length - 1} more message${messages.length > 2 ? 's' : ''}).`);
    messages.slice(1).forEach((m, i) => {
      expect(textOf(m.blocks[0])).toBe(`Part ${i + 2}/${messages.length} of DefiYieldOpt daily report ${RUN_DATE}`);
      expect(m.text).toBe(`DefiYieldOpt daily report ${RUN_DATE} (part ${i + 2}/${messages.length})`);
    });
    // Nothing lost in the split: every pool link and every transaction number is there once.
    const text = allText(messages);
    for (let i = 0; i < 120; i++) expect(text.split(`/yields/pool/${poolUuid(i)}|`)).toHaveLength(2);
    for (let seq = 1; seq <= 122; seq++) expect(text).toMatch(new RegExp(`^\\s*${seq}\\. (HOLD|WITHDRAW|CONVERT|DEPOSIT) `, 'm'));
    expect(text).toContain('*Pool allocations (120) (continued)*');
  });

  it('smaller limits force smaller pieces (the splitter follows the limits it is given)', () => {
    const limits = { ...SLACK_LIMITS, maxBlocks: 8, maxSectionChars: 500, maxMessageChars: 2_000 };
    const messages = buildReport({ runDate: RUN_DATE, runId: 'r', run: ok, allocation: solvedAllocation('r', RUN_DATE, 30), pools: poolInfos(30) }, limits);
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(8);
      for (const b of m.blocks) if (b.type === 'section') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(500);
    }
    expect(messages.length).toBeGreaterThan(3);
  });

  it('an infeasible allocation says why instead of a table', () => {
    const rec = { runId: 'r', runDate: RUN_DATE, status: 'infeasible' as const, objective: 'yield' as const, result: { status: 'infeasible' as const, objective: 'yield' as const, reasons: ['only 3 eligible pools, minPools is 5'], aumUsd: 1e6, warnings: [] } };
    const messages = buildReport({ runDate: RUN_DATE, runId: 'r', run: ok, allocation: rec });
    const text = allText(messages);
    expect(text).toContain('*:warning: No feasible allocation today*\n• only 3 eligible pools, minPools is 5');
    expect(messages[0].text).toContain('no feasible allocation (only 3 eligible pools, minPools is 5)');
  });
});

describe('failure message', () => {
  it('names the failed step and its error (from a Workflows HTTP error), lists the steps that finished', () => {
    const run = summarizeRun({
      status: 'failed',
      steps: { startRun: { status: 'ok' }, fetchPrices: { status: 'ok' } },
      failedStep: 'fetchPools',
      error: { message: 'HTTP server responded with error code 503', code: 503, body: { status: 'error', error: { code: 503, message: 'DefiLlama /pools: HTTP 503 after 3 attempts' } } },
    });
    expect(run.status).toBe('failed');
    const messages = buildReport({ runDate: RUN_DATE, runId: 'run-x', run, allocation: solvedAllocation('run-x', RUN_DATE, 3) });
    expectWithinLimits(messages);
    const text = allText(messages);
    expect(messages[0].blocks[0]).toMatchObject({ type: 'header', text: { text: `DefiYieldOpt · ${RUN_DATE} · run FAILED` } });
    expect(text).toContain(':x: Run `run-x` failed at step *fetchPools*. No allocation is recommended today.');
    expect(text).toContain('*fetchPools*\n```\nHTTP server responded with error code 503: DefiLlama /pools: HTTP 503 after 3 attempts\n```');
    expect(text).toContain('startRun: ok');
    expect(text).not.toContain('Pool allocations');
    expect(messages[0].text).toBe(`DefiYieldOpt daily report ${RUN_DATE}: run FAILED at fetchPools: HTTP server responded with error code 503: DefiLlama /pools: HTTP 503 after 3 attempts`);
  });

  it('several failed branches are all named; secrets in errors are redacted', () => {
    process.env.SLACK_BOT_TOKEN = 'xoxb-secret-for-redaction';
    try {
      const run = summarizeRun({ failures: [{ step: 'fetchGas', error: 'timeout' }, { step: 'fetchAccount', error: 'Authorization: Bearer abc.def and xoxb-secret-for-redaction' }] });
      const text = allText(buildReport({ runDate: RUN_DATE, runId: 'r', run }));
      expect(text).toContain('failed at steps *fetchGas*, *fetchAccount*');
      expect(text).not.toContain('xoxb-secret-for-redaction');
      expect(text).not.toContain('abc.def');
    } finally {
      delete process.env.SLACK_BOT_TOKEN;
    }
  });

  it('a step result with status "failed" in the summary counts as the failure; a bare "failed" still names something', () => {
    expect(summarizeRun({ steps: { optimizeAllocations: { status: 'failed', error: 'infeasible model' } } }).failures).toEqual([{ step: 'optimizeAllocations', message: 'infeasible model' }]);
    expect(summarizeRun({ status: 'failed' }).failures[0].step).toBe('unknown step');
    expect(errorMessage('x'.repeat(5000)).length).toBe(1500);
  });
});
