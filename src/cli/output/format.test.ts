import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors/index.js';
import { formatOutput, parseOutputFormat } from './format.js';

const tags = [
  { name: 'v1', digest: 'sha256:aa', createdTime: '2026-01-01T00:00:00.000Z', lastUpdateTime: '2026-01-02T00:00:00.000Z' },
  { name: 'latest', digest: 'sha256:bb', createdTime: '2026-01-03T00:00:00.000Z', lastUpdateTime: '2026-01-04T00:00:00.000Z' },
];

describe('formatOutput', () => {
  it('prints indented JSON by default', () => {
    expect(JSON.parse(formatOutput(['a', 'b'], { output: 'json' }))).toEqual(['a', 'b']);
    expect(formatOutput(['a'], { output: 'json' })).toBe('[\n  "a"\n]\n');
  });

  it('prints a table with upper-case headers split at camelCase, a rule and aligned columns', () => {
    const text = formatOutput(tags, { output: 'table' });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DIGEST\s+CREATED TIME\s+LAST UPDATE TIME$/);
    expect(lines[1]).toMatch(/^-+ {2}-+ {2}-+ {2}-+$/);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['v1', 'sha256:aa', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
    expect(lines).toHaveLength(4);
  });

  it('puts a list of scalars under a RESULT column in a table', () => {
    expect(formatOutput(['app', 'web'], { output: 'table' })).toBe('RESULT\n------\napp\nweb\n');
  });

  it('joins lists inside a table cell and prints an empty list as an empty cell', () => {
    const text = formatOutput([{ digest: 'sha256:aa', tags: ['a', 'b'] }, { digest: 'sha256:bb', tags: [] }], { output: 'table' });
    expect(text.split('\n')[2]).toBe('sha256:aa  a, b');
    expect(text.split('\n')[3]).toBe('sha256:bb');
  });

  it('prints TSV without headers, one line per item', () => {
    expect(formatOutput(tags, { output: 'tsv' })).toBe(
      'v1\tsha256:aa\t2026-01-01T00:00:00.000Z\t2026-01-02T00:00:00.000Z\nlatest\tsha256:bb\t2026-01-03T00:00:00.000Z\t2026-01-04T00:00:00.000Z\n',
    );
    expect(formatOutput({ repository: 'app', deletedTags: 2 }, { output: 'tsv' })).toBe('app\t2\n');
    expect(formatOutput([], { output: 'tsv' })).toBe('');
  });

  it('prints YAML', () => {
    expect(formatOutput({ repository: 'app', tags: ['v1'] }, { output: 'yaml' })).toBe('repository: app\ntags:\n  - v1\n');
  });

  it('applies the JMESPath query before formatting', () => {
    expect(formatOutput(tags, { output: 'tsv', query: '[].name' })).toBe('v1\nlatest\n');
    expect(JSON.parse(formatOutput(tags, { output: 'json', query: "[?name=='latest'].digest | [0]" }))).toBe('sha256:bb');
  });

  it('prints null as JSON when a query matches nothing', () => {
    expect(formatOutput({ a: 1 }, { output: 'json', query: 'b' })).toBe('null\n');
    expect(formatOutput({ a: 1 }, { output: 'table', query: 'b' })).toBe('');
  });

  it('turns a malformed query into a usage error', () => {
    let caught: unknown;
    try {
      formatOutput([], { output: 'json', query: '[?' });
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught) && caught.code).toBe('USAGE_INVALID');
  });
});

describe('parseOutputFormat', () => {
  it('defaults to json and rejects unknown formats as usage errors', () => {
    expect(parseOutputFormat(undefined)).toBe('json');
    expect(parseOutputFormat('yaml')).toBe('yaml');
    expect(() => parseOutputFormat('xml')).toThrow(/--output must be one of json, table, tsv, yaml/);
  });
});
