/** Java detection for the official Firestore emulator, which needs Java 21 or later. */
import { spawnSync } from 'node:child_process';

export const REQUIRED_JAVA_MAJOR = 21;

export interface JavaCheck {
  ok: boolean;
  /** e.g. "17.0.15"; undefined when `java` is not installed. */
  version?: string;
  major?: number;
  message: string;
}

/** Parses `java -version` output ("1.8.0_392" → 8, "17.0.15" → 17, "21" → 21). */
export function parseJavaVersion(output: string): { version: string; major: number } | undefined {
  const m = /version "([^"]+)"/.exec(output) ?? /^(?:openjdk|java) (\d[\w.+-]*)/m.exec(output);
  if (!m) return undefined;
  const parts = m[1].split(/[._+-]/).map(Number);
  const major = parts[0] === 1 ? parts[1] : parts[0];
  return Number.isFinite(major) ? { version: m[1], major } : undefined;
}

export function checkJava(): JavaCheck {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15000 });
  if (result.error) {
    return { ok: false, message: `the official Firestore emulator needs Java ${REQUIRED_JAVA_MAJOR}+, but no \`java\` was found on PATH (${result.error.message})` };
  }
  const parsed = parseJavaVersion(`${result.stderr ?? ''}\n${result.stdout ?? ''}`);
  if (!parsed) return { ok: false, message: `could not read the Java version from \`java -version\`; the official Firestore emulator needs Java ${REQUIRED_JAVA_MAJOR}+` };
  if (parsed.major < REQUIRED_JAVA_MAJOR) {
    return {
      ...parsed,
      ok: false,
      message: `the official Firestore emulator needs Java ${REQUIRED_JAVA_MAJOR} or later; found Java ${parsed.version} (major ${parsed.major}). Install a JDK ${REQUIRED_JAVA_MAJOR}+ or use the embedded emulator (the default: omit --firestore=firebase).`,
    };
  }
  return { ...parsed, ok: true, message: `Java ${parsed.version}` };
}
