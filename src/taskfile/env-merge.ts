/** The outcome of acb's env merge: the merged list, or the message of the entry that has no `=`. */
export type EnvMergeResult = { readonly env: string[] } | { readonly error: string; readonly entry: string; readonly side: 'specific' | 'defaults' };

/**
 * acb's merge (1.6): with no defaults the specific list is returned as is, unchecked. Otherwise
 * every defaults entry is split on `,`, every entry on both sides must contain `=`, and the result
 * is the specific entries followed by the defaults whose key the specific list lacks (defaults'
 * own duplicates all kept). Keys are split at the first `=` only.
 */
export function mergeEnv(specific: readonly string[], defaults: readonly string[]): EnvMergeResult {
  if (defaults.length === 0) return { env: [...specific] };
  const keys = new Set<string>();
  for (const entry of specific) {
    const eq = entry.indexOf('=');
    if (eq < 0) return { error: `cannot parse step environment variable ${entry} correctly`, entry, side: 'specific' };
    keys.add(entry.slice(0, eq));
  }
  const env = [...specific];
  for (const entry of defaults.flatMap((d) => d.split(','))) {
    const eq = entry.indexOf('=');
    if (eq < 0) return { error: `cannot parse task environment variable ${entry} correctly`, entry, side: 'defaults' };
    if (!keys.has(entry.slice(0, eq))) env.push(entry);
  }
  return { env };
}
