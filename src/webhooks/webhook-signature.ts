import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Headers every delivery carries (docs/webhooks.md "Verifying a delivery"). */
export const SIGNATURE_HEADER = 'X-Slipway-Signature';
export const TIMESTAMP_HEADER = 'X-Slipway-Timestamp';

/** A new signing secret: 32 random bytes, base64url, with a prefix that makes it easy to spot in a leak. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, keyed with the secret's UTF-8 bytes. */
export function signatureFor(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** The signature headers for one attempt (a retry is signed again with its own timestamp). */
export function signatureHeaders(secret: string, timestampSeconds: number, body: string): Record<string, string> {
  return { [TIMESTAMP_HEADER]: String(timestampSeconds), [SIGNATURE_HEADER]: signatureFor(secret, timestampSeconds, body) };
}

export interface VerifyOptions {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly body: string;
  readonly nowSeconds: number;
  /** How old (or how far in the future) a timestamp may be. @defaultValue 300 */
  readonly toleranceSeconds?: number;
}

/** The receiver's check, as the docs show it; used by the tests as a receiver would. */
export function verifySignature(options: VerifyOptions): boolean {
  const { timestamp, signature } = options;
  if (timestamp === undefined || signature === undefined || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(options.nowSeconds - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signatureFor(options.secret, Number(timestamp), options.body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
