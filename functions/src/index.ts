/**
 * Registers every pipeline function with the Functions Framework. Deployed as the source of each
 * Cloud Function (`--entry-point=<name>`), served locally by emulator/functions/ at one URL per name.
 *
 * To add a step: import its handler and add it to FUNCTIONS; the local host, the deploy script and
 * the tests enumerate FUNCTION_NAMES, so nothing else needs to know.
 */
import { http, type HttpFunction } from '@google-cloud/functions-framework';
import { startRun } from './steps/run/startRun';
import { fetchAccount } from './steps/ingest/account';
import { fetchGas } from './steps/ingest/gas';
import { fetchPools } from './steps/ingest/pools';
import { fetchPrices } from './steps/ingest/prices';
import { importScores } from './steps/ingest/scores';
import { postSlackReport, updateLedger } from './steps/report';
import { filterPoolsPre, fetchPoolHistories, computeMetrics, groupPools, updateIcebox, buildFeatures } from './steps/enrich/handlers';
import { forecastPools, forecastGas, filterPoolsFinal } from './steps/forecast/handlers';
import { optimizeAllocations } from './steps/allocate/handler';
import { backtestStart, backtestStep, backtestReport } from './steps/backtest/handlers';

/** Every HTTP function, by the name it is deployed and served under (pipeline order). */
export const FUNCTIONS: Readonly<Record<string, HttpFunction>> = Object.freeze({
  startRun,
  fetchPools,
  fetchPrices,
  fetchGas,
  fetchAccount,
  importScores,
  filterPoolsPre,
  fetchPoolHistories,
  computeMetrics,
  groupPools,
  updateIcebox,
  buildFeatures,
  forecastPools,
  forecastGas,
  filterPoolsFinal,
  optimizeAllocations,
  updateLedger,
  postSlackReport,
  // Not part of the daily pipeline: chained by workflows/backtest.yaml.
  backtestStart,
  backtestStep,
  backtestReport,
});

export const FUNCTION_NAMES: readonly string[] = Object.freeze(Object.keys(FUNCTIONS));

for (const [name, handler] of Object.entries(FUNCTIONS)) http(name, handler);

export { startRun, fetchPools, fetchPrices, fetchGas, fetchAccount, importScores, updateLedger, postSlackReport };
export { filterPoolsPre, fetchPoolHistories, computeMetrics, groupPools, updateIcebox, buildFeatures };
export { forecastPools, forecastGas, filterPoolsFinal };
export { optimizeAllocations };
export { backtestStart, backtestStep, backtestReport };
