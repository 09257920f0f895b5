/**
 * Stages the Cloud Functions source for `gcloud functions deploy --source=DIR` (called by
 * scripts/deploy.sh after the build):
 *
 *   DIR/package.json        runtime dependencies only, main → dist/functions/src/index.js, no scripts
 *   DIR/package-lock.json   the repository lockfile without dev-only packages (Cloud Build runs npm ci)
 *   DIR/dist/...            every compiled file the functions' entry point reaches, nothing else
 *   DIR/.gcloudignore       keeps a stray node_modules out of the upload
 *
 * Why not deploy the repository root: it would upload the emulator, the tests and the dev
 * toolchain, and Cloud Build would run our `prepare` (tsc) without the dev dependencies it needs.
 *
 * Walks the compiled import graph and refuses to stage when the functions reach outside
 * dist/functions/ (emulator/ or scripts/ code must never ship) or import a package that is not a
 * runtime dependency. Prints the compiled FUNCTION_NAMES, one per line, for the deploy script's
 * cross-check.
 *
 *   node dist/scripts/deploy/stage-functions.js DIR
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../lib/paths';

export const ENTRY = 'dist/functions/src/index.js';
/** The only part of dist/ the functions may load. */
export const ALLOWED_PREFIX = 'dist/functions/';

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, { dev?: boolean; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; [k: string]: unknown }>;
}

export interface ImportGraph {
  /** Repository-relative paths of every reachable compiled file, sorted. */
  files: string[];
  /** Bare package names imported (first path segment, scope kept), sorted. */
  packages: string[];
}

const REQUIRE = /\brequire\(\s*(["'])([^"']+)\1\s*\)/g;
const BUILTINS = new Set(builtinModules);

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveRelative(fromFile: string, spec: string, root: string): string {
  const base = path.resolve(path.dirname(path.join(root, fromFile)), spec);
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(root, candidate).split(path.sep).join('/');
  }
  throw new Error(`${fromFile}: cannot resolve require("${spec}")`);
}

/** Follows require() calls of tsc's CommonJS output from `entry` (repository-relative). */
export function collectImportGraph(root: string, entry = ENTRY): ImportGraph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    if (!file.startsWith(ALLOWED_PREFIX)) {
      throw new Error(`the functions import ${file}, outside ${ALLOWED_PREFIX}: functions must not depend on emulator/ or scripts/ code`);
    }
    files.add(file);
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(REQUIRE)) {
      const spec = m[2];
      if (spec.startsWith('.')) queue.push(resolveRelative(file, spec, root));
      else if (!spec.startsWith('node:') && !BUILTINS.has(spec)) packages.add(packageName(spec));
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/** The deployed package.json: production dependencies of the repository, nothing to build. */
export function runtimePackageJson(pkg: PackageJson): Record<string, unknown> {
  return {
    name: `${pkg.name}-functions`,
    version: pkg.version,
    private: true,
    description: 'DefiYieldOpt Cloud Functions (staged by scripts/deploy.sh; do not edit)',
    main: ENTRY,
    dependencies: pkg.dependencies ?? {},
  };
}

/**
 * The repository lockfile for the runtime package: the root entry lists only the production
 * dependencies and dev-only packages (`"dev": true`) are dropped, so `npm ci` in Cloud Build
 * installs exactly the versions tested here.
 */
export function pruneLockfile(lock: Lockfile, runtimePkg: { name: unknown; version: unknown; dependencies: Record<string, string> }): Lockfile {
  const packages: Lockfile['packages'] = {};
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '') packages[key] = { name: runtimePkg.name, version: runtimePkg.version, dependencies: runtimePkg.dependencies };
    else if (!entry.dev) packages[key] = entry;
  }
  return { ...lock, name: String(runtimePkg.name), version: String(runtimePkg.version), packages };
}

function copyFile(root: string, rel: string, stageDir: string): void {
  const target = path.join(stageDir, rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(root, rel), target);
}

export function stageFunctions(root: string, stageDir: string): ImportGraph {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  if (!fs.existsSync(path.join(root, ENTRY))) throw new Error(`${ENTRY} is missing: run \`npm run build\` first`);
  const graph = collectImportGraph(root);
  const runtimeDeps = pkg.dependencies ?? {};
  const missing = graph.packages.filter((p) => !(p in runtimeDeps));
  if (missing.length) throw new Error(`the functions import ${missing.join(', ')}, not in package.json "dependencies" (dev dependencies are not deployed)`);

  fs.rmSync(stageDir, { recursive: true, force: true });
  fs.mkdirSync(stageDir, { recursive: true });
  for (const file of graph.files) {
    copyFile(root, file, stageDir);
    if (fs.existsSync(path.join(root, `${file}.map`))) copyFile(root, `${file}.map`, stageDir);
  }
  const runtimePkg = runtimePackageJson(pkg) as { name: string; version: string; dependencies: Record<string, string> };
  fs.writeFileSync(path.join(stageDir, 'package.json'), `${JSON.stringify(runtimePkg, null, 2)}\n`);
  fs.writeFileSync(path.join(stageDir, 'package-lock.json'), `${JSON.stringify(pruneLockfile(lock, runtimePkg), null, 2)}\n`);
  fs.writeFileSync(path.join(stageDir, '.gcloudignore'), 'node_modules/\n');
  return graph;
}

/** FUNCTION_NAMES of the compiled entry point (the deploy script compares them with the source). */
export function compiledFunctionNames(root: string): readonly string[] {
  process.env.METADATA_SERVER_DETECTION = 'none';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(root, ENTRY)) as { FUNCTION_NAMES?: readonly string[] };
  if (!Array.isArray(mod.FUNCTION_NAMES)) throw new Error(`${ENTRY} does not export FUNCTION_NAMES`);
  return mod.FUNCTION_NAMES;
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: stage-functions DIR\n');
    process.exit(2);
  }
  try {
    const root = repoRoot();
    const graph = stageFunctions(root, path.resolve(root, dir));
    process.stderr.write(`stage-functions: ${graph.files.length} files, packages ${graph.packages.join(' ')} → ${dir}\n`);
    process.stdout.write(`${compiledFunctionNames(root).join('\n')}\n`);
    // The functions framework keeps no handles open, but be explicit: this is a one-shot CLI.
    process.exit(0);
  } catch (e) {
    process.stderr.write(`stage-functions: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
