// @ts-check
// `npm run build:cli`: compiles the CLI (src/main.ts and all it imports) to JavaScript with
// esbuild, so bin/slipway starts without compiling TypeScript at run time (ADR 0006).
//
//   node scripts/build-cli.mjs [--force]
//
// Output: dist/cli/<build id>/main.js plus chunks (one per lazily imported module group, e.g.
// the server's modules that only `serve`, `gc` and `seed` load), and dist/cli/current.json with
// the entry and the size and mtime of every input it was built from (the bundled modules, the
// assets, the build files). bin/slipway runs the build only while all of them still match;
// otherwise it falls back to tsx. Does nothing when the build is already current, unless --force. npm packages stay external (resolved from
// node_modules at run time), among them better-sqlite3, which is native.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { BUILD_FILES, STAMP_FILE, currentBundle, sourceTree } from './cli-fingerprint.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_ROOT = join(ROOT, 'dist', 'cli');

/**
 * Files that modules find next to themselves with `new URL('./x', import.meta.url)`: in the
 * bundle, import.meta.url is the chunk's URL, so each goes next to the chunks.
 */
const ASSETS = [{ from: 'src/metadata/sqlite/migrations', to: 'migrations' }];

/** Build directories other than the current and the previous one are removed once this old. */
const STALE_BUILD_AGE_MS = 10 * 60_000;

const log = (msg) => process.stderr.write(`build-cli: ${msg}\n`);

/**
 * Compiles into outdir and copies the assets; resolves with the inputs the bundle depends on
 * (paths relative to the repository root).
 * @param {string} outdir
 * @returns {Promise<string[]>}
 */
async function compile(outdir) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'src', 'main.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    tsconfig: join(ROOT, 'tsconfig.json'),
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  for (const asset of ASSETS) cpSync(join(ROOT, asset.from), join(outdir, asset.to), { recursive: true });
  checkAssetUrls(outdir);
  const assetPaths = ASSETS.flatMap((a) => [a.from, ...readdirSync(join(ROOT, a.from)).map((n) => `${a.from}/${n}`)]);
  return [...Object.keys(result.metafile.inputs), ...assetPaths, ...BUILD_FILES];
}

/** Two snapshots of the source tree are equal (no file added, removed or changed in between). */
function isSameTree(a, b) {
  return a.size === b.size && [...a].every(([rel, sig]) => b.get(rel) === sig);
}

/** Fails the build when a chunk refers to a file next to it that ASSETS did not copy. */
function checkAssetUrls(outdir) {
  for (const name of readdirSync(outdir).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(join(outdir, name), 'utf8');
    for (const m of text.matchAll(/new URL\(\s*["'`](\.{1,2}\/[^"'`]*)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
      const target = join(outdir, m[1] ?? '');
      if (!existsSync(target)) throw new Error(`${name} refers to ${m[1]} next to itself, which the build did not copy: add it to ASSETS in scripts/build-cli.mjs`);
    }
  }
}

/** The build directory current.json points at, if any. */
function previousBuild() {
  try {
    return dirname(JSON.parse(readFileSync(join(ROOT, STAMP_FILE), 'utf8')).entry);
  } catch {
    return undefined;
  }
}

/**
 * Old builds go, except the current and the previous one (a process started from it may still
 * load its lazy chunks) and any younger than STALE_BUILD_AGE_MS (another build running now).
 */
function removeOldBuilds(keep) {
  for (const name of readdirSync(OUT_ROOT)) {
    const dir = join(OUT_ROOT, name);
    if (keep.includes(name) || !statSync(dir).isDirectory()) continue;
    if (Date.now() - statSync(dir).mtimeMs > STALE_BUILD_AGE_MS) rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const isForced = process.argv.includes('--force');
  if (!isForced && currentBundle(ROOT) !== undefined) {
    log('dist/cli is current');
    return;
  }
  mkdirSync(OUT_ROOT, { recursive: true });
  const started = performance.now();
  // The tree is stat'ed before esbuild reads the sources and compared after: a file edited
  // during the build would otherwise be recorded as compiled when it was not.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const before = sourceTree(ROOT);
    const id = `b${Date.now().toString(36)}${process.pid.toString(36)}`;
    const outdir = join(OUT_ROOT, id);
    const inputs = await compile(outdir);
    if (!isSameTree(before, sourceTree(ROOT)) || inputs.some((rel) => !before.has(rel))) {
      rmSync(outdir, { recursive: true, force: true });
      log(`sources changed during the build, again (${attempt}/3)`);
      continue;
    }
    const previous = previousBuild();
    const stamp = join(ROOT, STAMP_FILE);
    const stampInputs = Object.fromEntries(inputs.map((rel) => [rel, before.get(rel)]));
    writeFileSync(`${stamp}.${process.pid}.tmp`, `${JSON.stringify({ entry: `${id}/main.js`, inputs: stampInputs }, null, 1)}\n`);
    renameSync(`${stamp}.${process.pid}.tmp`, stamp);
    removeOldBuilds([id, ...(previous ? [previous] : [])]);
    log(`compiled ${relative(ROOT, outdir)} in ${Math.round(performance.now() - started)} ms`);
    return;
  }
  throw new Error('the sources kept changing during the build; bin/slipway runs them through tsx');
}

main().catch((err) => {
  log(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
