/** What every service handler gets: the data source, the simulated clock and the expected credentials. */
import type { Clock, MarketSource, ServiceRequest, ServiceResponse } from '../types';

export interface HandlerContext {
  market: MarketSource;
  clock: Clock;
  cmcApiKey: string;
  etherscanApiKey: string;
}

export type Handler = (req: ServiceRequest, ctx: HandlerContext) => ServiceResponse | Promise<ServiceResponse>;

export const nowIso = (clock: Clock): string => (clock.now ? clock.now() : `${clock.today()}T23:59:59.999Z`);
