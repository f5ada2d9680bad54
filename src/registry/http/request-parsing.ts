import { AppError } from '../../core/errors/index.js';
import { parseDigest, isRepoName, parseManifestRef, type Digest, type ManifestRef, type RepoName } from '../../oci/index.js';
import { OciErrors } from './oci-errors.js';

export function repoName(raw: string): RepoName {
  if (!isRepoName(raw)) throw new AppError(OciErrors.NAME_INVALID, { detail: { name: raw.slice(0, 300) } });
  return raw;
}

function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function digestParam(raw: string | undefined): Digest {
  const text = raw === undefined ? undefined : decodeSegment(raw);
  const parsed = text === undefined ? undefined : parseDigest(text);
  if (!parsed?.ok) throw new AppError(OciErrors.DIGEST_INVALID, { detail: { digest: raw?.slice(0, 200) ?? null } });
  return parsed.digest;
}

export function manifestRef(raw: string): Exclude<ManifestRef, { kind: 'invalid' }> {
  const ref = parseManifestRef(decodeSegment(raw) ?? '\0');
  if (ref.kind === 'invalid') {
    throw new AppError(ref.reason === 'tag' ? OciErrors.TAG_INVALID : OciErrors.DIGEST_INVALID, { detail: { reference: raw.slice(0, 200) } });
  }
  return ref;
}

export interface PageParams {
  readonly limit: number;
  readonly last?: string;
}

export function pageParams(query: URLSearchParams, defaultSize: number): PageParams {
  const n = query.get('n');
  let limit = defaultSize;
  if (n !== null) {
    if (!/^\d{1,9}$/.test(n)) throw new AppError(OciErrors.PAGINATION_NUMBER_INVALID, { detail: { n: n.slice(0, 50) } });
    limit = Math.min(Number(n), 10_000);
  }
  const last = query.get('last');
  return { limit, ...(last === null ? {} : { last }) };
}

/** Parses `Range: bytes=a-b` against a size; undefined means the whole blob, 'unsatisfiable' a 416. */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | undefined | 'unsatisfiable' {
  // RFC 9110 section 14.2: a Range of a unit we do not understand MUST be ignored.
  if (header === undefined || !/^\s*bytes=/i.test(header)) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'unsatisfiable';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Parses a PATCH `Content-Range` (`start-end`, optionally with a `bytes ` prefix). */
export function contentRange(header: string | undefined): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw new AppError(OciErrors.BLOB_UPLOAD_INVALID, { httpStatus: 416, message: 'malformed Content-Range', detail: { contentRange: header.slice(0, 100) } });
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

export function contentLength(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (!/^\d{1,15}$/.test(header)) throw new AppError(OciErrors.SIZE_INVALID, { detail: { contentLength: header.slice(0, 50) } });
  return Number(header);
}
