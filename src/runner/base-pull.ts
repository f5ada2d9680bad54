import type { ContainerEngine, RegistryAuth } from '../engine/container-engine.js';
import type { BaseImageRecord } from '../queue/run-queue.js';
import type { RegistryCredential } from '../tasks/quick-build.js';

export interface BasePullOptions {
  readonly engine: ContainerEngine;
  /** Slipway's registry as the engine reaches it, and as users name it. */
  readonly registry: string;
  readonly publicRegistry?: string;
  /** Repositories anyone may pull (the mirror namespace): BuildKit fetches those itself. */
  readonly isAnonymous: (repository: string) => boolean;
  /** A run token for pulling these repositories of Slipway. */
  readonly ownAuth: (repositories: readonly string[]) => RegistryAuth;
  readonly credentials: readonly RegistryCredential[];
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

/**
 * Pulls the base images a build cannot fetch anonymously, with the right credentials, before
 * the build: private repositories of Slipway (a run token with pull on exactly them) and images
 * in registries the task has credentials for. BuildKit then finds them in the engine. (Passing
 * credentials to a BuildKit build needs a client session that the Engine API's /build endpoint
 * alone does not give; pulling first works with every builder.)
 */
export async function pullPrivateBases(bases: readonly BaseImageRecord[], o: BasePullOptions): Promise<void> {
  const own = (b: BaseImageRecord): boolean => b.registry === o.registry || (o.publicRegistry !== undefined && b.registry === o.publicRegistry);
  const privateOwn = bases.filter((b) => own(b) && !o.isAnonymous(b.repository));
  const token = privateOwn.length === 0 ? undefined : o.ownAuth([...new Set(privateOwn.map((b) => b.repository))]);
  for (const base of bases) {
    if (base.registry === '') continue;
    const auth = own(base)
      ? privateOwn.includes(base)
        ? token
        : undefined
      : (() => {
          const c = o.credentials.find((x) => x.loginServer === base.registry);
          return c === undefined ? undefined : { username: c.username, password: c.password, serveraddress: base.registry };
        })();
    if (auth === undefined) continue;
    const registry = own(base) ? o.registry : base.registry;
    const image = `${registry}/${base.repository}${base.digest !== null ? `@${base.digest}` : `:${base.tag ?? 'latest'}`}`;
    o.log(`Pulling base image ${base.registry}/${base.repository}:${base.tag ?? 'latest'} with the run's credentials`);
    await o.engine.images.pull({ image, auth, signal: o.signal });
  }
}
