/**
 * Structured logging as JSON lines that Cloud Logging parses (`severity`, `message`, extra fields
 * become jsonPayload). Anything that looks like a secret is redacted before it is written.
 */

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

export type LogFields = Record<string, unknown>;

const SECRET_KEY = /(token|secret|password|api[-_]?key|authorization|cookie|private[-_]?key)/i;
const SECRET_ENV_NAMES = ['SLACK_BOT_TOKEN', 'CMC_API_KEY', 'ETHERSCAN_API_KEY', 'LOCAL_FUNCTIONS_SECRET'];

/** The values of secret environment variables, so they are scrubbed even inside free text. */
function secretValues(): string[] {
  return SECRET_ENV_NAMES.map((n) => process.env[n]).filter((v): v is string => !!v && v.length >= 6);
}

export function redact(value: unknown, secrets: string[] = secretValues(), depth = 0): unknown {
  if (typeof value === 'string') {
    let out = value.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [REDACTED]');
    for (const s of secrets) out = out.split(s).join('[REDACTED]');
    return out;
  }
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message, secrets, depth + 1) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : redact(v, secrets, depth + 1);
  }
  return out;
}

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stdout.write(line + '\n');

/** Tests capture log lines by swapping the sink. Returns the previous sink. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function log(severity: Severity, message: string, fields: LogFields = {}): void {
  const entry = redact({ severity, message, time: new Date().toISOString(), ...fields }) as LogFields;
  sink(JSON.stringify(entry));
}

export const logger = {
  debug: (message: string, fields?: LogFields) => log('DEBUG', message, fields),
  info: (message: string, fields?: LogFields) => log('INFO', message, fields),
  warn: (message: string, fields?: LogFields) => log('WARNING', message, fields),
  error: (message: string, fields?: LogFields) => log('ERROR', message, fields),
};
