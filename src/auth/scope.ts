/** One entry of a token's `access` claim (Docker token spec), e.g. repository `app` with pull,push. */
export interface AccessEntry {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

export const Action = { pull: 'pull', push: 'push', delete: 'delete', all: '*' } as const;

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

/** True when `granted` allows every action of `wanted`. */
export function allows(granted: readonly AccessEntry[], wanted: AccessEntry): boolean {
  const entry = granted.find((g) => g.type === wanted.type && g.name === wanted.name);
  if (!entry) return false;
  return entry.actions.includes('*') || wanted.actions.every((a) => entry.actions.includes(a));
}
