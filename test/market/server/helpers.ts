/** Starts the stand-ins on a free loopback port with the fake market for one test file. */
import axios, { type AxiosInstance } from 'axios';
import { startMarketStandIns, type MarketStandIns, type MarketStandInsOptions } from '../../../emulator/market/server';
import { fakeMarket } from './fake-market';

export function useStandIns(options: MarketStandInsOptions = {}) {
  let standIns: MarketStandIns | undefined;
  let http: AxiosInstance | undefined;
  beforeAll(async () => {
    standIns = await startMarketStandIns({ source: fakeMarket(), ...options });
    // Raw text out, any status in: the tests look at exactly what the server sent.
    http = axios.create({ baseURL: standIns.origin, validateStatus: () => true, transformResponse: (r: unknown) => r, proxy: false });
  });
  afterAll(async () => {
    await standIns?.stop();
  });
  beforeEach(async () => {
    standIns?.faults.clear();
    standIns?.slack.clear();
  });
  return {
    get s(): MarketStandIns {
      if (!standIns) throw new Error('stand-ins not started');
      return standIns;
    },
    get http(): AxiosInstance {
      if (!http) throw new Error('stand-ins not started');
      return http;
    },
  };
}

export const parse = (text: unknown): any => JSON.parse(String(text));
