/** The forecast-phase steps (DOMAIN.md step 3), in pipeline order; layout in ./common.ts. */
export { forecastPools } from './forecastPools';
export { forecastGas } from './forecastGas';
export { filterPoolsFinal } from './filterPoolsFinal';
export { loadHeldPoolIds, readFinalFilter, readPoolForecasts, FORECAST_COLLECTIONS } from './common';
