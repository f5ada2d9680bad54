import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AccessEntry } from './scope.js';

export interface TokenClaims {
  readonly sub: string;
  readonly aud: string;
  readonly exp: number;
  readonly iat: number;
  readonly access: readonly AccessEntry[];
  /**
   * `refresh` for the long-lived token `docker login` keeps instead of the password;
   * `repository-token` for an access token issued to a repository token (its status is
   * checked again on every use, so disabling or deleting the token stops it at once).
   */
  readonly typ?: 'refresh' | 'repository-token';
  /** For refresh tokens: a fingerprint of the password hash, so a password change revokes them. */
  readonly pwd?: string;
  /** Issued to a user's API token (its lookup id): checked on every use, so deleting the token stops it. */
  readonly apt?: string;
}

export interface TokenServiceOptions {
  /** HMAC key; persisted by the caller so tokens survive restarts. */
  readonly key: Buffer;
  readonly issuer: string;
}

const b64 = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** Signs and checks registry tokens (JWS, HS256); only Slipway reads them, clients treat them as opaque. */
export class TokenService {
  constructor(private readonly options: TokenServiceOptions) {}

  static generateKey(): Buffer {
    return randomBytes(32);
  }

  sign(claims: TokenClaims): string {
    const payload = b64(JSON.stringify({ iss: this.options.issuer, jti: randomUUID(), nbf: claims.iat - 5, ...claims }));
    return `${HEADER}.${payload}.${this.mac(`${HEADER}.${payload}`)}`;
  }

  /** The claims of a valid, unexpired token signed by us; undefined otherwise. */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (header !== HEADER || expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: TokenClaims & { iss?: string; nbf?: number };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims & { iss?: string };
    } catch {
      return undefined;
    }
    if (claims.iss !== this.options.issuer || typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) return undefined;
    return claims;
  }

  private mac(input: string): string {
    return createHmac('sha256', this.options.key).update(input).digest('base64url');
  }
}
