import { AppError, Errors, type ErrorDescriptor } from '../core/errors/index.js';
import type { AccessTokenRecord, MetadataStore, ScopeMapRecord, TokenPasswordRecord, UserApiTokenRecord, UserRecord } from '../metadata/metadata-store.js';
import { ADMIN_USER, type AuthService } from './auth-service.js';
import { generatePassword, hashPassword } from './password.js';
import { parseRole, Role } from './roles.js';
import { mergeScopeMapActions, parseScopeMapAction } from './scope-map.js';
import { generateApiTokenSecret } from './user-api-token.js';

/** A user with the roles it holds (the admin is always Owner). */
export interface UserView extends UserRecord {
  readonly roles: readonly Role[];
}

export type PasswordName = 'password1' | 'password2';
export const PASSWORD_NAMES: readonly PasswordName[] = ['password1', 'password2'];

/** A password just made: its value is returned this once and stored only as a hash. */
export interface NewPassword {
  readonly name: PasswordName;
  readonly value: string;
  readonly createdAt: string;
  readonly expiry: string | null;
}

export interface NewToken {
  readonly name: string;
  /** An existing scope map, or... */
  readonly scopeMap?: string;
  /** ...actions for a scope map named `<token>-scope-map`, made (or reused when equal) here. */
  readonly actions?: readonly string[];
  readonly status?: 'enabled' | 'disabled';
  readonly hasPasswords?: boolean;
  /** ISO time the passwords expire; null or absent: never. */
  readonly expiry?: string | null;
}

/** A user's API token to make (`slipway user token create`). */
export interface NewApiToken {
  readonly user: string;
  readonly name: string;
  /** Limits the token to these of the user's roles; absent: every role the user holds, now and later. */
  readonly roles?: readonly string[];
  /** ISO time the token expires; null or absent: never. */
  readonly expiresAt?: string | null;
  /**
   * The roles of a caller who signed in with an API token: a token it makes gets at most these
   * (so a narrowed token cannot mint a wider one).
   */
  readonly cap?: readonly string[];
}

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,49}$/;
const API_TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;

function invalid(message: string, detail?: Record<string, unknown>): AppError {
  return new AppError(Errors.ACCESS_INVALID, { message, ...(detail ? { detail } : {}) });
}

function notFound(code: ErrorDescriptor, name: string): AppError {
  return new AppError(code, { detail: { name: name.slice(0, 80) } });
}

/** Roles from names, case-insensitively; ACCESS_INVALID names an unknown one. */
export function parseRoles(names: readonly string[]): Role[] {
  const roles = names.map((n) => {
    const role = parseRole(n);
    if (role === undefined) throw invalid(`unknown role "${n.slice(0, 40)}"; roles are ${Object.values(Role).join(', ')}`, { field: 'roles' });
    return role;
  });
  return [...new Set(roles)];
}

/** Validated, de-duplicated scope-map actions; ACCESS_INVALID names the first malformed one. */
export function checkActions(actions: readonly string[]): string[] {
  for (const a of actions) {
    if (!parseScopeMapAction(a)) throw invalid(`"${a.slice(0, 120)}" is not repositories/<repository or pattern>/<content/read|content/write|content/delete|metadata/read|metadata/write>`, { field: 'actions' });
  }
  return mergeScopeMapActions([], actions, []);
}

/** An ISO time, normalised; null stays null (never expires). */
export function checkExpiry(expiry: string | null | undefined): string | null {
  if (expiry === undefined || expiry === null) return null;
  const ms = Date.parse(expiry);
  if (Number.isNaN(ms)) throw invalid('expiry must be an ISO-8601 date and time', { field: 'expiry' });
  return new Date(ms).toISOString();
}

/** Users and their roles, scope maps and repository tokens; every change clears verified passwords. */
export class AccessService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly auth: AuthService,
  ) {}

  private at(): string {
    return this.auth.now().toISOString();
  }

  private async view(user: UserRecord): Promise<UserView> {
    return { ...user, roles: (await this.auth.userPrincipal(user)).roles ?? [] };
  }

  async listUsers(): Promise<UserView[]> {
    return Promise.all((await this.meta.users.list()).map((u) => this.view(u)));
  }

  async getUser(name: string): Promise<UserView> {
    const user = await this.meta.users.get(name);
    if (!user) throw notFound(Errors.USER_NOT_FOUND, name);
    return this.view(user);
  }

  /** Creates a user; returns the generated password when none was given. */
  async createUser(input: { name: string; password?: string; roles?: readonly string[] }): Promise<{ user: UserView; password?: string }> {
    if (!USER_NAME.test(input.name)) throw invalid('a user name is 1-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit', { field: 'name' });
    if (input.password !== undefined && input.password.length < 8) throw invalid('a password has at least 8 characters', { field: 'password' });
    const roles = parseRoles(input.roles ?? []);
    if (await this.meta.accessTokens.get(input.name)) throw new AppError(Errors.USER_EXISTS, { detail: { name: input.name, takenBy: 'token' } });
    const password = input.password ?? generatePassword();
    const at = this.at();
    if (!(await this.meta.users.create({ name: input.name, passwordHash: await hashPassword(password), isAdmin: false, createdAt: at }))) {
      throw new AppError(Errors.USER_EXISTS, { detail: { name: input.name, takenBy: 'user' } });
    }
    await this.meta.users.setRoles(input.name, roles, at);
    this.auth.invalidate();
    return { user: await this.getUser(input.name), ...(input.password === undefined ? { password } : {}) };
  }

  /** Replaces the roles and/or sets a new password (`generatePassword`: make one and return it). */
  async updateUser(name: string, change: { roles?: readonly string[]; password?: string; generatePassword?: boolean }): Promise<{ user: UserView; password?: string }> {
    const user = await this.meta.users.get(name);
    if (!user) throw notFound(Errors.USER_NOT_FOUND, name);
    if (change.password !== undefined && change.generatePassword) throw invalid('give a password or generatePassword, not both', { field: 'password' });
    if (change.password !== undefined && change.password.length < 8) throw invalid('a password has at least 8 characters', { field: 'password' });
    if (change.roles !== undefined) await this.meta.users.setRoles(name, user.isAdmin ? [...new Set([Role.owner, ...parseRoles(change.roles)])] : parseRoles(change.roles), this.at());
    const password = change.generatePassword ? generatePassword() : change.password;
    if (password !== undefined) await this.meta.users.setPassword(name, await hashPassword(password));
    this.auth.invalidate();
    return { user: await this.getUser(name), ...(change.generatePassword ? { password: password as string } : {}) };
  }

  async deleteUser(name: string): Promise<void> {
    if (name === ADMIN_USER) throw new AppError(Errors.USER_PROTECTED, { detail: { name } });
    if (!(await this.meta.users.delete(name))) throw notFound(Errors.USER_NOT_FOUND, name);
    this.auth.invalidate();
  }

  listScopeMaps(): Promise<ScopeMapRecord[]> {
    return this.meta.scopeMaps.list();
  }

  async getScopeMap(name: string): Promise<ScopeMapRecord> {
    const map = await this.meta.scopeMaps.get(name);
    if (!map) throw notFound(Errors.SCOPE_MAP_NOT_FOUND, name);
    return map;
  }

  async createScopeMap(input: { name: string; description?: string; actions: readonly string[] }): Promise<ScopeMapRecord> {
    if (!RESOURCE_NAME.test(input.name)) throw invalid('a scope map name is 3-50 letters, digits, "_" or "-", starting with a letter or digit', { field: 'name' });
    if ((input.description ?? '').length > 256) throw invalid('a description has at most 256 characters', { field: 'description' });
    const actions = checkActions(input.actions);
    if (actions.length === 0) throw invalid('a scope map needs at least one action', { field: 'actions' });
    const at = this.at();
    const map = { name: input.name, description: input.description ?? '', actions, createdAt: at, updatedAt: at };
    if (!(await this.meta.scopeMaps.create(map))) throw new AppError(Errors.SCOPE_MAP_EXISTS, { detail: { name: input.name } });
    return map;
  }

  /** Merges added and removed actions (case-insensitively) and/or replaces the description. */
  async updateScopeMap(name: string, change: { description?: string; add?: readonly string[]; remove?: readonly string[] }): Promise<ScopeMapRecord> {
    const current = await this.getScopeMap(name);
    if ((change.description ?? '').length > 256) throw invalid('a description has at most 256 characters', { field: 'description' });
    const actions = mergeScopeMapActions(current.actions, checkActions(change.add ?? []), change.remove ?? []);
    const next = { ...current, description: change.description ?? current.description, actions, updatedAt: this.at() };
    await this.meta.scopeMaps.update(next);
    this.auth.invalidate();
    return next;
  }

  async deleteScopeMap(name: string): Promise<void> {
    await this.getScopeMap(name);
    const users = await this.meta.accessTokens.usingScopeMap(name);
    if (users.length > 0) throw new AppError(Errors.SCOPE_MAP_IN_USE, { detail: { name, tokens: users.slice(0, 50) } });
    await this.meta.scopeMaps.delete(name);
    this.auth.invalidate();
  }

  listTokens(): Promise<AccessTokenRecord[]> {
    return this.meta.accessTokens.list();
  }

  async getToken(name: string): Promise<AccessTokenRecord> {
    const token = await this.meta.accessTokens.get(name);
    if (!token) throw notFound(Errors.TOKEN_NOT_FOUND, name);
    return token;
  }

  /** Creates a token (and its `<name>-scope-map` when given actions); returns its new passwords. */
  async createToken(input: NewToken): Promise<{ token: AccessTokenRecord; passwords: NewPassword[] }> {
    if (!RESOURCE_NAME.test(input.name)) throw invalid('a token name is 3-50 letters, digits, "_" or "-", starting with a letter or digit', { field: 'name' });
    if (input.scopeMap !== undefined && input.actions !== undefined) throw invalid('give a scope map or actions, not both', { field: 'scopeMap' });
    const expiry = checkExpiry(input.expiry);
    if (await this.meta.users.get(input.name)) throw new AppError(Errors.TOKEN_EXISTS, { detail: { name: input.name, takenBy: 'user' } });
    if (await this.meta.accessTokens.get(input.name)) throw new AppError(Errors.TOKEN_EXISTS, { detail: { name: input.name, takenBy: 'token' } });
    const scopeMap = input.actions !== undefined ? await this.ensureTokenScopeMap(input.name, input.actions) : input.scopeMap === undefined ? null : (await this.getScopeMap(input.scopeMap)).name;
    const at = this.at();
    const made = input.hasPasswords === false ? [] : await Promise.all(PASSWORD_NAMES.map((n) => this.newPassword(n, expiry, at)));
    const slots = Object.fromEntries(made.map((p) => [p.name, p.record]));
    const token: AccessTokenRecord = { name: input.name, scopeMap, status: input.status ?? 'enabled', password1: slots.password1 ?? null, password2: slots.password2 ?? null, createdAt: at, updatedAt: at, lastUsedAt: null };
    if (!(await this.meta.accessTokens.create(token))) throw new AppError(Errors.TOKEN_EXISTS, { detail: { name: input.name, takenBy: 'token' } });
    this.auth.invalidate();
    return { token, passwords: made.map((p) => p.password) };
  }

  /** ACR's auto scope map: created, or reused when it holds the same actions. */
  private async ensureTokenScopeMap(token: string, actions: readonly string[]): Promise<string> {
    const name = `${token}-scope-map`;
    const existing = await this.meta.scopeMaps.get(name);
    if (!existing) return (await this.createScopeMap({ name, description: `Scope map of token ${token}`, actions })).name;
    const key = (list: readonly string[]): string => [...list].map((a) => a.toLowerCase()).sort().join('\n');
    if (key(existing.actions) !== key(checkActions(actions))) throw new AppError(Errors.SCOPE_MAP_EXISTS, { message: `scope map ${name} exists with other actions`, detail: { name } });
    return name;
  }

  private async newPassword(name: PasswordName, expiry: string | null, at: string): Promise<{ name: PasswordName; record: TokenPasswordRecord; password: NewPassword }> {
    const value = generatePassword();
    return { name, record: { hash: await hashPassword(value), createdAt: at, expiry }, password: { name, value, createdAt: at, expiry } };
  }

  /** Changes the scope map (null: none, so the token grants nothing) and/or the status. */
  async updateToken(name: string, change: { scopeMap?: string | null; status?: 'enabled' | 'disabled' }): Promise<AccessTokenRecord> {
    const token = await this.getToken(name);
    const scopeMap = change.scopeMap === undefined ? token.scopeMap : change.scopeMap === null ? null : (await this.getScopeMap(change.scopeMap)).name;
    const next = { ...token, scopeMap, status: change.status ?? token.status, updatedAt: this.at() };
    await this.meta.accessTokens.update(next);
    this.auth.invalidate();
    return next;
  }

  async deleteToken(name: string): Promise<void> {
    if (!(await this.meta.accessTokens.delete(name))) throw notFound(Errors.TOKEN_NOT_FOUND, name);
    this.auth.invalidate();
  }

  /** Regenerates one password, or both when `which` is absent (az acr token credential generate). */
  async generatePasswords(name: string, options: { which?: PasswordName; expiry?: string | null }): Promise<{ token: AccessTokenRecord; passwords: NewPassword[] }> {
    const token = await this.getToken(name);
    const expiry = checkExpiry(options.expiry);
    const at = this.at();
    const made = await Promise.all((options.which ? [options.which] : PASSWORD_NAMES).map((n) => this.newPassword(n, expiry, at)));
    let next: AccessTokenRecord = { ...token, updatedAt: at };
    for (const p of made) next = { ...next, [p.name]: p.record };
    await this.meta.accessTokens.update(next);
    this.auth.invalidate();
    return { token: next, passwords: made.map((p) => p.password) };
  }

  /** A user's API tokens (never their secrets). */
  async listApiTokens(user: string): Promise<UserApiTokenRecord[]> {
    await this.getUser(user);
    return this.meta.apiTokens.list(user);
  }

  /** Makes a user's API token; the secret is returned this once and stored only as a hash. */
  async createApiToken(input: NewApiToken): Promise<{ token: UserApiTokenRecord; secret: string }> {
    if (!API_TOKEN_NAME.test(input.name)) throw invalid('an API token name is 1-50 letters, digits, ".", "_" or "-", starting with a letter or digit', { field: 'name' });
    const user = await this.getUser(input.user);
    const wanted = input.roles === undefined ? undefined : parseRoles(input.roles);
    const cap = input.cap === undefined ? undefined : parseRoles(input.cap);
    const roles = wanted ?? cap ?? null;
    const beyond = (roles ?? []).find((r) => !user.roles.includes(r) || (cap !== undefined && !cap.includes(r)));
    if (beyond !== undefined) throw invalid(`the token cannot hold role ${beyond}: ${cap === undefined ? 'the user' : 'the calling token'} does not`, { field: 'roles' });
    const expiresAt = checkExpiry(input.expiresAt);
    if (expiresAt !== null && Date.parse(expiresAt) <= this.auth.now().getTime()) throw invalid('expiresAt is in the past', { field: 'expiresAt' });
    const { secret, lookup } = generateApiTokenSecret();
    const token: UserApiTokenRecord = { user: user.name, name: input.name, lookup, hash: await hashPassword(secret), roles, createdAt: this.at(), expiresAt, lastUsedAt: null };
    if (!(await this.meta.apiTokens.create(token))) throw new AppError(Errors.API_TOKEN_EXISTS, { detail: { user: user.name, name: input.name } });
    return { token, secret };
  }

  /** Deletes a user's API token; it stops working on the next request (the verified-password cache is cleared). */
  async deleteApiToken(user: string, name: string): Promise<void> {
    if (!(await this.meta.apiTokens.delete(user, name))) throw new AppError(Errors.API_TOKEN_NOT_FOUND, { detail: { user: user.slice(0, 80), name: name.slice(0, 80) } });
    this.auth.invalidate();
  }
}
