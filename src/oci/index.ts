/** @module oci: digests, names and references, media types and manifest parsing; pure functions. */
export * from './digest.js';
export * from './reference.js';
export * from './media-types.js';
export * from './manifest.js';
