/** @module sources: build contexts (local folders, git URLs, remote tarballs) and their validation. */
export * from './context-spec.js';
export * from './context-validation.js';
export * from './git-context.js';
export * from './local-context.js';
export * from './remote-tarball.js';
export * from './source-policy.js';
export * from './context-store.js';
