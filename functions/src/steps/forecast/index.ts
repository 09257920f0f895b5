/** Forecasting core (DOMAIN.md step 3): pure functions, no Firestore, no HTTP. */
export * from './types';
export * from './series';
export * from './evaluate';
export * from './select';
export * from './forecastSeries';
export * from './pools';
export * from './gas';
export * from './chart';
export * from './filterFinal';
export { METHODS } from './methods';
