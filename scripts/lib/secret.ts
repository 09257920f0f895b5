/**
 * The per-machine secret shared by the local functions host and whoever mints tokens for it (the
 * Workflows interpreter, `emulate token`). LOCAL_FUNCTIONS_SECRET wins; otherwise it is kept in
 * `.runs/local-functions.secret` (mode 0600) so separate commands agree without printing it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runsDir } from './paths';

export const SECRET_FILE_NAME = 'local-functions.secret';

export function secretFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(runsDir(env), SECRET_FILE_NAME);
}

export function loadOrCreateLocalSecret(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOCAL_FUNCTIONS_SECRET) return env.LOCAL_FUNCTIONS_SECRET;
  const file = secretFilePath(env);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // not created yet
  }
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
