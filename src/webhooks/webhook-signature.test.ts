import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningSecret, signatureFor, signatureHeaders, verifySignature } from './webhook-signature.js';

const SECRET = 'whsec_test';
const BODY = '{"action":"push"}';

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`1700000000.${BODY}`).digest('hex');
    expect(signatureFor(SECRET, 1_700_000_000, BODY)).toBe(`sha256=${expected}`);
    expect(signatureHeaders(SECRET, 1_700_000_000, BODY)).toEqual({ 'X-Slipway-Timestamp': '1700000000', 'X-Slipway-Signature': `sha256=${expected}` });
  });

  it('verifies what it signed, within the tolerance', () => {
    const h = signatureHeaders(SECRET, 1000, BODY);
    expect(verifySignature({ secret: SECRET, timestamp: h['X-Slipway-Timestamp'], signature: h['X-Slipway-Signature'], body: BODY, nowSeconds: 1200 })).toBe(true);
  });

  it('refuses a changed body, a changed timestamp, another secret and a stale timestamp', () => {
    const h = signatureHeaders(SECRET, 1000, BODY);
    const base = { secret: SECRET, timestamp: h['X-Slipway-Timestamp'], signature: h['X-Slipway-Signature'], body: BODY, nowSeconds: 1000 };
    expect(verifySignature({ ...base, body: `${BODY} ` })).toBe(false);
    expect(verifySignature({ ...base, timestamp: '1001' })).toBe(false);
    expect(verifySignature({ ...base, secret: 'whsec_other' })).toBe(false);
    expect(verifySignature({ ...base, nowSeconds: 1301 })).toBe(false);
    expect(verifySignature({ ...base, signature: undefined })).toBe(false);
  });

  it('generates distinct secrets with a recognisable prefix', () => {
    const a = generateSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateSigningSecret()).not.toBe(a);
  });
});
