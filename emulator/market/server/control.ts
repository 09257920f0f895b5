/**
 * Control API under /_control/ (local only, never part of any real API surface):
 *
 *   GET    /_control                   clock, fault config, request counts, base URLs
 *   GET    /_control/clock             {date}
 *   POST   /_control/clock {date}      move the simulated "today" (YYYY-MM-DD; 400 outside the simulated history)
 *   GET    /_control/faults            current FaultConfig (+ injected counts per rule)
 *   PUT|POST /_control/faults {rules, seed?}   replace the fault config; DELETE clears it
 *   GET    /_control/slack/messages    messages accepted by chat.postMessage; DELETE clears them
 *   GET    /_control/requests          request counts; DELETE resets them
 *   GET    /_control/treasury          {date, address, poolContracts}: the simulated treasury's wallet and
 *                                      pool uuid → {address, receiptToken} of every pool it has held up to
 *                                      the clock's day (local tooling seeds params/current.poolContracts
 *                                      with it; the functions never call this API)
 */
import { isIsoDay, type MutableClock } from './clock';
import { FaultError, type FaultInjector } from './faults';
import type { SlackStore } from './services/slack';
import type { RequestStats } from './stats';
import type { FaultConfig, ServiceResponse } from './types';

export interface ControlDeps {
  clock: MutableClock;
  faults: FaultInjector;
  slack: SlackStore;
  stats: RequestStats;
  baseUrls: () => Record<string, string>;
  /** First and last simulated day, when the data source is the simulator (not in replay mode). */
  window?: () => { startDate: string; endDate: string } | undefined;
  /** The treasury as of a day (undefined when the data source has none). */
  treasury?: (date: string) => { address: string; poolContracts: Record<string, { address: string; receiptToken: string }> } | undefined;
}

const ok = (body: unknown): ServiceResponse => ({ status: 200, body });
const bad = (message: string): ServiceResponse => ({ status: 400, body: { error: message } });

function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  return text ? JSON.parse(text) : {};
}

export function handleControl(deps: ControlDeps, method: string, path: string, body: Buffer): ServiceResponse {
  let input: unknown;
  try {
    input = parseJson(body);
  } catch (e) {
    return bad(`request body is not JSON: ${(e as Error).message}`);
  }
  const route = `${method} ${path.replace(/\/+$/, '') || '/_control'}`;
  switch (route) {
    case 'GET /_control':
      return ok({ date: deps.clock.today(), faults: deps.faults.current(), requests: deps.stats.snapshot(), baseUrls: deps.baseUrls() });
    case 'GET /_control/clock':
      return ok({ date: deps.clock.today(), now: deps.clock.now(), ...(deps.window?.() ?? {}) });
    case 'POST /_control/clock':
    case 'PUT /_control/clock': {
      const date = (input as { date?: unknown }).date;
      if (!isIsoDay(date)) return bad(`clock: "date" must be a calendar day YYYY-MM-DD, got ${JSON.stringify(date)}`);
      // Outside the simulated history every API would answer empty: refuse instead of misleading.
      const w = deps.window?.();
      if (w && (date < w.startDate || date > w.endDate)) {
        return bad(`clock: ${date} is outside the simulated history ${w.startDate}..${w.endDate}; restart the stand-ins with a market that covers it (--run-date/--days)`);
      }
      deps.clock.set(date);
      return ok({ date: deps.clock.today(), now: deps.clock.now() });
    }
    case 'GET /_control/faults':
      return ok({ ...deps.faults.current(), injected: deps.faults.injected() });
    case 'POST /_control/faults':
    case 'PUT /_control/faults':
      try {
        deps.faults.configure(input as FaultConfig);
      } catch (e) {
        if (e instanceof FaultError) return bad(e.message);
        throw e;
      }
      return ok(deps.faults.current());
    case 'DELETE /_control/faults':
      deps.faults.clear();
      return ok(deps.faults.current());
    case 'GET /_control/slack/messages':
      return ok({ messages: deps.slack.list() });
    case 'DELETE /_control/slack/messages':
      deps.slack.clear();
      return ok({ messages: [] });
    case 'GET /_control/treasury': {
      const t = deps.treasury?.(deps.clock.today());
      return t ? ok({ date: deps.clock.today(), ...t }) : { status: 404, body: { error: 'this data source has no treasury' } };
    }
    case 'GET /_control/requests':
      return ok(deps.stats.snapshot());
    case 'DELETE /_control/requests':
      deps.stats.reset();
      return ok(deps.stats.snapshot());
    default:
      return { status: 404, body: { error: `no control route ${route}` } };
  }
}
