/**
 * `base64`, `hash` and `uuid` modules.
 * base64.decode(string, padding=true) → bytes; base64.encode(bytes, padding=true) → string.
 * hash.compute_checksum(data, algorithm), hash.compute_hmac(key, data, algorithm) → bytes;
 * algorithms MD5, SHA1, SHA256, SHA384, SHA512 [R].
 */
import { createHash, createHmac, randomUUID } from 'crypto';
import { definePure } from './registry';
import * as a from './args';

definePure('base64.encode', ['data', 'padding'], 1, ([d, pad]) => {
  const fn = 'base64.encode';
  const b = a.bytes(fn, 'data', d);
  const padding = a.opt(pad, (x) => a.bool(fn, 'padding', x), true);
  const s = Buffer.from(b).toString('base64');
  return padding ? s : s.replace(/=+$/, '');
});

definePure('base64.decode', ['data', 'padding'], 1, ([d, pad]) => {
  const fn = 'base64.decode';
  const s = a.str(fn, 'data', d);
  const padding = a.opt(pad, (x) => a.bool(fn, 'padding', x), true);
  // Standard alphabet; with padding=true the length must be a multiple of 4.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) a.valueErr(fn, 'data is not valid base64');
  if (padding && s.length % 4 !== 0) a.valueErr(fn, 'data is not valid padded base64');
  if (!padding && s.includes('=')) a.valueErr(fn, 'unexpected padding');
  if (s.replace(/=+$/, '').length % 4 === 1) a.valueErr(fn, 'data is not valid base64');
  return new Uint8Array(Buffer.from(s, 'base64'));
});

const ALGORITHMS: Record<string, string> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

function algorithm(fn: string, v: Parameters<typeof a.str>[2]): string {
  const name = a.str(fn, 'algorithm', v);
  const alg = ALGORITHMS[name.toUpperCase().replace('-', '')];
  if (!alg) a.valueErr(fn, `unsupported algorithm '${name}' (expected one of ${Object.keys(ALGORITHMS).join(', ')})`);
  return alg;
}

definePure('hash.compute_checksum', ['data', 'algorithm'], 2, ([d, alg]) => {
  const fn = 'hash.compute_checksum';
  const b = a.bytes(fn, 'data', d);
  return new Uint8Array(createHash(algorithm(fn, alg)).update(b).digest());
});

definePure('hash.compute_hmac', ['key', 'data', 'algorithm'], 3, ([k, d, alg]) => {
  const fn = 'hash.compute_hmac';
  const key = a.bytes(fn, 'key', k);
  const b = a.bytes(fn, 'data', d);
  return new Uint8Array(createHmac(algorithm(fn, alg), key).update(b).digest());
});

definePure('uuid.generate', [], 0, () => randomUUID());
