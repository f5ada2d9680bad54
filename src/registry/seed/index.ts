/**
 * Base images made on this machine and pushed straight into the registry (no engine, no network).
 * @module
 */
export { writeTar, type TarEntry } from './tar-writer.js';
export { busyboxRootfs, DEFAULT_BUSYBOX_PATH } from './busybox-rootfs.js';
export { buildImage, ociArchitecture, type BuiltBlob, type BuiltImage, type ImageSpec } from './image-builder.js';
export { seedImage, SeedOutcome, type SeedResult, type SeedTarget } from './seed-image.js';
export { seedBusybox, BUSYBOX_REPOSITORY, type SeedBusyboxOptions } from './seed-busybox.js';
