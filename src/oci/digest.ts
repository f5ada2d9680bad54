import { createHash, type Hash } from 'node:crypto';

/** A validated OCI content digest, e.g. `sha256:<64 hex>`. */
export type Digest = string & { readonly __brand: 'Digest' };

export const DigestAlgorithm = { sha256: 'sha256', sha512: 'sha512' } as const;
export type DigestAlgorithm = (typeof DigestAlgorithm)[keyof typeof DigestAlgorithm];

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
// OCI image-spec descriptor grammar: algorithm ":" encoded
const DIGEST_GRAMMAR = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

export type DigestParse =
  | { readonly ok: true; readonly digest: Digest; readonly algorithm: DigestAlgorithm; readonly hex: string }
  | { readonly ok: false; readonly reason: 'malformed' | 'unsupported-algorithm' };

/** Parses a digest string; only sha256 and sha512 (lower-case hex) are accepted. */
export function parseDigest(text: string): DigestParse {
  const m = DIGEST_GRAMMAR.exec(text);
  if (!m) return { ok: false, reason: 'malformed' };
  const algorithm = m[1] as string;
  const hex = m[2] as string;
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return { ok: false, reason: 'unsupported-algorithm' };
  if (hex.length !== HEX_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) return { ok: false, reason: 'malformed' };
  return { ok: true, digest: text as Digest, algorithm, hex };
}

export function isDigest(text: string): text is Digest {
  return parseDigest(text).ok;
}

export function digestAlgorithm(digest: Digest): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
}

export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function createDigester(algorithm: DigestAlgorithm = 'sha256'): Hash {
  return createHash(algorithm);
}

export function digestOf(data: Buffer | string, algorithm: DigestAlgorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}` as Digest;
}

export function finishDigest(hash: Hash, algorithm: DigestAlgorithm): Digest {
  return `${algorithm}:${hash.digest('hex')}` as Digest;
}
