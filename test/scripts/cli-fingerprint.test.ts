import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_FILES, STAMP_FILE, currentBundle, sourceTree, statSignature } from '../../scripts/cli-fingerprint.mjs';

describe('the compiled CLI freshness check (bin/slipway)', () => {
  let root: string;
  const entry = (): string => join(root, 'dist', 'cli', 'b1', 'main.js');

  function write(rel: string, text: string): void {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }

  /** What scripts/build-cli.mjs records: the signatures of the bundled inputs, as they are now. */
  function stamp(inputs: readonly string[]): void {
    const tree = sourceTree(root);
    write(STAMP_FILE, JSON.stringify({ entry: 'b1/main.js', inputs: Object.fromEntries(inputs.map((rel) => [rel, tree.get(rel)])) }));
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-fingerprint-'));
    write('src/main.ts', 'export const a = 1;\n');
    write('src/cli/run-cli.ts', 'export const b = 2;\n');
    write('src/cli/run-cli.test.ts', 'test\n');
    for (const f of BUILD_FILES) write(f, '{}\n');
    write('dist/cli/b1/main.js', 'export {};\n');
    stamp(['src/main.ts', 'src/cli/run-cli.ts', ...BUILD_FILES]);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('returns the entry while every recorded input is unchanged', () => {
    expect(currentBundle(root)).toBe(entry());
  });

  it('reports no bundle when there is no stamp (a fresh clone before the build)', () => {
    rmSync(join(root, STAMP_FILE));
    expect(currentBundle(root)).toBeUndefined();
  });

  it('reports a stale bundle when a bundled source was edited', () => {
    write('src/cli/run-cli.ts', 'export const b = 3; // edited\n');
    expect(currentBundle(root)).toBeUndefined();
  });

  it('reports a stale bundle when a bundled source was deleted', () => {
    rmSync(join(root, 'src/main.ts'));
    expect(currentBundle(root)).toBeUndefined();
  });

  it('reports a stale bundle when a source is restored with an older mtime', () => {
    utimesSync(join(root, 'src/main.ts'), new Date('2020-01-01'), new Date('2020-01-01'));
    expect(currentBundle(root)).toBeUndefined();
  });

  it('reports a stale bundle when a build file (tsconfig, the build script) changed', () => {
    write('tsconfig.json', '{ "compilerOptions": {} }\n');
    expect(currentBundle(root)).toBeUndefined();
  });

  it('keeps the bundle when only a file it does not include changed (a unit test)', () => {
    write('src/cli/run-cli.test.ts', 'test, edited\n');
    expect(currentBundle(root)).toBe(entry());
  });

  it('reports no bundle when the stamped entry file is gone', () => {
    rmSync(join(root, 'dist/cli/b1'), { recursive: true });
    expect(currentBundle(root)).toBeUndefined();
  });

  it('reports no bundle when the stamp is not valid JSON', () => {
    write(STAMP_FILE, '{');
    expect(currentBundle(root)).toBeUndefined();
  });

  it('signs a missing path as missing', () => {
    expect(statSignature(root, 'src/nope.ts')).toBe('missing');
  });
});
