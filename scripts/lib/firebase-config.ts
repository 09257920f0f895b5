/** Default local ports from firebase.json, so `firebase emulators:start` and our tools agree. */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

export interface EmulatorPorts {
  host: string;
  firestorePort: number;
  functionsPort: number;
}

export const FALLBACK_PORTS: EmulatorPorts = { host: '127.0.0.1', firestorePort: 8080, functionsPort: 5001 };

export function readEmulatorPorts(file = path.join(repoRoot(), 'firebase.json')): EmulatorPorts {
  try {
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      emulators?: { firestore?: { host?: string; port?: number }; functions?: { port?: number } };
    };
    return {
      host: config.emulators?.firestore?.host ?? FALLBACK_PORTS.host,
      firestorePort: config.emulators?.firestore?.port ?? FALLBACK_PORTS.firestorePort,
      functionsPort: config.emulators?.functions?.port ?? FALLBACK_PORTS.functionsPort,
    };
  } catch {
    return FALLBACK_PORTS;
  }
}
