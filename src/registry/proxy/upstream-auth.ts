import type { AuthChallenge } from './www-authenticate.js';

/** Credentials for the upstream; both absent means anonymous. */
export interface UpstreamCredentials {
  readonly username?: string;
  readonly password?: string;
}

/** A token endpoint's answer (Docker token spec: `token` or OAuth2's `access_token`). */
export interface TokenAnswer {
  readonly token: string;
  readonly expiresInSeconds: number;
}

/** Reads a token endpoint's JSON; undefined when it holds no token. Tokens live 60 s when unsaid (token spec). */
export function parseTokenAnswer(body: unknown): TokenAnswer | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { token, access_token: accessToken, expires_in: expiresIn } = body as Record<string, unknown>;
  const value = typeof token === 'string' && token !== '' ? token : typeof accessToken === 'string' && accessToken !== '' ? accessToken : undefined;
  if (value === undefined) return undefined;
  const seconds = typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 60;
  return { token: value, expiresInSeconds: seconds };
}

/** The URL to ask a Bearer challenge's realm for a token covering `scope`. */
export function tokenUrl(challenge: AuthChallenge, scope: string): URL {
  const url = new URL(challenge.params.realm ?? '');
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  for (const s of (challenge.params.scope ?? scope).split(' ').filter((x) => x !== '')) url.searchParams.append('scope', s);
  return url;
}

export function basicAuthorization(credentials: UpstreamCredentials): string | undefined {
  if (credentials.username === undefined) return undefined;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
}

interface CachedToken {
  readonly authorization: string;
  readonly expiresAtMs: number;
}

/**
 * Authorization values per scope (`repository:library/x:pull`), kept until shortly before
 * their token expires. Basic answers are cached too, so later calls skip the 401 round trip.
 */
export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1024,
  ) {}

  get(scope: string): string | undefined {
    const entry = this.entries.get(scope);
    if (entry && entry.expiresAtMs > this.now()) return entry.authorization;
    this.entries.delete(scope);
    return undefined;
  }

  /** Keeps a token for its lifetime less a margin (a tenth, at most 30 s), so it is never sent stale. */
  set(scope: string, authorization: string, expiresInSeconds: number): void {
    const marginSeconds = Math.min(30, expiresInSeconds / 10);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(scope, { authorization, expiresAtMs: this.now() + (expiresInSeconds - marginSeconds) * 1000 });
  }

  delete(scope: string): void {
    this.entries.delete(scope);
  }
}
