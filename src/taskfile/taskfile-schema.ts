import { TASK_FIELDS, type FieldSpec, type FieldTable, type FieldType } from './task-fields.js';

/** The `$id` of schemas/taskfile.schema.json. */
export const TASKFILE_SCHEMA_ID = 'https://slipway.example.invalid/schemas/taskfile.schema.json';

type JsonSchema = Record<string, unknown>;

function typeSchema(type: FieldType): JsonSchema {
  switch (type.kind) {
    case 'string':
      return { type: 'string' };
    case 'int':
      return { type: 'integer' };
    case 'bool':
      return { type: 'boolean' };
    case 'any':
      return {};
    case 'list':
      return { type: 'array', items: typeSchema(type.of) };
    case 'map':
      return { type: 'object', additionalProperties: typeSchema(type.of) };
    case 'object':
      return objectSchema(type.fields, type.name === 'step' ? { oneOf: ['cmd', 'build', 'push'].map((k) => ({ required: [k] })) } : {});
  }
}

function fieldSchema(spec: FieldSpec): JsonSchema {
  const defaultText = spec.default === undefined ? '' : ` Default: \`${String(spec.default)}\`.`;
  return {
    ...typeSchema(spec.type),
    description: `${spec.description}${defaultText}`,
    ...(spec.default === undefined ? {} : { default: spec.default }),
    ...(spec.pattern === undefined ? {} : { pattern: spec.pattern }),
  };
}

function objectSchema(fields: FieldTable, extra: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([key, spec]) => [key, fieldSchema(spec)])),
    additionalProperties: false,
    ...extra,
  };
}

/**
 * JSON Schema (draft-07) of a task file, generated from the field table so it always matches what
 * the parser accepts. Unknown keys are schema errors (editors flag typos) although Slipway, like
 * ACR, only warns about them.
 */
export function taskfileJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: TASKFILE_SCHEMA_ID,
    title: 'Slipway / ACR multi-step task file',
    description: 'A multi-step task (ACR task YAML, version v1.1.0). See docs/taskfile.md.',
    ...objectSchema(TASK_FIELDS, {}),
  };
}
