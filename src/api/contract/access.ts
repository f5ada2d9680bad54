/**
 * /api/v1 access management (docs/access.md): users and roles, scope maps, repository tokens.
 * Every route needs the Owner role. Passwords appear only in the answer that made them.
 */

/** Owner, Contributor, Reader, AcrPull, AcrPush, AcrDelete. */
export type ApiRole = string;

export interface ApiUser {
  readonly name: string;
  readonly roles: readonly ApiRole[];
  /** The built-in `admin`: always Owner, cannot be deleted. */
  readonly isBuiltIn: boolean;
  readonly createdAt: string;
}

/** POST /users; without `password` one is generated and returned once. */
export interface ApiUserCreateRequest {
  readonly name: string;
  readonly password?: string;
  readonly roles?: readonly ApiRole[];
}

/** PATCH /users/:name: replace the roles, set a password, or have one generated. */
export interface ApiUserUpdateRequest {
  readonly roles?: readonly ApiRole[];
  readonly password?: string;
  readonly generatePassword?: boolean;
}

/** A user, with the password when the server made one. */
export interface ApiUserWithPassword extends ApiUser {
  readonly password?: string;
}

export interface ApiUserList {
  readonly users: readonly ApiUser[];
}

export interface ApiScopeMap {
  readonly name: string;
  readonly description: string;
  /** `repositories/<repository or pattern>/<content|metadata>/<verb>`, as ACR writes them. */
  readonly actions: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ApiScopeMapCreateRequest {
  readonly name: string;
  readonly description?: string;
  readonly actions: readonly string[];
}

/** PATCH /scope-maps/:name: actions merge case-insensitively (ACR's --add/--remove-repository). */
export interface ApiScopeMapUpdateRequest {
  readonly description?: string;
  readonly addActions?: readonly string[];
  readonly removeActions?: readonly string[];
}

export interface ApiScopeMapList {
  readonly scopeMaps: readonly ApiScopeMap[];
}

export type ApiPasswordName = 'password1' | 'password2';

export interface ApiTokenPassword {
  readonly name: ApiPasswordName;
  readonly creationTime: string;
  /** null: never expires. */
  readonly expiry: string | null;
  /** Only in the answer that generated it. */
  readonly value?: string;
}

export interface ApiToken {
  readonly name: string;
  readonly scopeMap: string | null;
  readonly status: 'enabled' | 'disabled';
  readonly creationDate: string;
  readonly lastUsed: string | null;
  readonly credentials: { readonly passwords: readonly ApiTokenPassword[] };
}

/** POST /tokens: `scopeMap`, or `actions` for an auto-made `<name>-scope-map`. */
export interface ApiTokenCreateRequest {
  readonly name: string;
  readonly scopeMap?: string;
  readonly actions?: readonly string[];
  /** @defaultValue 'enabled' */
  readonly status?: 'enabled' | 'disabled';
  /** @defaultValue false */
  readonly noPasswords?: boolean;
  /** ISO time the passwords expire; absent or null: never. */
  readonly expiry?: string | null;
}

/** PATCH /tokens/:name; `scopeMap: null` dissociates it (the token then grants nothing). */
export interface ApiTokenUpdateRequest {
  readonly scopeMap?: string | null;
  readonly status?: 'enabled' | 'disabled';
}

/** POST /tokens/:name/generate-password: one password, or both when `name` is absent. */
export interface ApiGeneratePasswordRequest {
  readonly name?: ApiPasswordName;
  readonly expiry?: string | null;
}

export interface ApiTokenList {
  readonly tokens: readonly ApiToken[];
}

/**
 * A user's personal API token (`/users/:name/api-tokens`): signs in as the user (HTTP Basic, the
 * user's name and the secret) with the user's roles, or `roles` of them. The user or an Owner.
 */
export interface ApiUserApiToken {
  readonly name: string;
  readonly user: string;
  /** The roles the token is limited to; null: every role the user holds. */
  readonly roles: readonly ApiRole[] | null;
  readonly createdAt: string;
  /** null: never expires. */
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  /** `slp_…`: only in the answer that created it. */
  readonly secret?: string;
}

/** POST /users/:name/api-tokens. */
export interface ApiUserApiTokenCreateRequest {
  readonly name: string;
  /** A subset of the user's roles; absent: all of them, now and later. */
  readonly roles?: readonly ApiRole[];
  /** ISO time; absent or null: never expires. */
  readonly expiresAt?: string | null;
}

export interface ApiUserApiTokenList {
  readonly apiTokens: readonly ApiUserApiToken[];
}
