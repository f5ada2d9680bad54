import { defineCatalog } from './app-error.js';

/** Slipway's own error codes (the OCI ones live in registry/http/oci-errors.ts). */
export const Errors = defineCatalog({
  CONFIG_INVALID: {
    httpStatus: 500,
    message: 'configuration is invalid',
    description: 'A configuration file, environment variable or flag failed validation; the detail names the key.',
  },
  USAGE_INVALID: {
    httpStatus: 400,
    message: 'invalid command usage',
    description: 'A command was called with unknown flags, missing arguments or bad values.',
  },
  AUTH_REQUIRED: {
    httpStatus: 401,
    message: 'authentication required',
    description: 'The request carried no credentials, or credentials that are not valid.',
  },
  AUTH_DENIED: {
    httpStatus: 403,
    message: 'access denied',
    description: 'The credentials are valid but do not grant the requested action.',
  },
  NOT_FOUND: {
    httpStatus: 404,
    message: 'resource not found',
    description: 'The API resource (repository, tag, manifest) does not exist.',
  },
  REQUEST_INVALID: {
    httpStatus: 400,
    message: 'request is invalid',
    description: 'The API request failed validation; the detail says which field.',
  },
  STORE_UNAVAILABLE: {
    httpStatus: 503,
    message: 'storage backend unavailable',
    description: 'The object store or metadata store could not be reached or failed; retry later.',
  },
  UNKNOWN: {
    httpStatus: 500,
    message: 'internal error',
    description: 'An unexpected error; it is logged once with its stack on the server.',
  },
});
