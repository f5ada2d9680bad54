import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Errors } from '../core/errors/index.js';
import { OciErrors } from '../registry/http/oci-errors.js';
import { ENV_FIELDS } from '../config/load.js';
import { configReference, errorReference } from './reference-docs.js';

const doc = (name: string): string => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('reference docs', () => {
  it('docs/errors.md is the one generated from the catalogs (run npm run docs)', () => {
    expect(doc('errors.md')).toBe(errorReference());
  });

  it('docs/config.md is the one generated from the schema (run npm run docs)', () => {
    expect(doc('config.md')).toBe(configReference());
  });

  it('lists every error code and every configuration variable', () => {
    for (const code of [...Object.keys(Errors), ...Object.keys(OciErrors)]) expect(doc('errors.md')).toContain(`\`${code}\``);
    for (const name of ENV_FIELDS.keys()) expect(doc('config.md')).toContain(`\`${name}\``);
  });

  it('keys every catalog entry by its own code', () => {
    for (const [key, entry] of [...Object.entries(Errors), ...Object.entries(OciErrors)]) expect(entry.code).toBe(key);
  });

  it('holds the error codes of the OCI distribution spec v1.1', () => {
    const spec = ['BLOB_UNKNOWN', 'BLOB_UPLOAD_INVALID', 'BLOB_UPLOAD_UNKNOWN', 'DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN', 'MANIFEST_INVALID', 'MANIFEST_UNKNOWN', 'NAME_INVALID', 'NAME_UNKNOWN', 'SIZE_INVALID', 'UNAUTHORIZED', 'DENIED', 'UNSUPPORTED', 'TOOMANYREQUESTS'];
    expect(Object.keys(OciErrors)).toEqual(expect.arrayContaining(spec));
  });
});
