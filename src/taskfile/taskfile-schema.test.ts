import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadTask } from './load-task.js';
import { runInfo } from './render-data.js';
import { executeTemplate } from './template/index.js';
import { taskfileJsonSchema } from './taskfile-schema.js';

// ajv (draft-07) is the one eslint already installs; the schema is draft-07 so any JSON Schema editor reads it.
interface Ajv { compile(schema: unknown): ((data: unknown) => boolean) & { errors?: unknown } }
const AjvClass = createRequire(import.meta.url)('ajv') as new (options: object) => Ajv;

const root = new URL('../../', import.meta.url);
const examplesDir = new URL('examples/taskfiles/', root);
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort();
const read = (name: string): string => readFileSync(new URL(name, examplesDir), 'utf8');

describe('schemas/taskfile.schema.json', () => {
  it('is the one generated from the field table (node --import tsx scripts/gen-taskfile-schema.ts)', () => {
    expect(JSON.parse(readFileSync(new URL('schemas/taskfile.schema.json', root), 'utf8'))).toEqual(taskfileJsonSchema());
  });

  it('has a description on every property', () => {
    const missing: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string): void => {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [key, sub] of Object.entries(props)) {
        if (typeof sub.description !== 'string' || sub.description === '') missing.push(`${path}${key}`);
        walk(sub, `${path}${key}.`);
        if (sub.items) walk(sub.items as Record<string, unknown>, `${path}${key}[].`);
      }
    };
    walk(taskfileJsonSchema(), '');
    expect(missing).toEqual([]);
  });

  it('rejects a step with two kinds and a string where a list belongs', () => {
    const validate = new AjvClass({ allErrors: true }).compile(taskfileJsonSchema());
    expect(validate({ steps: [{ cmd: 'a', build: '.' }] })).toBe(false);
    expect(validate({ steps: [{ push: 'a' }] })).toBe(false);
    expect(validate({ steps: [{ cmd: 'a', when: ['-'] }] })).toBe(true);
  });

  it.each(examples)('validates examples/taskfiles/%s', (name) => {
    const validate = new AjvClass({ allErrors: true }).compile(taskfileJsonSchema());
    const ok = validate(parse(read(name)));
    expect(validate.errors ?? null, name).toBeNull();
    expect(ok).toBe(true);
  });
});

describe('the example task files', () => {
  it.each(examples)('%s loads without a problem', async (name) => {
    const secrets = { searchApiKey: 'k', searchServiceName: 'n', npmrc: 'registry=x' };
    const loaded = await loadTask({
      file: name, text: read(name), execute: executeTemplate,
      run: runInfo({ id: 'ca1', registry: 'registry.example.invalid' }),
      values: { name: 'tool', version: '1.0' },
      resolveSecrets: async () => secrets,
    });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.plan?.steps.length).toBeGreaterThan(0);
  });
});
