import { gzipSync } from 'node:zlib';
import { MediaType, digestOf, type Digest } from '../../oci/index.js';
import { writeTar, type TarEntry } from './tar-writer.js';

/** A blob ready to push: its bytes, digest and media type. */
export interface BuiltBlob {
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly digest: Digest;
}

/** A single-layer OCI image: layer, config and the manifest tying them together. */
export interface BuiltImage {
  readonly layer: BuiltBlob;
  readonly config: BuiltBlob;
  readonly manifest: BuiltBlob;
}

export interface ImageSpec {
  readonly rootfs: readonly TarEntry[];
  readonly cmd: readonly string[];
  /** OCI architecture name. @defaultValue the host's (amd64 on x64) */
  readonly architecture?: string;
  readonly createdBy: string;
}

const EPOCH = '1970-01-01T00:00:00Z';
const LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** Go's GOARCH names, which image configs use. */
export function ociArchitecture(nodeArch: string = process.arch): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[nodeArch] ?? nodeArch;
}

function blob(mediaType: string, bytes: Buffer): BuiltBlob {
  return { mediaType, bytes, digest: digestOf(bytes) };
}

/**
 * Builds the image in memory, byte-for-byte reproducible: fixed mtimes in the tar, gzip with
 * mtime 0 (zlib's default header), a fixed `created`, and JSON with a fixed key order.
 */
export function buildImage(spec: ImageSpec): BuiltImage {
  const tar = writeTar(spec.rootfs);
  const layer = blob(LAYER_GZIP, gzipSync(tar, { level: 9 }));
  const configJson = {
    created: EPOCH,
    architecture: spec.architecture ?? ociArchitecture(),
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: [...spec.cmd] },
    rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
    history: [{ created: EPOCH, created_by: spec.createdBy }],
  };
  const config = blob(MediaType.ociConfig, Buffer.from(JSON.stringify(configJson)));
  const descriptor = (b: BuiltBlob): Record<string, unknown> => ({ mediaType: b.mediaType, digest: b.digest, size: b.bytes.length });
  const manifestJson = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: descriptor(config),
    layers: [descriptor(layer)],
  };
  return { layer, config, manifest: blob(MediaType.ociManifest, Buffer.from(JSON.stringify(manifestJson))) };
}
