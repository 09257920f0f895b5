/**
 * Registers every pipeline function with the Functions Framework. Deployed as the source of each
 * Cloud Function (`--entry-point=<name>`), served locally by emulator/functions/ at one URL per name.
 *
 * To add a step: import its handler and add it to FUNCTIONS; the local host, the deploy script and
 * the tests enumerate FUNCTION_NAMES, so nothing else needs to know.
 */
import { http, type HttpFunction } from '@google-cloud/functions-framework';
import { startRun } from './steps/run/startRun';

/** Every HTTP function, by the name it is deployed and served under (pipeline order). */
export const FUNCTIONS: Readonly<Record<string, HttpFunction>> = Object.freeze({
  startRun,
});

export const FUNCTION_NAMES: readonly string[] = Object.freeze(Object.keys(FUNCTIONS));

for (const [name, handler] of Object.entries(FUNCTIONS)) http(name, handler);

export { startRun };
