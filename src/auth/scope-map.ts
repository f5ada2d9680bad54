import { isRepoName } from '../oci/index.js';
import { Action, type AccessEntry } from './scope.js';

/** Scope-map actions as ACR names them, and the registry token actions each one grants. */
export const SCOPE_MAP_ACTIONS = {
  'content/read': Action.pull,
  'content/write': Action.push,
  'content/delete': Action.delete,
  'metadata/read': Action.metadataRead,
  'metadata/write': Action.metadataWrite,
} as const;
export type ScopeMapAction = keyof typeof SCOPE_MAP_ACTIONS;

export interface ParsedScopeMapAction {
  /** A repository name or a wildcard pattern (`*`, `team/*`). */
  readonly repository: string;
  readonly action: ScopeMapAction;
}

/** Whether `text` names a repository or a wildcard pattern a scope map may hold. */
export function isRepositoryPattern(text: string): boolean {
  if (text === '*') return true;
  return isRepoName(text.endsWith('/*') ? text.slice(0, -2) : text);
}

/** Parses `repositories/<pattern>/<content|metadata>/<verb>`; undefined when malformed. */
export function parseScopeMapAction(text: string): ParsedScopeMapAction | undefined {
  const match = /^repositories\/(.+)\/((?:content|metadata)\/[a-z]+)$/i.exec(text.trim());
  if (!match) return undefined;
  const action = (match[2] as string).toLowerCase();
  const repository = match[1] as string;
  if (!(action in SCOPE_MAP_ACTIONS) || !isRepositoryPattern(repository)) return undefined;
  return { repository, action: action as ScopeMapAction };
}

/** The ACR action string for a repository and an action (`repositories/app/content/read`). */
export function formatScopeMapAction(repository: string, action: string): string {
  return `repositories/${repository}/${action}`;
}

/** What a scope map grants, as token access entries (patterns kept; `allows` matches them). */
export function scopeMapAccess(actions: readonly string[]): AccessEntry[] {
  const byRepository = new Map<string, Set<string>>();
  for (const text of actions) {
    const parsed = parseScopeMapAction(text);
    if (!parsed) continue;
    const set = byRepository.get(parsed.repository) ?? new Set<string>();
    set.add(SCOPE_MAP_ACTIONS[parsed.action]);
    byRepository.set(parsed.repository, set);
  }
  return [...byRepository].map(([name, set]) => ({ type: 'repository', name, actions: [...set] }));
}

/**
 * Adds and removes actions case-insensitively, keeping the casing first written (ACR's
 * `scope-map update --add-repository/--remove-repository`).
 */
export function mergeScopeMapActions(current: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const key = (a: string): string => a.trim().toLowerCase();
  const dropped = new Set(remove.map(key));
  const out = new Map<string, string>();
  for (const a of [...current, ...add]) if (!dropped.has(key(a)) && !out.has(key(a))) out.set(key(a), a.trim());
  return [...out.values()];
}
