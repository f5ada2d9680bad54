import type { RegistryAuth } from '../container-engine.js';

/**
 * The `X-Registry-Auth` header value: padded base64url (RFC 4648 section 5) of the JSON credentials,
 * `{"username","password","serveraddress"}` or `{"identitytoken"}`.
 */
export function encodeRegistryAuth(auth: RegistryAuth): string {
  // Docker decodes with Go's base64.URLEncoding, which requires the `=` padding that Node's
  // 'base64url' leaves out: without it dockerd silently ignores the credentials and goes
  // anonymous (seen only when the JSON length is not a multiple of 3).
  return Buffer.from(JSON.stringify(auth), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The registry part of an image reference (`127.0.0.1:5000/a/b:1` gives `127.0.0.1:5000`). */
export function registryHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/** Splits `name[:tag]` (and `name@digest`) into the parts `/images/create` and push take. */
export function splitImageTag(image: string): { name: string; tag?: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { name: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { name: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { name: image };
}
