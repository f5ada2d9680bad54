import { describe, expect, it } from 'vitest';
import { TokenCache, basicAuthorization, parseTokenAnswer, tokenUrl } from './upstream-auth.js';

describe('parseTokenAnswer', () => {
  it('takes `token`, else OAuth2 `access_token`, with expires_in', () => {
    expect(parseTokenAnswer({ token: 't1', expires_in: 300 })).toEqual({ token: 't1', expiresInSeconds: 300 });
    expect(parseTokenAnswer({ access_token: 't2', expires_in: 120 })).toEqual({ token: 't2', expiresInSeconds: 120 });
  });

  it('assumes 60 seconds when the lifetime is missing or nonsense (token spec default)', () => {
    expect(parseTokenAnswer({ token: 't' })).toEqual({ token: 't', expiresInSeconds: 60 });
    expect(parseTokenAnswer({ token: 't', expires_in: -5 })).toEqual({ token: 't', expiresInSeconds: 60 });
  });

  it('gives undefined for an answer without a token', () => {
    expect(parseTokenAnswer({ token: '' })).toBeUndefined();
    expect(parseTokenAnswer('nope')).toBeUndefined();
    expect(parseTokenAnswer(null)).toBeUndefined();
  });
});

describe('tokenUrl', () => {
  it("asks the realm for the challenge's service and scope", () => {
    const url = tokenUrl({ scheme: 'bearer', params: { realm: 'https://auth.example.invalid/token?x=1', service: 'reg', scope: 'repository:library/x:pull' } }, 'repository:other:pull');
    expect(url.host).toBe('auth.example.invalid');
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.get('service')).toBe('reg');
    expect(url.searchParams.getAll('scope')).toEqual(['repository:library/x:pull']);
  });

  it('uses our own scope when the challenge names none, and one scope parameter per space-separated scope', () => {
    expect(tokenUrl({ scheme: 'bearer', params: { realm: 'http://a.example.invalid/t' } }, 'repository:library/x:pull').searchParams.getAll('scope')).toEqual(['repository:library/x:pull']);
    expect(tokenUrl({ scheme: 'bearer', params: { realm: 'http://a.example.invalid/t', scope: 'repository:a:pull repository:b:pull' } }, 's').searchParams.getAll('scope')).toEqual(['repository:a:pull', 'repository:b:pull']);
  });

  it('throws for a realm that is not a URL', () => {
    expect(() => tokenUrl({ scheme: 'bearer', params: { realm: 'not a url' } }, 's')).toThrow();
  });
});

describe('basicAuthorization', () => {
  it('encodes user:password, and is undefined without a user', () => {
    expect(basicAuthorization({ username: 'u', password: 'p:w' })).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
    expect(basicAuthorization({})).toBeUndefined();
  });
});

describe('TokenCache', () => {
  it('serves a token until shortly before it expires, then forgets it', () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    cache.set('repository:a:pull', 'Bearer t', 300);
    now += 269_000;
    expect(cache.get('repository:a:pull')).toBe('Bearer t');
    now += 2_000; // 271 s: inside the 30 s margin
    expect(cache.get('repository:a:pull')).toBeUndefined();
  });

  it('keeps tokens per scope and drops the oldest beyond its size', () => {
    const cache = new TokenCache(() => 0, 2);
    cache.set('a', 'A', 60);
    cache.set('b', 'B', 60);
    cache.set('c', 'C', 60);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'B', 'C']);
  });
});
