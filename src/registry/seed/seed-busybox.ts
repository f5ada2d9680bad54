import type { OpContext } from '../../core/context.js';
import type { Registry } from '../registry.js';
import { DEFAULT_BUSYBOX_PATH, busyboxRootfs } from './busybox-rootfs.js';
import { buildImage } from './image-builder.js';
import { seedImage, type SeedResult } from './seed-image.js';

/** The repository Docker Hub's `busybox` resolves to through a registry mirror. */
export const BUSYBOX_REPOSITORY = 'library/busybox';

export interface SeedBusyboxOptions {
  /** @defaultValue latest */
  readonly tag?: string;
  /** @defaultValue /bin/busybox (Debian's busybox-static) */
  readonly busyboxPath?: string;
}

/** Builds `library/busybox:<tag>` from the host's static busybox and pushes it (idempotent). */
export async function seedBusybox(ctx: OpContext, registry: Registry, options: SeedBusyboxOptions = {}): Promise<SeedResult> {
  const image = buildImage({
    rootfs: await busyboxRootfs(options.busyboxPath ?? DEFAULT_BUSYBOX_PATH),
    cmd: ['sh'],
    createdBy: 'slipway seed busybox',
  });
  return seedImage(ctx, registry, { repository: BUSYBOX_REPOSITORY, tag: options.tag ?? 'latest' }, image);
}
