/**
 * Firestore collection names and how each is keyed — the one place that decides what a rerun of
 * the same runDate overwrites and what it must clean up.
 *
 * Keyed by runDate (a rerun of the day overwrites them in place, nothing to clean up):
 *   runs/{runDate}            the run: runId, parameter snapshot, icebox list, status, per-step results
 *   raw, clean and feature documents written by the steps for that day (one document per
 *   (series, month) for time series; every step overwrites its own outputs for the runDate)
 *   ledger/{runDate}          updateLedger: start-of-day balances, NAV, realized yields
 *
 * Keyed by runId (each run writes new documents; startRun deletes the superseded run's ones so a
 * rerun replaces rather than duplicates the day's decisions):
 *   allocations/{runId}
 *
 * Keyed by runId but kept on a rerun (a Slack message cannot be unposted; the record is what stops
 * a retried postSlackReport from posting twice):
 *   reports/{runId}           postSlackReport: claim, posted message ts(s), channel
 *
 * Neither (inputs and state that outlive runs):
 *   params/current            stored parameters (see lib/params.ts)
 *   icebox/current            depeg guard state maintained by updateIcebox
 */
export const COLLECTIONS = {
  runs: 'runs',
  params: 'params',
  icebox: 'icebox',
  allocations: 'allocations',
  ledger: 'ledger',
  reports: 'reports',
} as const;

/** Document id of the singleton documents in `params` and `icebox`. */
export const CURRENT_DOC_ID = 'current';

/** Collections whose document id is the runId; a rerun of a date deletes the superseded run's ones. */
export const RUN_ID_KEYED_COLLECTIONS: ReadonlyArray<string> = [COLLECTIONS.allocations];
