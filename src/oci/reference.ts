import { parseDigest, type Digest } from './digest.js';

/** A repository name that matches the spec grammar. */
export type RepoName = string & { readonly __brand: 'RepoName' };
/** A tag that matches the spec grammar. */
export type Tag = string & { readonly __brand: 'Tag' };

// distribution-spec v1.1 "Pulling manifests": <name> and <reference> grammars.
const NAME_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_GRAMMAR = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG_GRAMMAR = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** Hostname plus name must stay under 256 bytes for many clients (spec note); we cap the name. */
export const MAX_NAME_LENGTH = 255;

export function isRepoName(text: string): text is RepoName {
  return text.length <= MAX_NAME_LENGTH && NAME_GRAMMAR.test(text);
}

export function isTag(text: string): text is Tag {
  return TAG_GRAMMAR.test(text);
}

/** What a manifest `<reference>` path segment names: a tag or a digest. */
export type ManifestRef =
  | { readonly kind: 'tag'; readonly tag: Tag }
  | { readonly kind: 'digest'; readonly digest: Digest }
  | { readonly kind: 'invalid'; readonly reason: 'tag' | 'digest' | 'digest-algorithm' };

export function parseManifestRef(text: string): ManifestRef {
  if (text.includes(':')) {
    const parsed = parseDigest(text);
    if (parsed.ok) return { kind: 'digest', digest: parsed.digest };
    return { kind: 'invalid', reason: parsed.reason === 'unsupported-algorithm' ? 'digest-algorithm' : 'digest' };
  }
  return isTag(text) ? { kind: 'tag', tag: text } : { kind: 'invalid', reason: 'tag' };
}

/** An image reference as users type it: `repo[:tag]` or `repo@digest` (no registry host). */
export interface ImageRef {
  readonly repo: RepoName;
  readonly tag?: Tag;
  readonly digest?: Digest;
}

/** Parses `repo`, `repo:tag` or `repo@digest`; a bare repo means `:latest`. Returns undefined when invalid. */
export function parseImageRef(text: string): ImageRef | undefined {
  const at = text.indexOf('@');
  if (at >= 0) {
    const repo = text.slice(0, at);
    const parsed = parseDigest(text.slice(at + 1));
    return isRepoName(repo) && parsed.ok ? { repo, digest: parsed.digest } : undefined;
  }
  const colon = text.lastIndexOf(':');
  const slash = text.lastIndexOf('/');
  const hasTag = colon > slash;
  const repo = hasTag ? text.slice(0, colon) : text;
  const tag = hasTag ? text.slice(colon + 1) : 'latest';
  return isRepoName(repo) && isTag(tag) ? { repo, tag } : undefined;
}
