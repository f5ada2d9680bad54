import { defineCatalog } from '../../core/errors/index.js';

/**
 * The OCI distribution-spec error codes (spec v1.1 "Error Codes"), with the statuses the
 * reference implementation (CNCF distribution) uses, plus distribution's own
 * PAGINATION_NUMBER_INVALID, TAG_INVALID, UNAVAILABLE and UNKNOWN.
 */
export const OciErrors = defineCatalog({
  BLOB_UNKNOWN: { httpStatus: 404, message: 'blob unknown to registry', description: 'The blob is not known in this repository.' },
  BLOB_UPLOAD_INVALID: { httpStatus: 400, message: 'blob upload invalid', description: 'The upload failed and cannot proceed (bad range, size or state).' },
  BLOB_UPLOAD_UNKNOWN: { httpStatus: 404, message: 'blob upload unknown to registry', description: 'The upload was cancelled, finished, expired or never started.' },
  DIGEST_INVALID: { httpStatus: 400, message: 'provided digest did not match uploaded content', description: 'The digest is malformed, of an unsupported algorithm, or does not match the content.' },
  MANIFEST_BLOB_UNKNOWN: { httpStatus: 400, message: 'manifest references a manifest or blob unknown to registry', description: 'A blob or child manifest the manifest references is not in the repository.' },
  MANIFEST_INVALID: { httpStatus: 400, message: 'manifest invalid', description: 'The manifest is malformed, fails validation or does not match its content type.' },
  MANIFEST_UNKNOWN: { httpStatus: 404, message: 'manifest unknown to registry', description: 'No manifest with this tag or digest exists in the repository.' },
  NAME_INVALID: { httpStatus: 400, message: 'invalid repository name', description: 'The repository name does not match the spec grammar.' },
  NAME_UNKNOWN: { httpStatus: 404, message: 'repository name not known to registry', description: 'The repository does not exist.' },
  SIZE_INVALID: { httpStatus: 400, message: 'provided length did not match content length', description: 'The content length does not match, or the content exceeds a size limit.' },
  UNAUTHORIZED: { httpStatus: 401, message: 'authentication required', description: 'No valid credentials were presented.' },
  DENIED: { httpStatus: 403, message: 'requested access to the resource is denied', description: 'The credentials do not grant the requested action.' },
  UNSUPPORTED: { httpStatus: 415, message: 'the operation is unsupported', description: 'The media type or operation is not supported.' },
  TOOMANYREQUESTS: { httpStatus: 429, message: 'too many requests', description: 'The client sent too many requests.' },
  PAGINATION_NUMBER_INVALID: { httpStatus: 400, message: 'invalid number of results requested', description: 'The n parameter is not a valid count.' },
  UNAVAILABLE: { httpStatus: 503, message: 'service unavailable', description: 'A storage backend failed or is unreachable; retry later.' },
  UNKNOWN: { httpStatus: 500, message: 'internal error', description: 'An unexpected error; it is logged once, with its stack, on the server.' },
  TAG_INVALID: { httpStatus: 400, message: 'manifest tag did not match URI', description: 'The tag does not match the spec grammar.' },
});

export type OciErrorCode = keyof typeof OciErrors;
