import { createHash } from 'node:crypto';
import type { MetadataStore, UserRecord } from '../metadata/metadata-store.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';
import type { TokenService } from './token-service.js';
import { Action, allows, type AccessEntry } from './scope.js';
import { Role, parseRole, rolesPermit } from './roles.js';
import { scopeMapAccess } from './scope-map.js';
import { apiTokenLookup, apiTokenRoles, isApiTokenExpired } from './user-api-token.js';

export const ADMIN_USER = 'admin';

/**
 * Who is calling. A `user` acts through its roles (the built-in admin is always Owner). A
 * `token` holds explicit access: a registry access token (JWT: what the token endpoint granted,
 * or a run's exact repositories), or a repository token that signed in with its password
 * (`viaPassword`), whose access is its scope map.
 */
export type Principal =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'user';
      readonly name: string;
      readonly isAdmin: boolean;
      readonly roles?: readonly Role[];
      /** Signed in with one of the user's API tokens (its lookup id, its name): acts with `roles` only. */
      readonly apiToken?: { readonly lookup: string; readonly name: string };
    }
  | {
      readonly kind: 'token';
      readonly name: string;
      readonly access: readonly AccessEntry[];
      /** A repository token (scope map) rather than a JWT's bearer or a run. */
      readonly isRepositoryToken?: boolean;
      /** Signed in with a name and password (Basic), not a bearer token. */
      readonly viaPassword?: boolean;
    };

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
  /** The clock password expiry is judged by (tests inject one). @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** A verified name and password: who it is, and until when the verdict may be reused. */
interface VerifiedPassword {
  readonly principal: Principal;
  readonly user?: UserRecord;
  readonly expiresAt: number;
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

/** `name:password` of a Basic credential (base64), or undefined when malformed. */
function decodeBasic(value: string): { name: string; password: string } | undefined {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  // A run's principal is `run:<id>`: its colon is part of the name.
  const colon = decoded.indexOf(':', decoded.startsWith('run:') ? 4 : 0);
  return colon < 0 ? undefined : { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Users, credentials and the access policy behind Basic auth and registry tokens. */
export class AuthService {
  /**
   * Verified Basic credentials (by a hash of name and password), so scrypt runs once a minute,
   * not per request; access management clears it (invalidate) so changes apply at once.
   */
  private readonly basicCache = new Map<string, VerifiedPassword>();

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
    else {
      const createdAt = this.now().toISOString();
      await this.meta.users.create({ name: ADMIN_USER, passwordHash, isAdmin: true, createdAt });
      await this.meta.users.setRoles(ADMIN_USER, [Role.owner], createdAt);
    }
    this.basicCache.clear();
    return envPassword === undefined ? { generatedPassword: password } : {};
  }

  /** Forgets verified passwords: called after any change to users, roles, scope maps or tokens. */
  invalidate(): void {
    this.basicCache.clear();
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The user behind a name and password, or undefined. */
  async checkPassword(name: string, password: string): Promise<UserRecord | undefined> {
    return (await this.verifyPassword(name, password))?.user;
  }

  /** The user or repository token behind a name and password, or undefined. */
  async passwordPrincipal(name: string, password: string): Promise<Principal | undefined> {
    return (await this.verifyPassword(name, password))?.principal;
  }

  /** The user behind a Basic Authorization header, or undefined. */
  async checkPasswordFromHeader(authorization: string | undefined): Promise<UserRecord | undefined> {
    const decoded = decodeBasic(/^basic\s+(.+)$/i.exec(authorization ?? '')?.[1] ?? '');
    return decoded && this.checkPassword(decoded.name, decoded.password);
  }

  /** A user principal with the user's roles. */
  async userPrincipal(user: UserRecord): Promise<Extract<Principal, { kind: 'user' }>> {
    const roles = (await this.meta.users.roles(user.name)).map(parseRole).filter((r): r is Role => r !== undefined);
    return { kind: 'user', name: user.name, isAdmin: user.isAdmin, roles };
  }

  /** Reads an Authorization header; `invalid` when credentials were sent but are wrong. */
  async principal(authorization: string | undefined): Promise<Principal | 'invalid'> {
    if (!authorization) return { kind: 'anonymous' };
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'basic') {
      const decoded = decodeBasic(value);
      if (!decoded) return 'invalid';
      const asToken = await this.tokenAsPassword(decoded);
      if (asToken) return asToken;
      return (await this.passwordPrincipal(decoded.name, decoded.password)) ?? 'invalid';
    }
    if (scheme === 'bearer') return (await this.accessToken(value)) ?? 'invalid';
    return 'invalid';
  }

  private async verifyPassword(name: string, password: string): Promise<VerifiedPassword | undefined> {
    const key = createHash('sha256').update(`${name}\0${password}`).digest('base64');
    const nowMs = this.now().getTime();
    const hit = this.basicCache.get(key);
    if (hit && hit.expiresAt > nowMs) return hit;
    const verified = (await this.verifyApiToken(name, password, nowMs)) ?? (await this.verifyUser(name, password, nowMs)) ?? (await this.verifyRepositoryToken(name, password, nowMs));
    if (!verified) return undefined;
    if (this.basicCache.size > 10_000) this.basicCache.clear();
    this.basicCache.set(key, verified);
    return verified;
  }

  private async verifyUser(name: string, password: string, nowMs: number): Promise<VerifiedPassword | undefined> {
    const user = await this.meta.users.get(name);
    if (!user || !(await verifyPassword(password, user.passwordHash))) return undefined;
    return { principal: await this.userPrincipal(user), user, expiresAt: nowMs + BASIC_CACHE_MS };
  }

  /**
   * A user's unexpired API token whose secret this is, acting with the user's current roles (or
   * the token's subset of them). No `user` in the verdict: it earns no refresh token. The cache
   * entry ends at the token's expiry; deleting it (or the user, or a role) clears the cache.
   */
  private async verifyApiToken(name: string, password: string, nowMs: number): Promise<VerifiedPassword | undefined> {
    const lookup = apiTokenLookup(password);
    const token = lookup === undefined ? undefined : await this.meta.apiTokens.byLookup(lookup);
    if (!token || token.user !== name || isApiTokenExpired(token, nowMs) || !(await verifyPassword(password, token.hash))) return undefined;
    const user = await this.meta.users.get(name);
    if (!user) return undefined;
    await this.meta.apiTokens.touch(name, token.name, new Date(nowMs).toISOString());
    const roles = apiTokenRoles((await this.userPrincipal(user)).roles ?? [], token);
    const principal: Principal = { kind: 'user', name, isAdmin: user.isAdmin && token.roles === null, roles, apiToken: { lookup: token.lookup, name: token.name } };
    const expiryMs = token.expiresAt === null ? Infinity : Date.parse(token.expiresAt);
    return { principal, expiresAt: Math.min(nowMs + BASIC_CACHE_MS, expiryMs) };
  }

  /** An enabled repository token whose unexpired password1 or password2 this is. */
  private async verifyRepositoryToken(name: string, password: string, nowMs: number): Promise<VerifiedPassword | undefined> {
    const token = await this.meta.accessTokens.get(name);
    if (!token || token.status !== 'enabled') return undefined;
    for (const slot of [token.password1, token.password2]) {
      const expiryMs = slot?.expiry ? Date.parse(slot.expiry) : Infinity;
      if (!slot || expiryMs <= nowMs || !(await verifyPassword(password, slot.hash))) continue;
      await this.meta.accessTokens.touch(name, new Date(nowMs).toISOString());
      const map = token.scopeMap === null ? undefined : await this.meta.scopeMaps.get(token.scopeMap);
      const principal: Principal = { kind: 'token', name, access: scopeMapAccess(map?.actions ?? []), isRepositoryToken: true, viaPassword: true };
      return { principal, expiresAt: Math.min(nowMs + BASIC_CACHE_MS, expiryMs) };
    }
    return undefined;
  }

  private async accessToken(token: string): Promise<Extract<Principal, { kind: 'token' }> | undefined> {
    const claims = this.tokens.verify(token);
    if (!claims || claims.typ === 'refresh' || claims.aud !== this.options.service) return undefined;
    if (claims.typ === 'repository-token') {
      const record = await this.meta.accessTokens.get(claims.sub);
      if (record?.status !== 'enabled') return undefined;
      return { kind: 'token', name: claims.sub, access: claims.access, isRepositoryToken: true };
    }
    if (claims.apt !== undefined) {
      // Issued to a user's API token: it ends when the token is deleted or expires.
      const record = await this.meta.apiTokens.byLookup(claims.apt);
      if (record?.user !== claims.sub || isApiTokenExpired(record, this.now().getTime())) return undefined;
    }
    return { kind: 'token', name: claims.sub, access: claims.access };
  }

  /**
   * Basic credentials whose password is an access token issued to that very name: how a build
   * agent hands the engine a run's short-lived token. The engine then follows the ordinary token
   * flow and can never get more than the token grants.
   */
  private async tokenAsPassword(basic: { name: string; password: string }): Promise<Extract<Principal, { kind: 'token' }> | undefined> {
    if (basic.password.split('.').length !== 3) return undefined;
    const principal = await this.accessToken(basic.password);
    return principal && principal.name === basic.name && principal.name !== '' ? principal : undefined;
  }

  /**
   * What the policy lets the principal do, out of what was asked (the token endpoint). A
   * wildcard name is never granted: only scope maps hold patterns.
   */
  grant(principal: Principal, wanted: readonly AccessEntry[]): AccessEntry[] {
    return wanted
      .filter((w) => !w.name.includes('*'))
      .map((w) => ({ ...w, actions: w.actions.filter((a) => this.may(principal, w, a)) }))
      .filter((w) => w.actions.length > 0);
  }

  /** Whether the principal may do everything in `wanted`: the one authorization decision of /v2 and /api/v1. */
  permits(principal: Principal, wanted: AccessEntry): boolean {
    return wanted.actions.every((a) => this.may(principal, wanted, a));
  }

  /**
   * The policy. Anyone may read what anonymous pull opens; a token may do what its access
   * holds; a user what its roles allow (docs/access.md has the table).
   */
  private may(principal: Principal, entry: AccessEntry, action: string): boolean {
    if (entry.type === 'repository' && (action === Action.pull || action === Action.metadataRead) && this.isPublic(entry.name)) return true;
    if (principal.kind === 'token') return allows(principal.access, { ...entry, actions: [action] });
    if (principal.kind === 'user') return rolesPermit(principal.isAdmin ? [Role.owner] : (principal.roles ?? []), entry, action);
    return false;
  }

  /** Whether anonymous callers may pull the repository (`auth.anonymousPull`, the mirror namespace). */
  private isPublic(repository: string): boolean {
    return !repository.includes('*') && (this.options.anonymousPull || this.isMirrored(repository));
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
    const typ = principal.kind === 'token' && principal.isRepositoryToken ? { typ: 'repository-token' as const } : {};
    const apt = principal.kind === 'user' && principal.apiToken ? { apt: principal.apiToken.lookup } : {};
    const token = this.tokens.sign({ sub: name, aud: this.options.service, iat, exp: iat + this.options.tokenTtlSeconds, access, ...typ, ...apt });
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
