import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, isRepoName, isTag, parseImageRef, parseManifestRef } from './reference.js';

const HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('isRepoName', () => {
  it('accepts lower-case alphanumeric components joined by slashes', () => {
    for (const name of ['a', 'ubuntu', 'library/ubuntu', 'team/app/api/v2', '0/9', 'a1b2']) expect(isRepoName(name), name).toBe(true);
  });

  it('accepts the separators ., _, __ and runs of - inside a component', () => {
    for (const name of ['a.b', 'a_b', 'a__b', 'a-b', 'a--b', 'a---b', 'my.app_v2-beta/x__y.z']) expect(isRepoName(name), name).toBe(true);
  });

  it('rejects separators that are repeated or combined beyond the grammar', () => {
    for (const name of ['a..b', 'a___b', 'a._b', 'a-.b', 'a_-b', '..', 'a/../b', 'a/./b']) expect(isRepoName(name), name).toBe(false);
  });

  it('rejects components that start or end with a separator', () => {
    for (const name of ['.a', 'a.', '_a', 'a_', '-a', 'a-', 'x/-a', 'x/a_']) expect(isRepoName(name), name).toBe(false);
  });

  it('rejects empty names, empty components and leading or trailing slashes', () => {
    for (const name of ['', '/a', 'a/', 'a//b', '/']) expect(isRepoName(name), name).toBe(false);
  });

  it('rejects upper case and characters outside the grammar', () => {
    for (const name of ['A', 'Library/ubuntu', 'a b', 'a:b', 'a@b', 'a+b', 'host:5000/x']) expect(isRepoName(name), name).toBe(false);
  });

  it('accepts names up to 255 characters and rejects longer ones', () => {
    expect(MAX_NAME_LENGTH).toBe(255);
    expect(isRepoName('a'.repeat(255))).toBe(true);
    expect(isRepoName('a'.repeat(256))).toBe(false);
    const multi = `${'a'.repeat(127)}/${'b'.repeat(127)}`;
    expect(multi.length).toBe(255);
    expect(isRepoName(multi)).toBe(true);
    expect(isRepoName(`${multi}c`)).toBe(false);
  });
});

describe('isTag', () => {
  it('accepts tags of letters, digits, _, . and - that start with a word character', () => {
    for (const tag of ['latest', 'v1.0.0', 'V1', '_hidden', '1.2-rc_3', 'A.b-C_d']) expect(isTag(tag), tag).toBe(true);
  });

  it('accepts 128 characters and rejects 129', () => {
    expect(isTag('t'.repeat(128))).toBe(true);
    expect(isTag('t'.repeat(129))).toBe(false);
  });

  it('rejects empty tags, leading . or - and characters outside the grammar', () => {
    for (const tag of ['', '.hidden', '-x', 'a:b', 'a/b', 'a+b', 'a b', 'a@b']) expect(isTag(tag), tag).toBe(false);
  });
});

describe('parseManifestRef', () => {
  it('reads text without a colon as a tag', () => {
    expect(parseManifestRef('v1.0')).toEqual({ kind: 'tag', tag: 'v1.0' });
  });

  it('reads text with a colon as a digest', () => {
    expect(parseManifestRef(`sha256:${HEX}`)).toEqual({ kind: 'digest', digest: `sha256:${HEX}` });
  });

  it('reports an invalid tag, a malformed digest and an unsupported algorithm apart', () => {
    expect(parseManifestRef('-bad')).toEqual({ kind: 'invalid', reason: 'tag' });
    expect(parseManifestRef('t'.repeat(129))).toEqual({ kind: 'invalid', reason: 'tag' });
    expect(parseManifestRef('sha256:abc')).toEqual({ kind: 'invalid', reason: 'digest' });
    expect(parseManifestRef(`sha256:${HEX.toUpperCase()}`)).toEqual({ kind: 'invalid', reason: 'digest' });
    expect(parseManifestRef('md5:d41d8cd98f00b204e9800998ecf8427e')).toEqual({ kind: 'invalid', reason: 'digest-algorithm' });
  });
});

describe('parseImageRef', () => {
  it('reads a bare repository as its latest tag', () => {
    expect(parseImageRef('a/b')).toEqual({ repo: 'a/b', tag: 'latest' });
  });

  it('reads repo:tag', () => {
    expect(parseImageRef('a/b:v1.2')).toEqual({ repo: 'a/b', tag: 'v1.2' });
  });

  it('reads repo@digest without a tag', () => {
    expect(parseImageRef(`a@sha256:${HEX}`)).toEqual({ repo: 'a', digest: `sha256:${HEX}` });
  });

  it('treats a dotted first component as part of the repository name, not as a host', () => {
    expect(parseImageRef('registry.local/x:1')).toEqual({ repo: 'registry.local/x', tag: '1' });
  });

  it('rejects a host with a port, because a colon before the last slash is no tag and no name', () => {
    expect(parseImageRef('host:5000/x')).toBeUndefined();
    expect(parseImageRef('host:5000/x:1.0')).toBeUndefined();
  });

  it('rejects invalid repositories, tags and digests', () => {
    for (const text of ['', 'A/b', 'a/b:', 'a/b:-x', 'a:b:c', `a@sha256:${HEX.slice(1)}`, 'a@md5:d41d8cd98f00b204e9800998ecf8427e', `a/b:tag@sha256:${HEX}`]) {
      expect(parseImageRef(text), text).toBeUndefined();
    }
  });
});
