import { describe, expect, it } from 'vitest';
import { parseBuildArguments } from './build-arguments.js';
import { mergeEnv } from './env-merge.js';
import { normalisePushList } from './push-images.js';
import { buildWhenGraph } from './when-graph.js';

describe('mergeEnv (acb 1.6)', () => {
  it.each([
    [['A=1'], [], { env: ['A=1'] }],
    [['noequals'], [], { env: ['noequals'] }],
    [['A=1', 'B=2'], ['B=9', 'C=3'], { env: ['A=1', 'B=2', 'C=3'] }],
    [['A=1'], ['B=2,C=3'], { env: ['A=1', 'B=2', 'C=3'] }],
    [['A=1'], ['B=2', 'B=3'], { env: ['A=1', 'B=2', 'B=3'] }],
    [['key3=newVal3='], ['key3=x'], { env: ['key3=newVal3='] }],
    [['A=1,B'], ['C=1'], { env: ['A=1,B', 'C=1'] }],
    [['A'], ['C=1'], { error: 'cannot parse step environment variable A correctly', entry: 'A', side: 'specific' }],
    [['A=1'], ['C=1,B'], { error: 'cannot parse task environment variable B correctly', entry: 'B', side: 'defaults' }],
  ])('merges %j over %j', (specific, defaults, result) => {
    expect(mergeEnv(specific, defaults)).toEqual(result);
  });
});

describe('normalisePushList', () => {
  it('adds :latest where there is neither tag nor digest and drops duplicates, keeping the first', () => {
    expect(normalisePushList(['foo', 'foo:latest', 'localhost:5000/bar', 'x@sha256:abc'])).toEqual(['foo:latest', 'localhost:5000/bar', 'x@sha256:abc']);
    expect(normalisePushList(['b', 'a', 'b:latest', 'a:v1'])).toEqual(['b:latest', 'a:latest', 'a:v1']);
  });
});

describe('parseBuildArguments', () => {
  it('reads Dockerfile, target, tags, build args and the last positional as context', () => {
    expect(parseBuildArguments('--no-cache -t a:1 --tag b -f dir/Dockerfile --build-arg X=1 --target "t1" src')).toEqual({
      dockerfile: 'dir/Dockerfile', target: 't1', context: 'src', tags: ['a:1', 'b'], buildArgs: ['X=1'],
    });
  });

  it('defaults the context to . and misses forms acb misses', () => {
    expect(parseBuildArguments('-t x').context).toBe('.');
    expect(parseBuildArguments('--file=Dockerfile.x .').dockerfile).toBe('');
    expect(parseBuildArguments('--no-cache https://git.example.invalid/r.git').context).toBe('.');
  });
});

describe('buildWhenGraph (acb 1.5)', () => {
  const step = (id: string, when: string[] = []) => ({ id, when, at: { line: 1, column: 1 }, whenAt: when.map(() => ({ line: 2, column: 3 })) });

  it('depends on the previous step by default, even when that step starts at once', () => {
    const { dependsOn, diagnostics } = buildWhenGraph([step('a'), step('b', ['-']), step('c'), step('d', ['a', 'c'])]);
    expect(dependsOn).toEqual([[], [], ['b'], ['a', 'c']]);
    expect(diagnostics).toEqual([]);
  });

  it('names a later step with the acb message and a hint', () => {
    const { diagnostics } = buildWhenGraph([step('a', ['b']), step('b')]);
    expect(diagnostics).toEqual([{ severity: 'error', message: 'b does not exist as a vertex [from: b, to: a]', hint: 'a `when` can only name an earlier step', line: 2, column: 3 }]);
  });

  it('reports an unknown step, a duplicate id and the reserved root id', () => {
    const { diagnostics } = buildWhenGraph([step('a'), step('a'), step('acb_root'), step('x', ['nope'])]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'a already exists as a vertex', "acb_root is a reserved ID, it can't be used", 'nope does not exist as a vertex [from: nope, to: x]',
    ]);
  });

  it('dedupes a repeated when entry with a warning (acb would hang)', () => {
    const { dependsOn, diagnostics } = buildWhenGraph([step('a'), step('b', ['a', 'a'])]);
    expect(dependsOn[1]).toEqual(['a']);
    expect(diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });
});
