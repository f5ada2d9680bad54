import type { AccessEntry } from './scope.js';

/**
 * ACR's built-in roles, spelt as Azure spells them. Owner, Contributor and Reader cover the API
 * (and, as in ACR, image pull); AcrPull, AcrPush and AcrDelete are the registry data roles.
 */
export const Role = {
  owner: 'Owner',
  contributor: 'Contributor',
  reader: 'Reader',
  acrPull: 'AcrPull',
  acrPush: 'AcrPush',
  acrDelete: 'AcrDelete',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.values(Role);

/** The role of this name, case-insensitively (`acrpull` is AcrPull); undefined when unknown. */
export function parseRole(text: string): Role | undefined {
  return ROLES.find((r) => r.toLowerCase() === text.trim().toLowerCase());
}

/**
 * The access entries of the API itself (never issued to repository tokens): `api:builds` covers
 * runs, contexts, tasks and their triggers; `api:access` users, roles, scope maps and tokens
 * (and, for other areas, anything that grants access, such as vault policies).
 */
export const ApiAccess = {
  buildsRead: { type: 'api', name: 'builds', actions: ['read'] },
  buildsWrite: { type: 'api', name: 'builds', actions: ['write'] },
  accessRead: { type: 'api', name: 'access', actions: ['read'] },
  accessWrite: { type: 'api', name: 'access', actions: ['write'] },
} as const satisfies Record<string, AccessEntry>;

/**
 * Permissions as `type:name-or-kind:action`; `*` in the last part is any action. A repository's
 * permission does not name it: roles are registry-wide, as ACR's built-in role assignments are.
 */
const PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  Owner: ['*'],
  Contributor: ['repository:*', 'registry:catalog', 'registry:events', 'api:builds:*'],
  Reader: ['repository:pull', 'repository:metadata_read', 'registry:catalog', 'registry:events', 'api:builds:read'],
  AcrPull: ['repository:pull', 'repository:metadata_read', 'registry:catalog'],
  AcrPush: ['repository:pull', 'repository:push', 'repository:metadata_read', 'repository:metadata_write', 'registry:catalog'],
  AcrDelete: ['repository:delete', 'repository:metadata_read'],
};

function permissionOf(entry: Pick<AccessEntry, 'type' | 'name'>, action: string): string {
  if (entry.type === 'repository') return `repository:${action}`;
  if (entry.type === 'registry') return `registry:${entry.name}`;
  return `${entry.type}:${entry.name}:${action}`;
}

/** Whether any of `roles` allows `action` on the resource `entry` names: the role half of the policy. */
export function rolesPermit(roles: readonly Role[], entry: Pick<AccessEntry, 'type' | 'name'>, action: string): boolean {
  const wanted = permissionOf(entry, action);
  const anyAction = wanted.slice(0, wanted.lastIndexOf(':') + 1) + '*';
  return roles.some((role) => PERMISSIONS[role].some((p) => p === '*' || p === wanted || p === anyAction));
}
