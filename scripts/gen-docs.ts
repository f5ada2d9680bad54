// Regenerates the reference pages that are derived from code (npm run docs).
import { writeFileSync } from 'node:fs';
import { configReference, errorReference } from '../src/app/reference-docs.js';

writeFileSync(new URL('../docs/config.md', import.meta.url), configReference());
writeFileSync(new URL('../docs/errors.md', import.meta.url), errorReference());
