/**
 * Blocking `sys` functions. sys.log writes one structured JSON line per call (like a Cloud Logging
 * entry: `textPayload` for text/non-map data, `jsonPayload` for maps/json); sys.sleep and
 * sys.sleep_until wait through the injectable sleeper so tests never really wait.
 * https://cloud.google.com/workflows/docs/reference/stdlib/sys/log : exactly one of data/text/json.
 */
import { registerBuiltin } from '../stdlib/registry';
import { builtinError, typeName, type WfValue } from '../values';
import { toJsonText, toPlain } from '../convert';
import { runtimeOf } from './services';

const SEVERITIES = new Set(['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY']);

function given(v: WfValue | undefined): v is WfValue {
  return v !== undefined && v !== null;
}

registerBuiltin({
  name: 'sys.log',
  params: ['data', 'severity', 'text', 'json', 'timeout'],
  required: 0,
  blocking: true,
  impl([data, severity, text, json], ctx) {
    const present = [data, text, json].filter(given).length;
    if (present !== 1) throw builtinError('TypeError', 'sys.log: exactly one of data, text or json must be given');
    let sev = 'DEFAULT';
    if (given(severity)) {
      if (typeof severity !== 'string' || !SEVERITIES.has(severity.toUpperCase()))
        throw builtinError('ValueError', `sys.log: invalid severity ${typeof severity === 'string' ? severity : typeName(severity)}`);
      sev = severity.toUpperCase();
    }
    const rt = runtimeOf(ctx);
    const entry: Record<string, unknown> = { severity: sev, timestamp: new Date().toISOString() };
    if (given(text)) {
      if (typeof text !== 'string') throw builtinError('TypeError', `sys.log: text must be a string, got ${typeName(text)}`);
      entry.textPayload = text;
    } else if (given(json)) {
      if (!(json instanceof Map)) throw builtinError('TypeError', `sys.log: json must be a map, got ${typeName(json)}`);
      entry.jsonPayload = toPlain(json);
    } else if (data instanceof Map) entry.jsonPayload = toPlain(data);
    else entry.textPayload = typeof data === 'string' ? data : toJsonText(data as WfValue);
    entry.labels = { 'workflows.googleapis.com/execution_id': rt.executionId, workflow_id: rt.workflowId };
    rt.log(JSON.stringify(entry));
    return null;
  },
});

function seconds(fn: string, v: WfValue): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  throw builtinError('TypeError', `${fn}: seconds must be a number, got ${typeName(v)}`);
}

registerBuiltin({
  name: 'sys.sleep',
  params: ['seconds'],
  required: 1,
  blocking: true,
  async impl([s], ctx) {
    const n = seconds('sys.sleep', s);
    if (n < 0) throw builtinError('ValueError', 'sys.sleep: seconds must not be negative');
    await runtimeOf(ctx).sleep(n);
    return null;
  },
});

registerBuiltin({
  name: 'sys.sleep_until',
  params: ['time'],
  required: 1,
  blocking: true,
  async impl([t], ctx) {
    if (typeof t !== 'string') throw builtinError('TypeError', `sys.sleep_until: time must be a string, got ${typeName(t)}`);
    const when = Date.parse(t);
    if (Number.isNaN(when)) throw builtinError('ValueError', `sys.sleep_until: invalid RFC 3339 time "${t}"`);
    const delay = Math.max(0, when / 1000 - ctx.now());
    await runtimeOf(ctx).sleep(delay);
    return null;
  },
});
