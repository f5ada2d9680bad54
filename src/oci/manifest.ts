import { parseDigest, type Digest } from './digest.js';
import { MediaType, isIndexMediaType, isManifestMediaType } from './media-types.js';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
  readonly platform?: unknown;
}

/** What the registry needs to know of a manifest: its kind, references and referrer fields. */
export interface ParsedManifest {
  readonly mediaType: string;
  readonly isIndex: boolean;
  readonly config?: Descriptor;
  /** Layers of an image manifest, or child manifests of an index. */
  readonly references: readonly Descriptor[];
  readonly subject?: Descriptor;
  /** The artifact type the referrers API reports (spec: artifactType, else config.mediaType). */
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
}

export type ManifestParse =
  | { readonly ok: true; readonly manifest: ParsedManifest }
  | { readonly ok: false; readonly code: 'MANIFEST_INVALID' | 'UNSUPPORTED'; readonly reason: string };

const GENERIC_CONTENT_TYPES = new Set(['', 'application/json', 'application/octet-stream']);

class ManifestInvalid extends Error {}

function fail(reason: string): never {
  throw new ManifestInvalid(reason);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== 'string')) fail(`${path} must map strings to strings`);
  return value as Record<string, string>;
}

function parseDescriptor(value: unknown, path: string): Descriptor {
  if (!isRecord(value)) fail(`${path} must be an object`);
  const { mediaType, digest, size, artifactType } = value;
  if (typeof mediaType !== 'string' || mediaType === '') fail(`${path}.mediaType must be a non-empty string`);
  if (typeof digest !== 'string' || !parseDigest(digest).ok) fail(`${path}.digest is not a valid sha256 or sha512 digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) fail(`${path}.size must be a non-negative integer`);
  if (artifactType !== undefined && typeof artifactType !== 'string') fail(`${path}.artifactType must be a string`);
  const annotations = stringMap(value.annotations, `${path}.annotations`);
  return {
    mediaType,
    digest: digest as Digest,
    size,
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(annotations === undefined ? {} : { annotations }),
    ...(value.platform === undefined ? {} : { platform: value.platform }),
  };
}

function descriptorList(value: unknown, path: string): Descriptor[] {
  if (!Array.isArray(value)) fail(`${path} must be an array`);
  return value.map((item, i) => parseDescriptor(item, `${path}[${i}]`));
}

/** Picks the manifest's media type from the Content-Type header and the body's own field. */
function resolveMediaType(contentType: string, body: Record<string, unknown>): string {
  const declared = body.mediaType;
  if (declared !== undefined && typeof declared !== 'string') fail('mediaType must be a string');
  if (!GENERIC_CONTENT_TYPES.has(contentType)) {
    if (!isManifestMediaType(contentType)) throw new Unsupported(`content type ${contentType} is not a manifest media type`);
    if (declared !== undefined && declared !== contentType) fail(`mediaType ${declared} does not match Content-Type ${contentType}`);
    return contentType;
  }
  if (declared !== undefined) {
    if (!isManifestMediaType(declared)) throw new Unsupported(`mediaType ${declared} is not a manifest media type`);
    return declared;
  }
  if (Array.isArray(body.manifests)) return MediaType.ociIndex;
  if (body.config !== undefined) return MediaType.ociManifest;
  return fail('cannot tell the manifest media type: no Content-Type, mediaType, config or manifests');
}

class Unsupported extends Error {}

function parseBody(body: Record<string, unknown>, mediaType: string): ParsedManifest {
  if (body.schemaVersion !== 2) fail('schemaVersion must be 2');
  const isOci = mediaType === MediaType.ociManifest || mediaType === MediaType.ociIndex;
  const subject = body.subject === undefined ? undefined : parseDescriptor(body.subject, 'subject');
  if (subject && !isOci) fail('subject is only allowed in OCI manifests');
  const artifactTypeField = body.artifactType;
  if (artifactTypeField !== undefined && typeof artifactTypeField !== 'string') fail('artifactType must be a string');
  const annotations = stringMap(body.annotations, 'annotations');
  const common = {
    mediaType,
    ...(subject ? { subject } : {}),
    ...(annotations ? { annotations } : {}),
  };
  if (isIndexMediaType(mediaType)) {
    const references = descriptorList(body.manifests, 'manifests');
    return { ...common, isIndex: true, references, ...(artifactTypeField ? { artifactType: artifactTypeField } : {}) };
  }
  if (body.manifests !== undefined) fail('an image manifest must not have manifests');
  const config = parseDescriptor(body.config, 'config');
  const references = body.layers === undefined && isOci ? [] : descriptorList(body.layers, 'layers');
  const artifactType = artifactTypeField ?? config.mediaType;
  return { ...common, isIndex: false, config, references, artifactType };
}

/** Parses manifest bytes as sent with `contentType` (already stripped of parameters). */
export function parseManifest(bytes: Buffer, contentType: string): ManifestParse {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, code: 'MANIFEST_INVALID', reason: 'manifest is not valid JSON' };
  }
  try {
    if (!isRecord(body)) fail('manifest must be a JSON object');
    const mediaType = resolveMediaType(contentType, body);
    return { ok: true, manifest: parseBody(body, mediaType) };
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, code: 'UNSUPPORTED', reason: err.message };
    if (err instanceof ManifestInvalid) return { ok: false, code: 'MANIFEST_INVALID', reason: err.message };
    throw err;
  }
}

/** Every digest this manifest needs in the repository (config, layers or child manifests). */
export function requiredDigests(manifest: ParsedManifest): Descriptor[] {
  return manifest.config ? [manifest.config, ...manifest.references] : [...manifest.references];
}
