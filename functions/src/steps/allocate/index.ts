/** The allocation optimizer (DOMAIN.md step 4): public surface for the handler, the CLI and tests. */
export { optimizeAllocation, toAllocationRecord } from './optimize';
export { solveMeanVariance, meanVarianceUtility } from './mean-variance';
export { parseAllocationInput, parseMeanVarianceProblem, isMeanVarianceDocument, AllocationInputSchema, MeanVarianceProblemSchema } from './schema';
export * from './types';
