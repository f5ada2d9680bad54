/** One entry of a token's `access` claim (Docker token spec), e.g. repository `app` with pull,push. */
export interface AccessEntry {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

export const Action = { pull: 'pull', push: 'push', delete: 'delete', metadataRead: 'metadata_read', metadataWrite: 'metadata_write', all: '*' } as const;

/**
 * Parses a scope string `type[(class)]:name:action,action`; the name may hold colons
 * (a port), so the actions are after the last one. Returns undefined when malformed.
 */
export function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const type = scope.slice(0, first).replace(/\(.*\)$/, '');
  const name = scope.slice(first + 1, last);
  const actions = scope.slice(last + 1).split(',').filter((a) => a !== '');
  if (name === '' || actions.length === 0) return undefined;
  return { type, name, actions };
}

export function formatScope(entry: AccessEntry): string {
  return `${entry.type}:${entry.name}:${entry.actions.join(',')}`;
}

/**
 * Whether a granted name covers a wanted one: equal, or a scope map's wildcard pattern (`*`
 * for every repository, `team/*` for every repository under `team/`, at any depth).
 */
export function nameMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (pattern === '*') return !name.includes('*');
  return pattern.endsWith('/*') && name.startsWith(pattern.slice(0, -1)) && !name.includes('*');
}

/** True when `granted` allows every action of `wanted` (pull implies metadata_read, as docker's pull lists tags). */
export function allows(granted: readonly AccessEntry[], wanted: AccessEntry): boolean {
  const held = new Set(granted.filter((g) => g.type === wanted.type && nameMatches(g.name, wanted.name)).flatMap((g) => g.actions));
  if (held.has('*')) return true;
  return wanted.actions.every((a) => held.has(a) || (a === Action.metadataRead && held.has(Action.pull)));
}
