import { createHash } from 'node:crypto';
import type { MetadataStore, UserRecord } from '../metadata/metadata-store.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';
import type { TokenService } from './token-service.js';
import { Action, allows, type AccessEntry } from './scope.js';

export const ADMIN_USER = 'admin';

/** Who is calling, as far as the registry cares. */
export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly name: string; readonly isAdmin: boolean }
  | { readonly kind: 'token'; readonly name: string; readonly access: readonly AccessEntry[] };

export interface AuthOptions {
  readonly anonymousPull: boolean;
  /**
   * Repositories under `<mirrorNamespace>/` can be pulled without credentials, because Docker
   * sends none to a registry mirror (`dockerd --registry-mirror`). Empty or unset: no such namespace.
   */
  readonly mirrorNamespace?: string;
  readonly service: string;
  readonly tokenTtlSeconds: number;
  /** Refresh tokens (docker's identity token) live this long. @defaultValue 30 days */
  readonly refreshTtlSeconds?: number;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresInSeconds: number;
  readonly issuedAt: string;
  readonly access: readonly AccessEntry[];
}

const BASIC_CACHE_MS = 60_000;

function fingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}

/** Users, credentials and the access policy behind Basic auth and registry tokens. */
export class AuthService {
  /** Verified Basic credentials (by a hash of the header), so scrypt runs once a minute, not per request. */
  private readonly basicCache = new Map<string, { user: UserRecord; expiresAt: number }>();

  constructor(
    private readonly meta: MetadataStore,
    private readonly tokens: TokenService,
    readonly options: AuthOptions,
  ) {}

  /**
   * Makes sure the admin user exists. Its password is `envPassword` when given (and follows
   * it when it changes); otherwise one is generated and returned so the caller can show it once.
   */
  async ensureAdmin(envPassword: string | undefined): Promise<{ generatedPassword?: string }> {
    const existing = await this.meta.users.get(ADMIN_USER);
    if (existing && (envPassword === undefined || (await verifyPassword(envPassword, existing.passwordHash)))) return {};
    const password = envPassword ?? generatePassword();
    const passwordHash = await hashPassword(password);
    if (existing) await this.meta.users.setPassword(ADMIN_USER, passwordHash);
    else await this.meta.users.create({ name: ADMIN_USER, passwordHash, isAdmin: true, createdAt: new Date().toISOString() });
    this.basicCache.clear();
    return envPassword === undefined ? { generatedPassword: password } : {};
  }

  /** The user behind a name and password, or undefined. */
  async checkPassword(name: string, password: string): Promise<UserRecord | undefined> {
    const key = createHash('sha256').update(`${name}\0${password}`).digest('base64');
    const hit = this.basicCache.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.user;
    const user = await this.meta.users.get(name);
    if (!user || !(await verifyPassword(password, user.passwordHash))) return undefined;
    if (this.basicCache.size > 10_000) this.basicCache.clear();
    this.basicCache.set(key, { user, expiresAt: Date.now() + BASIC_CACHE_MS });
    return user;
  }

  /** The user behind a Basic Authorization header, or undefined. */
  async checkPasswordFromHeader(authorization: string | undefined): Promise<UserRecord | undefined> {
    const basic = /^basic\s+(.+)$/i.exec(authorization ?? '');
    if (!basic) return undefined;
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : this.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  /** Reads an Authorization header; `invalid` when credentials were sent but are wrong. */
  async principal(authorization: string | undefined): Promise<Principal | 'invalid'> {
    if (!authorization) return { kind: 'anonymous' };
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'basic') {
      const asToken = this.tokenAsPassword(value);
      if (asToken) return asToken;
      const user = await this.checkPasswordFromHeader(authorization);
      return user ? { kind: 'user', name: user.name, isAdmin: user.isAdmin } : 'invalid';
    }
    if (scheme === 'bearer') return this.accessToken(value) ?? 'invalid';
    return 'invalid';
  }

  private accessToken(token: string): Extract<Principal, { kind: 'token' }> | undefined {
    const claims = this.tokens.verify(token);
    if (!claims || claims.typ === 'refresh' || claims.aud !== this.options.service) return undefined;
    return { kind: 'token', name: claims.sub, access: claims.access };
  }

  /**
   * Basic credentials whose password is an access token issued to that very name: how a build
   * agent hands the engine a run's short-lived token. The engine then follows the ordinary token
   * flow and can never get more than the token grants.
   */
  private tokenAsPassword(basic: string): Extract<Principal, { kind: 'token' }> | undefined {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':', decoded.startsWith('run:') ? 4 : 0);
    if (colon < 0) return undefined;
    const principal = this.accessToken(decoded.slice(colon + 1));
    return principal && principal.name === decoded.slice(0, colon) && principal.name !== '' ? principal : undefined;
  }

  /** What the policy lets a user (or anonymous caller) do, out of what was asked. */
  grant(principal: Principal, wanted: readonly AccessEntry[]): AccessEntry[] {
    return wanted
      .map((w) => ({ ...w, actions: w.actions.filter((a) => this.may(principal, w, a)) }))
      .filter((w) => w.actions.length > 0);
  }

  /** Whether the principal may do everything in `wanted`. */
  permits(principal: Principal, wanted: AccessEntry): boolean {
    if (principal.kind === 'token') return allows(principal.access, wanted);
    return wanted.actions.every((a) => this.may(principal, wanted, a));
  }

  private may(principal: Principal, entry: AccessEntry, action: string): boolean {
    if (principal.kind === 'token') return allows(principal.access, { ...entry, actions: [action] });
    if (principal.kind === 'user' && principal.isAdmin) return true;
    if (entry.type !== 'repository') return false;
    if (principal.kind === 'user') return action === Action.pull || action === Action.push;
    return action === Action.pull && (this.options.anonymousPull || this.isMirrored(entry.name));
  }

  /** Whether a repository lies in the namespace a Docker Hub mirror serves (`library/busybox`). */
  private isMirrored(repository: string): boolean {
    const namespace = this.options.mirrorNamespace ?? '';
    return namespace !== '' && repository.startsWith(`${namespace}/`);
  }

  issueAccessToken(principal: Principal, wanted: readonly AccessEntry[]): IssuedToken {
    const iat = Math.floor(Date.now() / 1000);
    const access = this.grant(principal, wanted);
    const name = principal.kind === 'anonymous' ? '' : principal.name;
    const token = this.tokens.sign({ sub: name, aud: this.options.service, iat, exp: iat + this.options.tokenTtlSeconds, access });
    return { token, expiresInSeconds: this.options.tokenTtlSeconds, issuedAt: new Date(iat * 1000).toISOString(), access };
  }

  /** A long-lived token that stands in for the password (docker's identity token). */
  issueRefreshToken(user: UserRecord): string {
    const iat = Math.floor(Date.now() / 1000);
    const ttl = this.options.refreshTtlSeconds ?? 30 * 86_400;
    return this.tokens.sign({ sub: user.name, aud: this.options.service, iat, exp: iat + ttl, access: [], typ: 'refresh', pwd: fingerprint(user.passwordHash) });
  }

  /** The user a refresh token was issued to, while their password is unchanged. */
  async redeemRefreshToken(token: string): Promise<UserRecord | undefined> {
    const claims = this.tokens.verify(token);
    if (!claims || claims.typ !== 'refresh' || claims.aud !== this.options.service) return undefined;
    const user = await this.meta.users.get(claims.sub);
    return user && claims.pwd === fingerprint(user.passwordHash) ? user : undefined;
  }
}
