import { createRequire } from 'node:module';

// The package is CommonJS with `module.exports = factory` but types it as a default export, which
// NodeNext resolution does not line up; require() gets the factory itself.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as (options: object) => {
  add(patterns: string[]): { ignores(path: string): boolean };
};

/** Compiled .dockerignore rules with Docker's semantics (moby's builder/dockerignore). */
export interface IgnoreRules {
  /** True when the archive path (`/` separators, no leading `./`) is left out of the context. */
  ignores(path: string): boolean;
  /** True when some rule starts with `!`, so an ignored folder must still be walked. */
  readonly hasExceptions: boolean;
}

/**
 * Parses a .dockerignore file: one pattern a line, surrounding whitespace trimmed, blank and `#`
 * lines skipped, a UTF-8 BOM tolerated; `*`, `?`, `[...]` and `**` as in Go's filepath.Match plus
 * Docker's `**`; a leading `/` is dropped (patterns are anchored at the root anyway); `!` re-includes;
 * the last matching rule wins; a path whose parent folder is ignored is ignored too unless a later
 * `!` rule matches it. The matching itself is `@balena/dockerignore`, a port of moby's.
 */
export function createIgnoreRules(text: string): IgnoreRules {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const matcher = dockerignore({}).add(lines);
  return {
    ignores: (path) => matcher.ignores(path),
    hasExceptions: lines.some((line) => line.startsWith('!')),
  };
}
