import { describe, expect, it } from 'vitest';
import { aliasesEnabled, findVersion, splitAliasBlock, stripCommentLines } from './preprocess.js';

describe('stripCommentLines', () => {
  it('removes whole comment lines, keeps inline comments and maps lines to the original', () => {
    const out = stripCommentLines('# head\nversion: v1.1.0\n  # indented\nsteps: # inline\n');
    expect(out.text).toBe('version: v1.1.0\nsteps: # inline\n');
    expect(out.lines).toEqual([2, 4, 5]);
  });
});

describe('findVersion', () => {
  it.each([
    ['version: v1.1.0', 'v1.1.0'],
    ['version:foo:bar:beta', 'foo:bar:beta'],
    ['version:   "v1.1.0\'', 'v1.1.0'],
    ['versionOfTask:v1.1.0', ''],
    ['version', ''],
    ['"version": v1.0.0', 'v1.0.0'],
    ['  version: v1.1.0', ''],
    ['# version: v1.1.0\n\nversion: v1.0.0', 'v1.0.0'],
    ['steps: []\nversion: v1.1.0', 'v1.1.0'],
  ])('finds %j as %j', (text, version) => {
    expect(findVersion(text)).toBe(version);
  });

  it('turns aliases on by byte-order comparison with v1.1.0', () => {
    expect(aliasesEnabled('v1.1.0')).toBe(true);
    expect(aliasesEnabled('{{.Values.v}}')).toBe(true);
    expect(aliasesEnabled('V1.1.0')).toBe(false);
    expect(aliasesEnabled('v1.0.0')).toBe(false);
    expect(aliasesEnabled('')).toBe(false);
  });
});

describe('splitAliasBlock', () => {
  it('cuts the column-0 alias block out up to the next top-level key, dropping comment lines', () => {
    const text = 'version: v1.1.0\nalias:\n  values:\n    # c\n    a: b\nsteps:\n  - cmd: $a\n';
    const { alias, rest } = splitAliasBlock({ text, lines: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(alias.text).toBe('alias:\n  values:\n    a: b\n');
    expect(alias.lines).toEqual([2, 3, 5]);
    expect(rest.text).toBe('version: v1.1.0\nsteps:\n  - cmd: $a\n');
    expect(rest.lines).toEqual([1, 6, 7]);
  });

  it('leaves an indented alias key alone', () => {
    const { alias } = splitAliasBlock({ text: 'steps:\n  alias: x\n', lines: [1, 2] });
    expect(alias.text).toBe('');
  });
});
