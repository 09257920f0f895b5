/** DefiLlama `GET /pools`: one ~11 MB request per run (the data changes hourly; no parameters). */
import { HttpClient } from '../../../lib/http-client';
import type { RawRecorder } from '../../../lib/raw-layer';
import { baseUrlFromEnv } from '../common';
import { LlamaPoolsResponseSchema, type LlamaPoolsResponse } from './schema';

export const SOURCE = 'defillama';

export function defillamaClient(): HttpClient {
  return new HttpClient({ source: 'DefiLlama', baseUrl: baseUrlFromEnv('DEFILLAMA_BASE_URL', 'https://yields.llama.fi'), concurrency: 1 });
}

export async function fetchPoolsPayload(client: HttpClient, raw: RawRecorder): Promise<LlamaPoolsResponse> {
  const res = await client.getJson({
    path: '/pools',
    schema: LlamaPoolsResponseSchema,
    onBody: raw.bodyRecorder('pools'),
    check: (v) => {
      if (v.status !== 'success') return { reason: `status "${v.status}" instead of "success"`, retry: true };
      // An empty universe would mark every pool inactive: treat it as upstream trouble.
      if (v.data.length === 0) return { reason: 'empty pool list (data: [])', retry: true };
      return undefined;
    },
  });
  return res.data;
}
