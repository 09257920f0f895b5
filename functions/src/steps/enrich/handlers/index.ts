/** The clean/enrich steps (DOMAIN.md step 2), in pipeline order; layout in ./common.ts. */
export { filterPoolsPre } from './filterPoolsPre';
export { fetchPoolHistories } from './fetchPoolHistories';
export { computeMetrics } from './computeMetrics';
export { groupPools } from './groupPools';
export { updateIcebox } from './updateIcebox';
export { buildFeatures } from './buildFeatures';
