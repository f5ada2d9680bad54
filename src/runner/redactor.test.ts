import { describe, expect, it } from 'vitest';
import { createRedactor } from './redactor.js';

describe('createRedactor', () => {
  it('removes a secret as is, in base64 (padded or not, url-safe) and URL-encoded', () => {
    const secret = 'p@ss word/+?';
    const redact = createRedactor([secret]);
    for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret)]) {
      expect(redact(`x ${form} y`)).toBe('x *** y');
    }
  });

  it('leaves text alone without secrets and ignores empty values', () => {
    expect(createRedactor([''])('plain')).toBe('plain');
  });

  it('redacts each long line of a multi-line secret, since logs hold one line at a time', () => {
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nabc\n-----END KEY-----\n';
    const redact = createRedactor([pem]);
    expect(redact('key: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC')).toBe('key: ***');
    expect(redact('-----END KEY-----')).toBe('***');
    expect(redact('abc stays: too short to be told from ordinary text')).toBe('abc stays: too short to be told from ordinary text');
    expect(redact(Buffer.from(pem).toString('base64'))).toBe('***');
  });
});
