/** @module registry/proxy: the pull-through cache of the mirror namespace and its upstream client. */
export { PullThroughCache, type PullThroughOptions } from './pull-through-cache.js';
export { UpstreamClient, type UpstreamClientOptions } from './upstream-client.js';
export { createPullThroughCache } from './create-pull-through-cache.js';
