/**
 * The run-history console: a read-only web page over the pipeline's execution records and
 * allocations (Firestore emulator first, `.runs/` JSON files as fallback). `npm run emulate`
 * serves it (scripts/console.ts); tests start it directly with `startConsole`.
 */
export { startConsole, type ConsoleOptions, type RunningConsole } from './server';
export { ConsoleStore, type ConsoleStoreOptions, type ExecutionSummary, type AllocationView, type Source } from './data';
