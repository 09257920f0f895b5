/**
 * ethgastracker `/api/gas/average` (mainnet): one request returns the past week, hourly.
 * GAS_BASE_URL is the API root including `/api/gas` (as the stand-ins export it).
 */
import { HttpClient } from '../../../lib/http-client';
import type { RawRecorder } from '../../../lib/raw-layer';
import { baseUrlFromEnv } from '../common';
import { GasAverageResponseSchema, type GasAverageResponse } from './schema';

export const SOURCE = 'ethgastracker';

export function gasClient(): HttpClient {
  return new HttpClient({ source: 'ethgastracker', baseUrl: baseUrlFromEnv('GAS_BASE_URL', 'https://www.ethgastracker.com/api/gas'), concurrency: 1 });
}

export async function fetchGasAverage(client: HttpClient, raw: RawRecorder): Promise<GasAverageResponse> {
  const res = await client.getJson({
    path: '/average',
    schema: GasAverageResponseSchema,
    onBody: raw.bodyRecorder('average'),
    check: (v) => (v.data.data.length === 0 ? { reason: 'no hourly averages (data.data: [])', retry: true } : undefined),
  });
  return res.data;
}
