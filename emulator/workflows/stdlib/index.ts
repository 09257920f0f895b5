/** Loads every pure stdlib module (each registers its functions on import). */
import './helpers';
import './text';
import './json';
import './collections';
import './math';
import './time';
import './encoding';
import './sys';
import './retry';

export * from './registry';
export { defaultRetryPredicate, defaultRetryPredicateNonIdempotent } from './retry';
