import { describe, expect, it } from 'vitest';
import { parseChallenges, preferredChallenge } from './www-authenticate.js';

describe('parseChallenges', () => {
  it('reads a Docker token challenge with quoted realm, service and scope', () => {
    const header = 'Bearer realm="https://auth.example.invalid/token",service="registry.example.invalid",scope="repository:library/x:pull"';
    expect(parseChallenges(header)).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example.invalid/token', service: 'registry.example.invalid', scope: 'repository:library/x:pull' } },
    ]);
  });

  it('keeps commas and escaped quotes inside quoted values, and lower-cases scheme and names', () => {
    const [c] = parseChallenges('BEARER Realm="https://a.example.invalid/t",Scope="repository:a:pull,push",error="insufficient_scope", note="say \\"hi\\""');
    expect(c).toEqual({ scheme: 'bearer', params: { realm: 'https://a.example.invalid/t', scope: 'repository:a:pull,push', error: 'insufficient_scope', note: 'say "hi"' } });
  });

  it('splits several challenges in one header and accepts unquoted values', () => {
    expect(parseChallenges('Basic realm="Registry", Bearer realm=https://a.example.invalid/token,service=reg')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry' } },
      { scheme: 'bearer', params: { realm: 'https://a.example.invalid/token', service: 'reg' } },
    ]);
  });

  it('gives no challenges for an empty or garbled header', () => {
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('=oops')).toEqual([]);
  });
});

describe('preferredChallenge', () => {
  it('prefers a Bearer challenge that has a realm over Basic', () => {
    expect(preferredChallenge('Basic realm="r", Bearer realm="https://a.example.invalid/t"')?.scheme).toBe('bearer');
  });

  it('falls back to Basic when the Bearer challenge has no realm, and to nothing without a header', () => {
    expect(preferredChallenge('Bearer service="x", Basic realm="r"')?.scheme).toBe('basic');
    expect(preferredChallenge(undefined)).toBeUndefined();
  });
});
