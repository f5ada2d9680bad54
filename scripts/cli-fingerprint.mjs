// @ts-check
// Whether the compiled CLI in dist/cli/ still matches the sources (ADR 0006). Plain JavaScript
// with no dependencies: bin/slipway loads it on every start, before it knows whether tsx is needed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the build reads besides src/: a change to one of these also makes the bundle stale. */
export const BUILD_FILES = ['tsconfig.json', 'package.json', 'scripts/build-cli.mjs', 'scripts/cli-fingerprint.mjs'];

/** Where the build records what it compiled: `{ entry, inputs }`, entry relative to dist/cli/, inputs by path. */
export const STAMP_FILE = join('dist', 'cli', 'current.json');

/**
 * `size mtimeMs` of a file or folder (path relative to root), or `missing`. Comparing these for
 * equality, not "newer than", also catches deletions and files restored with an old mtime.
 * @param {string} root
 * @param {string} rel
 * @returns {string}
 */
export function statSignature(root, rel) {
  const st = statSync(join(root, rel), { throwIfNoEntry: false });
  return st ? `${st.size} ${st.mtimeMs}` : 'missing';
}

/**
 * Every folder and file under src/ plus BUILD_FILES, with their stat signatures: what the build
 * compares before and after compiling, to notice an edit made while esbuild was reading.
 * @param {string} root
 * @returns {Map<string, string>}
 */
export function sourceTree(root) {
  const lines = new Map();
  const walk = (rel) => {
    lines.set(rel, statSignature(root, rel));
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else lines.set(child, statSignature(root, child));
    }
  };
  walk('src');
  for (const f of BUILD_FILES) lines.set(f, statSignature(root, f));
  return lines;
}

/**
 * The compiled entry point (absolute path) when every input the build recorded (the modules
 * esbuild bundled, the asset folders, BUILD_FILES) still has the size and mtime it had then;
 * undefined when there is no build, it is stale, or the stamp cannot be read. Stats only, no
 * reads and no folder walk: about 100 files, well under 1 ms once warm. Only bundled inputs count,
 * so editing a test or a module the CLI does not import keeps the bundle current.
 * @param {string} root the repository root
 * @returns {string | undefined}
 */
export function currentBundle(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const inputs = Object.entries(stamp?.inputs ?? {});
  if (typeof stamp?.entry !== 'string' || inputs.length === 0) return undefined;
  for (const [rel, signature] of inputs) {
    if (statSignature(root, rel) !== signature) return undefined;
  }
  const entry = join(root, 'dist', 'cli', stamp.entry);
  return existsSync(entry) ? entry : undefined;
}
