import { describe, expect, it } from 'vitest';
import { parseBuildCommand } from './build-string.js';
import { splitShellWords } from './shell-words.js';
import { envRecord } from './task-runner.js';

describe('splitShellWords', () => {
  it.each([
    ['busybox echo hello', ['busybox', 'echo', 'hello']],
    ['  a   b  ', ['a', 'b']],
    [`img sh -c 'echo $HOME && ls'`, ['img', 'sh', '-c', 'echo $HOME && ls']],
    [`img echo "a \\"quoted\\" word" ''`, ['img', 'echo', 'a "quoted" word', '']],
    ['img a\\ b c', ['img', 'a b', 'c']],
    ['img "x"y\'z\'', ['img', 'xyz']],
  ])('%s', (line, words) => {
    expect(splitShellWords(line)).toEqual(words);
  });
  it('refuses an unterminated quote', () => {
    expect(() => splitShellWords(`img echo 'oops`)).toThrow(/unterminated single quote/);
  });
});

describe('parseBuildCommand', () => {
  it('reads tags, file, args, target, labels and the context, in both flag forms', () => {
    const cmd = parseBuildCommand('-t reg/app:1 --tag=reg/app:latest -f docker/Dockerfile --build-arg A=1 --build-arg B --build-arg=C=x=y --target final --label team=x --no-cache --pull ./src', { B: 'from-env' });
    expect(cmd).toEqual({
      context: './src',
      dockerfile: 'docker/Dockerfile',
      tags: ['reg/app:1', 'reg/app:latest'],
      buildArgs: { A: '1', B: 'from-env', C: 'x=y' },
      target: 'final',
      noCache: true,
      pull: true,
      labels: { team: 'x' },
      platform: null,
      network: null,
      ignored: [],
    });
  });
  it('defaults the context to ".", leaves out a bare build arg with no value anywhere, and lists ignored flags', () => {
    const cmd = parseBuildCommand('-t a --build-arg MISSING --isolation hyperv --cache-to type=inline');
    expect(cmd).toMatchObject({ context: '.', buildArgs: {}, ignored: ['--isolation', '--cache-to'] });
    expect(parseBuildCommand('https://git.example.invalid/org/app.git#main:web').context).toBe('https://git.example.invalid/org/app.git#main:web');
  });
  it('refuses unknown flags, a flag without its value and two contexts', () => {
    expect(() => parseBuildCommand('--frobnicate .')).toThrow(/unknown docker build flag "--frobnicate"/);
    expect(() => parseBuildCommand('-t')).toThrow(/needs a value/);
    expect(() => parseBuildCommand('a b')).toThrow(/one context/);
  });
});

describe('envRecord', () => {
  it('unquotes values as the host shell would for --env, and splits on the first =', () => {
    expect(envRecord([`KEY='{"a": 1}'`, 'PLAIN=x=y', `SPACED="a b"`, `BROKEN='oops`, 'NOEQUALS'])).toEqual({ KEY: '{"a": 1}', PLAIN: 'x=y', SPACED: 'a b', BROKEN: `'oops` });
  });
});
