import { describe, expect, it } from 'vitest';
import { encodeRegistryAuth, registryHost, splitImageTag } from './registry-auth.js';

describe('X-Registry-Auth encoding', () => {
  it('is padded base64url JSON of username, password and serveraddress, as Go decodes it', () => {
    const value = encodeRegistryAuth({ username: 'admin', password: 'p?>>', serveraddress: '127.0.0.1:5000' });
    expect(value).not.toMatch(/[+/]/);
    expect(value.length % 4).toBe(0);
    expect(JSON.parse(Buffer.from(value, 'base64url').toString())).toEqual({ username: 'admin', password: 'p?>>', serveraddress: '127.0.0.1:5000' });
  });

  it('keeps the = padding that base64.URLEncoding in Go requires', () => {
    const value = encodeRegistryAuth({ username: 'run:ca1', password: 'x', serveraddress: '127.0.0.1:1' });
    expect(value).toMatch(/=$/);
  });

  it('carries an identity token instead of a password', () => {
    const value = encodeRegistryAuth({ identitytoken: 'tok' });
    expect(JSON.parse(Buffer.from(value, 'base64url').toString())).toEqual({ identitytoken: 'tok' });
  });
});

describe('image references', () => {
  it('splits name and tag, keeping a registry port in the name', () => {
    expect(splitImageTag('127.0.0.1:5000/a/b:1')).toEqual({ name: '127.0.0.1:5000/a/b', tag: '1' });
    expect(splitImageTag('127.0.0.1:5000/a/b')).toEqual({ name: '127.0.0.1:5000/a/b' });
    expect(splitImageTag('a/b@sha256:abc')).toEqual({ name: 'a/b', tag: 'sha256:abc' });
  });

  it('finds the registry host only when the first part looks like one', () => {
    expect(registryHost('127.0.0.1:5000/a/b:1')).toBe('127.0.0.1:5000');
    expect(registryHost('localhost/a')).toBe('localhost');
    expect(registryHost('library/busybox')).toBeUndefined();
    expect(registryHost('busybox')).toBeUndefined();
  });
});
