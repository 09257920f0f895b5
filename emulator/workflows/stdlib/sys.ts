/**
 * Non-blocking `sys` functions: get_env, now. (sys.log / sys.sleep / sys.sleep_until are
 * blocking and registered by the executor.)
 * https://cloud.google.com/workflows/docs/reference/stdlib/sys/get_env — returns `default`
 * (null when omitted) for an unset variable.
 */
import { definePure } from './registry';
import * as a from './args';

definePure('sys.get_env', ['name', 'default'], 1, ([n, d], ctx) => {
  const fn = 'sys.get_env';
  const name = a.str(fn, 'name', n);
  const dflt = d === undefined || d === null ? null : a.str(fn, 'default', d);
  const v = ctx.env(name);
  return v === undefined ? dflt : v;
});

/** Epoch seconds as a double (the service gives nanosecond precision). */
definePure('sys.now', [], 0, (_args, ctx) => ctx.now());
