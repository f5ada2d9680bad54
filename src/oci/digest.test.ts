import { describe, expect, it } from 'vitest';
import { createDigester, digestAlgorithm, digestHex, digestOf, finishDigest, isDigest, parseDigest, type Digest } from './digest.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC_SHA512 =
  'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';

describe('parseDigest', () => {
  it('accepts a sha256 digest with 64 lower-case hex characters', () => {
    expect(parseDigest(`sha256:${EMPTY_SHA256}`)).toEqual({ ok: true, digest: `sha256:${EMPTY_SHA256}`, algorithm: 'sha256', hex: EMPTY_SHA256 });
  });

  it('accepts a sha512 digest with 128 lower-case hex characters', () => {
    expect(parseDigest(`sha512:${ABC_SHA512}`)).toEqual({ ok: true, digest: `sha512:${ABC_SHA512}`, algorithm: 'sha512', hex: ABC_SHA512 });
  });

  it('rejects hex containing a character outside 0-9a-f as malformed', () => {
    expect(parseDigest(`sha256:${'g'.repeat(64)}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(parseDigest(`sha256:${EMPTY_SHA256.slice(0, 63)}-`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects upper-case hex as malformed', () => {
    expect(parseDigest(`sha256:${EMPTY_SHA256.toUpperCase()}`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects hex of the wrong length for its algorithm as malformed', () => {
    expect(parseDigest(`sha256:${EMPTY_SHA256.slice(1)}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(parseDigest(`sha256:${EMPTY_SHA256}0`)).toEqual({ ok: false, reason: 'malformed' });
    expect(parseDigest(`sha512:${EMPTY_SHA256}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(parseDigest(`sha256:${ABC_SHA512}`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('reports a well-formed digest of an unknown algorithm as unsupported', () => {
    expect(parseDigest('md5:d41d8cd98f00b204e9800998ecf8427e')).toEqual({ ok: false, reason: 'unsupported-algorithm' });
    expect(parseDigest(`sha384:${'a'.repeat(96)}`)).toEqual({ ok: false, reason: 'unsupported-algorithm' });
    expect(parseDigest(`sha256+b64u:${EMPTY_SHA256}`)).toEqual({ ok: false, reason: 'unsupported-algorithm' });
  });

  it('rejects text outside the descriptor digest grammar as malformed', () => {
    for (const text of ['', EMPTY_SHA256, 'sha256:', ':abc', `SHA256:${EMPTY_SHA256}`, `sha256::${EMPTY_SHA256}`, `sha256:${EMPTY_SHA256} `]) {
      expect(parseDigest(text), text).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('isDigest agrees with parseDigest', () => {
    expect(isDigest(`sha256:${EMPTY_SHA256}`)).toBe(true);
    expect(isDigest(`sha256:${EMPTY_SHA256.toUpperCase()}`)).toBe(false);
    expect(isDigest('md5:d41d8cd98f00b204e9800998ecf8427e')).toBe(false);
  });
});

describe('digest helpers', () => {
  it('splits a digest into its algorithm and hex', () => {
    const digest = `sha512:${ABC_SHA512}` as Digest;
    expect(digestAlgorithm(digest)).toBe('sha512');
    expect(digestHex(digest)).toBe(ABC_SHA512);
  });

  it('digestOf hashes with sha256 by default and sha512 on request', () => {
    expect(digestOf(Buffer.alloc(0))).toBe(`sha256:${EMPTY_SHA256}`);
    expect(digestOf('abc', 'sha512')).toBe(`sha512:${ABC_SHA512}`);
  });

  it('an incremental digester finishes with the same digest as digestOf', () => {
    const hash = createDigester('sha512');
    hash.update('a');
    hash.update(Buffer.from('bc'));
    expect(finishDigest(hash, 'sha512')).toBe(`sha512:${ABC_SHA512}`);
    expect(finishDigest(createDigester(), 'sha256')).toBe(`sha256:${EMPTY_SHA256}`);
  });
});
