import { describe, expect, it } from 'vitest';
import { buildAliasSet, expandCommandAlias, substituteAliases, type AliasSet } from './aliases.js';
import { IMAGE_ALIASES } from './image-aliases.js';
import type { DecodedObject } from './yaml-reader.js';

const at = { line: 1, column: 1 };
const block = (values: Record<string, unknown>): DecodedObject => ({ at, values, keyAt: {}, itemAt: {} });
const set = buildAliasSet(block({ values: { myval: 'V', custom: 'multi\nline' } }), () => ({})).aliases;

describe('substituteAliases (acb verified examples)', () => {
  it.each([
    ['$ID$Date', '{{.Run.ID}}{{.Run.Date}}'],
    ['$foo$ID', '$foo$ID'],
    ['$$ID', '$ID'],
    ['$$$ID', '${{.Run.ID}}'],
    ['$ID.tag', '{{.Run.ID}}.tag'],
    ['$', '$'],
    ['$-x', '$-x'],
    ['${ID}', '${ID}'],
    ['x$IDy', 'x$IDy'],
    ['$Registry/img:$ID', '{{.Run.Registry}}/img:{{.Run.ID}}'],
    ['{{ $x := .Values.y }}', '{{ $x := .Values.y }}'],
    ['$bash', IMAGE_ALIASES.bash!],
    ['$custom', 'multi\nline'],
    ['$myval-$HOME', 'V-$HOME'],
    ['$id', '$id'],
  ])('%j becomes %j', (input, output) => {
    expect(substituteAliases(input, set)).toBe(output);
  });

  it('uses another directive: an inline #foo is a reference', () => {
    const hash: AliasSet = { map: { foo: 'bar' }, directive: '#' };
    expect(substituteAliases('cmd: #foo', hash)).toBe('cmd: bar');
  });
});

describe('expandCommandAlias (acb verified examples)', () => {
  const map = { ...set.map, bash: 'myimage:1' };
  it.each([
    ['bash echo', 'myimage:1 echo'],
    ['acr purge', `${IMAGE_ALIASES.acr} purge`],
    ['  az   login', `${IMAGE_ALIASES.az}   login`],
    ['acrmixedin --wait 300', 'acrmixedin --wait 300'],
    ['ID', '{{.Run.ID}}'],
    ['  alpine  ', '  alpine  '],
  ])('%j becomes %j', (cmd, out) => {
    expect(expandCommandAlias(cmd, map)).toBe(out);
  });
});

describe('buildAliasSet', () => {
  it('lets inline values beat src files, later src files beat earlier ones, and everything beat defaults', () => {
    const files: Record<string, Record<string, string>> = { 'a.yaml': { x: 'a', y: 'a', ID: 'mine' }, 'b.yaml': { x: 'b' } };
    const { aliases, diagnostics } = buildAliasSet(block({ values: { y: 'inline' }, src: ['a.yaml', 'b.yaml'] }), (src) => files[src]!);
    expect(diagnostics).toEqual([]);
    expect(aliases.map).toMatchObject({ x: 'b', y: 'inline', ID: 'mine', Date: '{{.Run.Date}}', bash: IMAGE_ALIASES.bash });
    expect(aliases.directive).toBe('$');
  });

  it.each([
    [{ directive: '%%' }, '$ directive can only be overwritten by a single character'],
    [{ directive: 'a' }, 'overwritten directives may not be alphanumeric characters'],
    [{ values: { 'my-alias': 'x' } }, 'alias key names only support alphanumeric characters'],
  ])('rejects %j', (values, message) => {
    expect(buildAliasSet(block(values), () => ({})).diagnostics.map((d) => d.message)).toEqual([message]);
  });
});
