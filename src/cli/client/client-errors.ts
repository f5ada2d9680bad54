import { defineCatalog } from '../../core/errors/index.js';

/**
 * Errors the CLI raises on its own side of the wire. The HTTP statuses only pick the exit
 * code through run-cli's map (5xx → 1); nothing is served with them.
 */
export const ClientErrors = defineCatalog({
  SERVER_UNREACHABLE: {
    httpStatus: 503,
    message: 'cannot reach the Slipway server',
    description: 'The connection was refused, reset or the host could not be resolved; the message names the URL.',
  },
  SERVER_TIMEOUT: {
    httpStatus: 504,
    message: 'the Slipway server did not answer in time',
    description: 'A request took longer than the client deadline of 30 seconds.',
  },
  RESPONSE_INVALID: {
    httpStatus: 502,
    message: 'the server sent a response the CLI does not understand',
    description: 'A non-JSON or unexpected body; usually the URL points at something that is not Slipway.',
  },
  CREDENTIALS_FILE_INVALID: {
    httpStatus: 500,
    message: 'the credentials file cannot be read',
    description: 'credentials.json is not valid JSON of the expected shape; run `slipway logout` or delete it.',
  },
});
