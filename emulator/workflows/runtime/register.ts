/** Registers every blocking builtin implemented by the executor (import for side effects). */
import '../stdlib';
import './sys';
import './http';
import './events';
