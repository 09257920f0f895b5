/**
 * Offline stand-ins for DefiLlama, CoinMarketCap, ethgastracker, Etherscan V2 and the Slack Web
 * API: one loopback HTTP server, one path prefix per service, each mirroring the real paths below
 * it, so the ingestion functions run unchanged against it (only base URLs differ):
 *
 *   DEFILLAMA_BASE_URL  <origin>/defillama           (real: https://yields.llama.fi)
 *   CMC_BASE_URL        <origin>/cmc                 (real: https://pro-api.coinmarketcap.com)
 *   GAS_BASE_URL        <origin>/gas/api/gas         (real: https://www.ethgastracker.com/api/gas)
 *   ETHERSCAN_BASE_URL  <origin>/etherscan/v2/api    (real: https://api.etherscan.io/v2/api)
 *   SLACK_API_URL       <origin>/slack/api/          (real: https://slack.com/api/)
 *
 * Data comes from the seeded simulated market (emulator/market/sim) as of a simulated "today"
 * (POST /_control/clock), or from recorded responses (`recordingsDir`, see replay.ts). Faults are
 * injected by config or per request (`X-Fault` header, see faults.ts). Control API: control.ts.
 */
import fs from 'node:fs';
import http, { type ServerResponse } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { logger } from '../../../functions/src/lib/log';
import { MutableClock } from './clock';
import { FaultInjector, type FaultController } from './faults';
import { createDefaultMarket } from './market-source';
import { Recordings } from './replay';
import { createRouter } from './router';
import { SlackStore, slackHandler } from './services/slack';
import { RequestStats } from './stats';
import type { Clock, FaultConfig, MarketSource, PostedMessage, SimMarketOptions } from './types';

export type { FaultController } from './faults';
export type { RequestCounts } from './stats';
export * from './types';

export const DEFAULT_CMC_API_KEY = 'local-cmc-pro-key';
export const DEFAULT_ETHERSCAN_API_KEY = 'LOCALETHERSCANAPIKEY000000000000';
export const DEFAULT_SLACK_TOKEN = 'xoxb-local-yieldopt-token';
export const DEFAULT_SLACK_CHANNEL = 'C0YIELDOPT1';
const DEFAULT_SLACK_CHANNEL_NAME = 'yieldopt-reports';

export interface MarketStandInsOptions {
  /** Loopback only (default 127.0.0.1). */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** Options of the simulated market (seed, pools, days, endDate). */
  market?: SimMarketOptions;
  /** A ready data source instead of building the simulated market (tests, sharing one market). */
  source?: MarketSource;
  /** The simulated "now"; defaults to the market's endDate. POST /_control/clock overrides it. */
  clock?: Clock;
  /** Replay mode: serve recorded responses from this folder (layout in replay.ts). */
  recordingsDir?: string;
  faults?: FaultConfig;
  cmcApiKey?: string;
  etherscanApiKey?: string;
  slackToken?: string;
  /** Channel id the stand-in knows (its name is "yieldopt-reports"). */
  slackChannel?: string;
}

export interface MarketBaseUrls {
  defillama: string;
  cmc: string;
  gas: string;
  etherscan: string;
  /** Ends with /api/, as SLACK_API_URL / WebClient's slackApiUrl expect. */
  slack: string;
}

export interface MarketStandIns {
  /** http://HOST:PORT — the control API lives at `${origin}/_control`. */
  origin: string;
  baseUrls: MarketBaseUrls;
  env: Record<string, string>;
  slack: { messages(): PostedMessage[]; clear(): void };
  faults: FaultController;
  clock: { today(): string; set(date: string): void };
  stop(): Promise<void>;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.');
}

/** Recording folders may carry meta.json: {"date": "YYYY-MM-DD", "treasuryAddress": "0x…"}. */
function readReplayMeta(recordings: Recordings): { date?: string; treasuryAddress?: string } {
  const file = path.join(recordings.dir, 'meta.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { date?: string; treasuryAddress?: string }) : {};
}

export async function startMarketStandIns(opts: MarketStandInsOptions = {}): Promise<MarketStandIns> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`market stand-ins listen on loopback only, got host ${JSON.stringify(host)}`);
  const recordings = opts.recordingsDir ? new Recordings(opts.recordingsDir) : undefined;
  const meta = recordings ? readReplayMeta(recordings) : {};

  let market: MarketSource | undefined = opts.source;
  const getMarket = (): MarketSource => (market ??= createDefaultMarket(opts.market));
  // Outside replay mode the market is built now: its endDate starts the clock and its treasury is an env var.
  if (!recordings) getMarket();
  const fallbackDay = meta.date ?? market?.endDate ?? opts.market?.endDate ?? new Date().toISOString().slice(0, 10);
  const clock = new MutableClock(fallbackDay, opts.clock);

  const faults = new FaultInjector(opts.faults);
  const stats = new RequestStats();
  const slackStore = new SlackStore();
  const keys = {
    cmcApiKey: opts.cmcApiKey ?? DEFAULT_CMC_API_KEY,
    etherscanApiKey: opts.etherscanApiKey ?? DEFAULT_ETHERSCAN_API_KEY,
    slackToken: opts.slackToken ?? DEFAULT_SLACK_TOKEN,
  };
  const channel = opts.slackChannel ?? DEFAULT_SLACK_CHANNEL;
  const held = new Set<ServerResponse>();
  let baseUrls: MarketBaseUrls | undefined;

  const server = http.createServer(
    createRouter({
      control: {
        clock,
        faults,
        slack: slackStore,
        stats,
        baseUrls: () => ({ ...(baseUrls ?? {}) }),
        window: () => (!recordings && market?.startDate && market.endDate ? { startDate: market.startDate, endDate: market.endDate } : undefined),
        treasury: (date) => {
          // Replay mode knows only the recorded address; which pools it held is not recorded.
          if (recordings) return meta.treasuryAddress ? { address: meta.treasuryAddress, poolContracts: {} } : undefined;
          const t = getMarket().treasury();
          return { address: t.address, poolContracts: t.poolContracts?.(date) ?? {} };
        },
      },
      faults,
      stats,
      market: getMarket,
      ctx: { clock, cmcApiKey: keys.cmcApiKey, etherscanApiKey: keys.etherscanApiKey },
      slack: slackHandler({ token: keys.slackToken, channels: { [channel]: DEFAULT_SLACK_CHANNEL_NAME } }, slackStore, clock),
      recordings,
      held,
      onError: (error, where) => logger.error('market stand-in handler failed', { url: where, error: error.message }),
    }),
  );
  // Ingestion steps keep connections alive; a held (timeout) socket must not keep the server up.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  baseUrls = {
    defillama: `${origin}/defillama`,
    cmc: `${origin}/cmc`,
    gas: `${origin}/gas/api/gas`,
    etherscan: `${origin}/etherscan/v2/api`,
    slack: `${origin}/slack/api/`,
  };
  const treasuryAddress = recordings ? meta.treasuryAddress : market?.treasury().address;
  const env: Record<string, string> = {
    DEFILLAMA_BASE_URL: baseUrls.defillama,
    CMC_BASE_URL: baseUrls.cmc,
    CMC_API_KEY: keys.cmcApiKey,
    GAS_BASE_URL: baseUrls.gas,
    ETHERSCAN_BASE_URL: baseUrls.etherscan,
    ETHERSCAN_API_KEY: keys.etherscanApiKey,
    SLACK_API_URL: baseUrls.slack,
    SLACK_BOT_TOKEN: keys.slackToken,
    SLACK_CHANNEL: channel,
    ...(treasuryAddress ? { TREASURY_ADDRESS: treasuryAddress } : {}),
    MARKET_CONTROL_URL: `${origin}/_control`,
  };

  let stopped: Promise<void> | undefined;
  return {
    origin,
    baseUrls,
    env,
    slack: { messages: () => slackStore.list(), clear: () => slackStore.clear() },
    faults,
    clock: { today: () => clock.today(), set: (date) => clock.set(date) },
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
