/**
 * Local stand-in for the OIDC identity tokens GCP Workflows attaches with `auth: {type: OIDC}`.
 * Tokens are HS256 JWTs signed with a per-machine secret shared by the interpreter and the local
 * functions host, carrying `aud` (the called URL's origin+path, as Workflows defaults it), `iat`
 * and `exp`, so the host can reject unauthenticated calls the way `--no-allow-unauthenticated` does.
 */
import crypto from 'node:crypto';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export interface LocalTokenClaims {
  aud: string;
  iss: string;
  sub: string;
  iat: number;
  exp: number;
}

export function mintLocalIdToken(audience: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims: LocalTokenClaims = {
    aud: audience,
    iss: 'workflows-local',
    sub: 'workflows-local@local.iam.gserviceaccount.com',
    iat: nowSeconds,
    exp: nowSeconds + 3600,
  };
  const payload = b64url(JSON.stringify(claims));
  const signature = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export type TokenCheck = { ok: true; claims: LocalTokenClaims } | { ok: false; reason: string };

/** Verifies signature and expiry; `expectedAudiencePrefix` guards against tokens minted for another host. */
export function verifyLocalIdToken(
  token: string,
  secret: string,
  expectedAudiencePrefix?: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [header, payload, signature] = parts;
  const expected = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad signature' };
  }
  let claims: LocalTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LocalTokenClaims;
  } catch {
    return { ok: false, reason: 'malformed claims' };
  }
  if (typeof claims.exp !== 'number' || claims.exp < nowSeconds) return { ok: false, reason: 'token expired' };
  if (expectedAudiencePrefix && !String(claims.aud).startsWith(expectedAudiencePrefix)) {
    return { ok: false, reason: 'audience mismatch' };
  }
  return { ok: true, claims };
}
