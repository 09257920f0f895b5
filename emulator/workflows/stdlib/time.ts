/**
 * `time` module: format(seconds, [timezone]) → RFC 3339 string; parse(string) → epoch seconds
 * (double). Fractional seconds are printed only when non-zero, to microsecond precision,
 * trailing zeros trimmed (RFC3339Nano style) [R].
 */
import { definePure } from './registry';
import * as a from './args';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Offset of `tz` from UTC at instant `ms`, in minutes (ValueError for unknown zones). */
function tzOffsetMinutes(fn: string, tz: string, ms: number): number {
  if (tz === 'UTC' || tz === 'Etc/UTC' || tz === 'Z') return 0;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(ms));
  } catch {
    return a.valueErr(fn, `unknown time zone '${tz}'`);
  }
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

definePure('time.format', ['seconds', 'timezone'], 1, ([s, tzv]) => {
  const fn = 'time.format';
  const secs = Number(a.num(fn, 'seconds', s));
  if (!Number.isFinite(secs) || Math.abs(secs) > 253402300799) a.valueErr(fn, `seconds out of range: ${secs}`);
  const tz = a.opt(tzv, (x) => a.str(fn, 'timezone', x), 'UTC');
  const whole = Math.floor(secs);
  let micros = Math.round((secs - whole) * 1e6);
  let base = whole;
  if (micros >= 1e6) {
    base += 1;
    micros -= 1e6;
  }
  const offset = tzOffsetMinutes(fn, tz, base * 1000);
  const d = new Date((base + offset * 60) * 1000);
  let out = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (micros > 0) out += `.${pad(micros, 6).replace(/0+$/, '')}`;
  if (offset === 0) return `${out}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${out}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
});

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

definePure('time.parse', ['value'], 1, ([v]) => {
  const fn = 'time.parse';
  const s = a.str(fn, 'value', v);
  const m = RFC3339.exec(s);
  if (!m) return a.valueErr(fn, `'${s}' is not an RFC 3339 timestamp`);
  const [year, mon, day, h, mi, sec] = m.slice(1, 7).map(Number);
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) a.valueErr(fn, `'${s}' is not a valid timestamp`);
  let ms = Date.UTC(year, mon - 1, day, h, mi, sec);
  if (new Date(ms).getUTCDate() !== day) a.valueErr(fn, `'${s}' is not a valid date`);
  const zone = m[8];
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60000;
  }
  const frac = m[7] ? Number(`0${m[7]}`) : 0;
  return ms / 1000 + frac;
});
