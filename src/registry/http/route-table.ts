/** The /v2 routes; names hold slashes, so routing is by suffix (spec v1.1 "Endpoints"). */
export const RouteKind = {
  base: 'base',
  catalog: 'catalog',
  uploads: 'uploads',
  upload: 'upload',
  blob: 'blob',
  manifest: 'manifest',
  tags: 'tags',
  referrers: 'referrers',
} as const;
export type RouteKind = (typeof RouteKind)[keyof typeof RouteKind];

export interface RouteMatch {
  readonly kind: RouteKind;
  readonly name?: string;
  readonly ref?: string;
}

const TABLE: ReadonlyArray<readonly [RegExp, RouteKind]> = [
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, RouteKind.uploads],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, RouteKind.upload],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, RouteKind.blob],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, RouteKind.manifest],
  [/^\/v2\/(.+)\/tags\/list$/, RouteKind.tags],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, RouteKind.referrers],
];

/** Which methods each route answers; anything else is a 405. */
export const ROUTE_METHODS: Record<RouteKind, readonly string[]> = {
  base: ['GET', 'HEAD'],
  catalog: ['GET'],
  uploads: ['POST'],
  upload: ['GET', 'PATCH', 'PUT', 'DELETE'],
  blob: ['GET', 'HEAD', 'DELETE'],
  manifest: ['GET', 'HEAD', 'PUT', 'DELETE'],
  tags: ['GET'],
  referrers: ['GET'],
};

/**
 * True when a path segment is `.` or `..`, also percent-encoded. No name component, tag,
 * digest or upload id may be one (spec v1.1 grammars), so such a path is never a valid
 * endpoint; rejecting it before routing stops `/v2/a/blobs/uploads/../../b` from being read
 * as some other endpoint by a client, proxy or storage layer that normalises it.
 */
export function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

export function matchRoute(path: string): RouteMatch | undefined {
  if (path === '/v2' || path === '/v2/') return { kind: RouteKind.base };
  if (path === '/v2/_catalog') return { kind: RouteKind.catalog };
  for (const [pattern, kind] of TABLE) {
    const m = pattern.exec(path);
    if (m) return { kind, name: m[1] as string, ...(m[2] === undefined ? {} : { ref: m[2] }) };
  }
  return undefined;
}
