// Regenerates schemas/taskfile.schema.json from the task file field table (src/taskfile/task-fields.ts).
// Run: node --import tsx scripts/gen-taskfile-schema.ts
import { writeFileSync } from 'node:fs';
import { taskfileJsonSchema } from '../src/taskfile/taskfile-schema.js';

writeFileSync(new URL('../schemas/taskfile.schema.json', import.meta.url), `${JSON.stringify(taskfileJsonSchema(), null, 2)}\n`);
