import { randomBytes } from 'node:crypto';
import type { UserApiTokenRecord } from '../metadata/metadata-store.js';
import { parseRole, type Role } from './roles.js';

/**
 * A user's API token secret: `slp_` + a 16-hex-digit lookup (public: it finds the row without
 * trying every stored hash) + 32 random URL-safe characters. Only its scrypt hash is stored.
 */
const SECRET = /^slp_([0-9a-f]{16})[A-Za-z0-9_-]{32}$/;

export function generateApiTokenSecret(): { secret: string; lookup: string } {
  const lookup = randomBytes(8).toString('hex');
  return { secret: `slp_${lookup}${randomBytes(24).toString('base64url')}`, lookup };
}

/** The lookup part of a secret, or undefined when the text is no API token secret. */
export function apiTokenLookup(secret: string): string | undefined {
  return SECRET.exec(secret)?.[1];
}

/** Whether the token's expiry has passed at `nowMs`. */
export function isApiTokenExpired(token: Pick<UserApiTokenRecord, 'expiresAt'>, nowMs: number): boolean {
  return token.expiresAt !== null && Date.parse(token.expiresAt) <= nowMs;
}

/** What a token may act with now: the user's current roles, narrowed to the token's list when it has one. */
export function apiTokenRoles(userRoles: readonly Role[], token: Pick<UserApiTokenRecord, 'roles'>): Role[] {
  if (token.roles === null) return [...userRoles];
  const limit = new Set(token.roles.map(parseRole));
  return userRoles.filter((r) => limit.has(r));
}
