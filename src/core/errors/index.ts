/** @module core/errors: the app's error type, its catalog and the store error kinds. */
export * from './app-error.js';
export * from './catalog.js';
export * from './store-error.js';
