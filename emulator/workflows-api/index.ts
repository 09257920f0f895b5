/** Public API of the local Workflows Executions API (see server.ts). */
export { startWorkflowsApi, type WorkflowsApi, type WorkflowsApiOptions } from './server';
export { ExecutionRegistry, type ExecutionRuntime, type ExecutionEntry, type RegistryOptions } from './registry';
export { localExecutionsClientOptions, EMULATOR_HOST_ENV } from './client';
export { parseWorkflowName, parseExecutionName } from './names';
