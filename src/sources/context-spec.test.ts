import { describe, expect, it } from 'vitest';
import { parseContextSpec, redactUrl } from './context-spec.js';

describe('parseContextSpec', () => {
  it.each([
    ['.', '.'],
    ['./src', './src'],
    ['/home/me/app', '/home/me/app'],
    ['app#not-a-fragment', 'app#not-a-fragment'],
  ])('reads %s as a local folder', (arg, path) => {
    expect(parseContextSpec(arg)).toEqual({ kind: 'local', path });
  });

  it.each(['/dev/null', '/DEV/NULL'])('reads %s as no context', (arg) => {
    expect(parseContextSpec(arg)).toEqual({ kind: 'none' });
  });

  it.each([
    ['https://git.example.invalid/org/repo.git', 'https://git.example.invalid/org/repo.git', null, null],
    ['https://git.example.invalid/org/repo.git#main', 'https://git.example.invalid/org/repo.git', 'main', null],
    ['https://git.example.invalid/org/repo.git#main:app', 'https://git.example.invalid/org/repo.git', 'main', 'app'],
    ['https://git.example.invalid/org/repo.git#:app/web/', 'https://git.example.invalid/org/repo.git', null, 'app/web'],
    ['https://git.example.invalid/org/repo.git#v1.2.0', 'https://git.example.invalid/org/repo.git', 'v1.2.0', null],
    ['https://git.example.invalid/org/repo.git#3f2a9c1d:sub', 'https://git.example.invalid/org/repo.git', '3f2a9c1d', 'sub'],
    ['https://git.example.invalid/org/repo.git#feature/x:.', 'https://git.example.invalid/org/repo.git', 'feature/x', null],
    ['https://dev.example.invalid/org/proj/_git/repo#main:folder', 'https://dev.example.invalid/org/proj/_git/repo', 'main', 'folder'],
    ['http://127.0.0.1:9418/repo.git#main:app', 'http://127.0.0.1:9418/repo.git', 'main', 'app'],
    ['git@git.example.invalid:org/repo.git#dev', 'git@git.example.invalid:org/repo.git', 'dev', null],
    ['git://127.0.0.1/repo.git', 'git://127.0.0.1/repo.git', null, null],
    ['ssh://git@git.example.invalid/org/repo.git#main', 'ssh://git@git.example.invalid/org/repo.git', 'main', null],
    ['file:///srv/git/repo#main:sub', 'file:///srv/git/repo', 'main', 'sub'],
  ])('reads %s as git', (arg, url, ref, subfolder) => {
    expect(parseContextSpec(arg)).toEqual({ kind: 'git', url, ref, subfolder });
  });

  it.each(['https://files.example.invalid/ctx.tar.gz', 'http://127.0.0.1:8080/context.tar', 'https://files.example.invalid/download?id=3'])(
    'reads %s as a remote tarball',
    (arg) => {
      expect(parseContextSpec(arg)).toEqual({ kind: 'tarball', url: arg });
    },
  );

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['ftp://files.example.invalid/x.tar', 'an unknown scheme'],
    ['oci://127.0.0.1:5000/artifact:tag', 'an OCI artifact (not supported)'],
    ['https://git.example.invalid/repo.git#--upload-pack=evil', 'a ref that looks like an option'],
    ['https://git.example.invalid/repo.git#a..b', 'a ref with ".."'],
    ['https://git.example.invalid/repo.git#main:../up', 'a subfolder leaving the repository'],
    ['https://git.example.invalid/repo.git#main:/abs', 'an absolute subfolder'],
    ['https://git.example.invalid/repo.git#a#b', 'two fragments'],
    ['https://exa mple.invalid/x.tar', 'whitespace'],
    ['http://[::1/x.tar', 'a malformed URL'],
  ])('rejects %j (%s) with SOURCE_INVALID', (arg) => {
    expect(() => parseContextSpec(arg)).toThrow(expect.objectContaining({ code: 'SOURCE_INVALID' }));
  });

  it('redacts credentials from the detail of a rejected URL', () => {
    try {
      parseContextSpec('https://user:s3cret@git.example.invalid/repo.git#main:../x');
      expect.unreachable();
    } catch (err) {
      expect(JSON.stringify((err as { detail: unknown }).detail)).not.toContain('s3cret');
    }
  });
});

describe('redactUrl', () => {
  it('hides passwords and lone tokens in URLs inside any text', () => {
    expect(redactUrl('fatal: https://bob:pw@127.0.0.1/x.git not found')).toBe('fatal: https://bob:***@127.0.0.1/x.git not found');
    expect(redactUrl('https://ghp_token@127.0.0.1/x.git')).toBe('https://***@127.0.0.1/x.git');
    expect(redactUrl('https://127.0.0.1/x.git')).toBe('https://127.0.0.1/x.git');
  });
});
