import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError, Errors } from '../core/errors/index.js';
import { redactUrl, type ContextSpec } from './context-spec.js';
import { DEFAULT_MAX_CONTEXT_BYTES } from './context-validation.js';

/** What a server lets a run fetch (config `sources`, docs/sources.md). */
export interface SourcePolicy {
  /** `file://` git URLs read the server's own disk. */
  readonly allowFileUrls: boolean;
  /** Loopback, private, link-local, shared and unique-local addresses. */
  readonly allowPrivateNetworks: boolean;
  readonly maxContextBytes: number;
}

export const OPEN_SOURCE_POLICY: SourcePolicy = { allowFileUrls: true, allowPrivateNetworks: true, maxContextBytes: DEFAULT_MAX_CONTEXT_BYTES };

export type RemoteContextSpec = Extract<ContextSpec, { kind: 'git' | 'tarball' }>;

/** Resolves a host name to all its addresses; replaceable in unit tests. */
export type HostLookup = (host: string) => Promise<readonly string[]>;

const systemLookup: HostLookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Addresses a server-side fetch must not reach unless `allowPrivateNetworks`. */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** True for an address in a loopback, private, link-local, CGNAT or unique-local range (IPv4-mapped IPv6 too). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  if (mapped !== undefined) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(bare);
  if (family === 0) return false;
  return PRIVATE.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** The host a remote context names (`git@host:path` included), or null for `file://`. */
export function hostOf(spec: RemoteContextSpec): string | null {
  const scp = /^[^@/\s]+@([^:/\s]+):/.exec(spec.url);
  if (scp && !spec.url.includes('://')) return scp[1] as string;
  const url = new URL(spec.url);
  if (url.protocol === 'file:') return null;
  return url.hostname.replace(/^\[|\]$/g, '');
}

function notAllowed(message: string, spec: RemoteContextSpec, setting: string): AppError {
  return new AppError(Errors.SOURCE_NOT_ALLOWED, { message, detail: { context: redactUrl(spec.url), setting } });
}

/**
 * Refuses a remote context this server must not fetch: a `file://` URL unless
 * `sources.allowFileUrls`, a host that is or resolves to a private address unless
 * `sources.allowPrivateNetworks`. A host that does not resolve passes: the fetch then fails
 * with its own clear error. Checked when a run is created and again when it starts.
 */
export async function checkRemoteSource(spec: RemoteContextSpec, policy: SourcePolicy, lookup: HostLookup = systemLookup): Promise<void> {
  const host = hostOf(spec);
  if (host === null) {
    if (!policy.allowFileUrls) throw notAllowed('file:// contexts read the server\'s disk and are off on this server (sources.allowFileUrls); pass a folder, which the CLI uploads, or a network URL', spec, 'sources.allowFileUrls');
    return;
  }
  if (policy.allowPrivateNetworks) return;
  const addresses = isIP(host) !== 0 ? [host] : await lookup(host).catch(() => [] as string[]);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked !== undefined) {
    throw notAllowed(`${host} is a private or loopback address (${blocked}); this server does not fetch contexts from its own networks (sources.allowPrivateNetworks)`, spec, 'sources.allowPrivateNetworks');
  }
}
