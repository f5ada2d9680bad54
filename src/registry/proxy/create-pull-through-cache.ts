import type { Config } from '../../config/schema.js';
import type { Registry } from '../registry.js';
import { PullThroughCache } from './pull-through-cache.js';
import { UpstreamClient } from './upstream-client.js';

/** The pull-through cache `registry.upstream` asks for, or undefined when no upstream URL is set (or no mirror namespace). */
export function createPullThroughCache(config: Config['registry'], registry: Registry): PullThroughCache | undefined {
  const { upstream, mirrorNamespace } = config;
  if (upstream.url === undefined || mirrorNamespace === '') return undefined;
  const client = new UpstreamClient({
    url: upstream.url,
    credentials: {
      ...(upstream.username === undefined ? {} : { username: upstream.username }),
      ...(upstream.password === undefined ? {} : { password: upstream.password }),
    },
    timeoutMs: upstream.timeoutSeconds * 1000,
  });
  return new PullThroughCache(registry, client, {
    namespace: mirrorNamespace,
    repositoryPrefix: upstream.repositoryPrefix,
    tagTtlMs: upstream.tagTtlSeconds * 1000,
    manifestMaxBytes: config.manifestMaxBytes,
  });
}
