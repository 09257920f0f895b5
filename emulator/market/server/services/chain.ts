/**
 * Ethereum block numbers for simulated instants: 12-second slots since the Merge, so block numbers
 * (ethgastracker's blockNr, Etherscan's LastBlock and confirmations) agree across stand-ins.
 */
const MERGE_BLOCK = 15_537_394;
const MERGE_UNIX = 1_663_224_179;

export function blockAt(ms: number): number {
  return MERGE_BLOCK + Math.max(0, Math.floor((Math.floor(ms / 1000) - MERGE_UNIX) / 12));
}

/** ethgastracker's period format: "2024-08-11T08:00:00+00:00". */
export function hourPeriod(iso: string): string {
  const ms = Date.parse(iso);
  return `${new Date(ms - (ms % 3_600_000)).toISOString().slice(0, 19)}+00:00`;
}
