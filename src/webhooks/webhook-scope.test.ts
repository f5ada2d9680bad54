import { describe, expect, it } from 'vitest';
import { isValidScope, scopeMatches } from './webhook-scope.js';

describe('webhook scope', () => {
  it('matches everything when empty or "*"', () => {
    expect(scopeMatches('', { repository: 'a/b', tag: 'v1' })).toBe(true);
    expect(scopeMatches('*', { repository: 'a/b' })).toBe(true);
  });

  it('matches one tag with repo:tag and every tag with repo:*', () => {
    expect(scopeMatches('web:v1', { repository: 'web', tag: 'v1' })).toBe(true);
    expect(scopeMatches('web:v1', { repository: 'web', tag: 'v2' })).toBe(false);
    expect(scopeMatches('web:*', { repository: 'web', tag: 'v2' })).toBe(true);
    expect(scopeMatches('web:*', { repository: 'api', tag: 'v2' })).toBe(false);
  });

  it('reads a bare repository as repo:latest, as ACR does', () => {
    expect(scopeMatches('web', { repository: 'web', tag: 'latest' })).toBe(true);
    expect(scopeMatches('web', { repository: 'web', tag: 'v1' })).toBe(false);
  });

  it('globs * on both sides, crossing / in the repository', () => {
    expect(scopeMatches('team/*:v*', { repository: 'team/a/b', tag: 'v1.2' })).toBe(true);
    expect(scopeMatches('team/*:v*', { repository: 'other/a', tag: 'v1' })).toBe(false);
    expect(scopeMatches('*:release-*', { repository: 'x', tag: 'release-7' })).toBe(true);
  });

  it('treats regex characters in a scope literally', () => {
    expect(scopeMatches('a.b:v1', { repository: 'aXb', tag: 'v1' })).toBe(false);
  });

  it('matches an event without a tag only when the tag part is *', () => {
    expect(scopeMatches('web:*', { repository: 'web' })).toBe(true);
    expect(scopeMatches('web:v1', { repository: 'web' })).toBe(false);
    expect(scopeMatches('web', { repository: 'web' })).toBe(false);
  });

  it('refuses malformed scopes', () => {
    expect(isValidScope('web:*')).toBe(true);
    expect(isValidScope('Web')).toBe(false);
    expect(isValidScope('web:a:b')).toBe(false);
    expect(isValidScope('web:')).toBe(false);
  });
});
