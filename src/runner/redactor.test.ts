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
});
