import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema, type Config } from './schema.js';

/** Dotted paths of the fields the schema marks `secret: true` (`registry.upstream.password`). */
function secretPaths(schema: TSchema, path: readonly string[] = []): string[][] {
  if ((schema as { secret?: boolean }).secret === true) return [[...path]];
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  return Object.entries(props).flatMap(([key, child]) => secretPaths(child, [...path, key]));
}

const SECRET_PATHS = secretPaths(ConfigSchema);

/** A copy of the config with every secret field that is set replaced by `[redacted]`, for printing. */
export function redactSecrets(config: Readonly<Config>): unknown {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const path of SECRET_PATHS) {
    let node: Record<string, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
    const last = path[path.length - 1] as string;
    if (node && node[last] !== undefined) node[last] = '[redacted]';
  }
  return copy;
}
