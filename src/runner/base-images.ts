import type { BaseImageRecord } from '../queue/run-queue.js';

/** Joins continuation lines and drops comments, as the Dockerfile parser does. */
function instructions(dockerfile: string): string[] {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  return joined.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function substitute(text: string, args: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = args.get((braced ?? bare) as string);
    return value !== undefined && value !== '' ? value : (fallback ?? '');
  });
}

/** `[host/]repo[:tag][@digest]` into a descriptor; `busybox` stays as written (no Docker Hub guess). */
function describe(image: string, isRuntime: boolean): BaseImageRecord {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : null;
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const path = hasHost ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  const hasTag = colon > path.lastIndexOf('/');
  return {
    registry: hasHost ? first : '',
    repository: hasTag ? path.slice(0, colon) : path,
    tag: hasTag ? path.slice(colon + 1) : digest === null ? 'latest' : null,
    digest,
    isRuntime,
  };
}

/**
 * The images a Dockerfile's FROM lines name, with build args (the global `ARG` defaults,
 * overridden by `buildArgs`) substituted. Stages built FROM an earlier stage and `scratch` are
 * skipped. The final stage (or `target`) is the runtime image, the others build-time only.
 */
export function parseBaseImages(dockerfile: string, buildArgs: Readonly<Record<string, string>>, target?: string): BaseImageRecord[] {
  const args = new Map<string, string>();
  const stages: Array<{ image: string; alias: string | undefined }> = [];
  for (const line of instructions(dockerfile)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        args.set(name, buildArgs[name] ?? (eq < 0 ? '' : decl.slice(eq + 1).replace(/^"(.*)"$/, '$1')));
      }
    }
    if (upper !== 'FROM') continue;
    const words = rest.filter((w) => !w.startsWith('--'));
    const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
    stages.push({ image: substitute(words[0] ?? '', args), alias: asIndex >= 0 ? words[asIndex + 1]?.toLowerCase() : undefined });
  }
  const last = target === undefined ? stages.length - 1 : stages.findIndex((s) => s.alias === target.toLowerCase());
  const aliases = new Set<string>();
  const out: BaseImageRecord[] = [];
  stages.forEach((stage, i) => {
    if (stage.image !== '' && stage.image !== 'scratch' && !aliases.has(stage.image.toLowerCase())) out.push(describe(stage.image, i === last));
    if (stage.alias !== undefined) aliases.add(stage.alias);
  });
  return out;
}

/**
 * The digest of `base` among an image's RepoDigests (`host/repo@sha256:…`, what the engine
 * recorded when it pulled or pushed it), for builds where BuildKit used a local image and printed
 * no digest. Docker Hub names match without their `docker.io/` and `library/` prefixes.
 */
export function digestFromRepoDigests(base: Pick<BaseImageRecord, 'registry' | 'repository'>, repoDigests: readonly string[]): string | null {
  const names = new Set([`${base.registry === '' ? '' : `${base.registry}/`}${base.repository}`]);
  if (base.registry === '' || base.registry === 'docker.io') {
    const short = base.repository.replace(/^library\//, '');
    for (const n of [short, `library/${short}`, `docker.io/${short}`, `docker.io/library/${short}`]) names.add(n);
  }
  for (const entry of repoDigests) {
    const at = entry.lastIndexOf('@');
    if (at > 0 && names.has(entry.slice(0, at))) return entry.slice(at + 1);
  }
  return null;
}
