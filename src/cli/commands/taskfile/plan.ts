import type { CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { formatOutput, OUTPUT_FLAGS, parseOutputFormat } from '../../output/format.js';
import { reportProblems } from './render.js';
import { loadTaskfile, parseTaskfileOptions, RENDER_FLAGS, SECRET_FLAGS } from './taskfile-options.js';

export const taskfilePlanCommand: CommandSpec = {
  path: ['taskfile', 'plan'],
  summary: 'Print the normalised plan of a task file: every default applied, step dependencies, networks',
  usage: 'slipway taskfile plan FILE [--set KEY=VALUE]... [--set-secret ID=VALUE]... [--values FILE] [--run-id ID] [--registry HOST] [-o json|yaml]',
  flags: { ...RENDER_FLAGS, ...SECRET_FLAGS, ...OUTPUT_FLAGS },
  maxPositionals: 1,
  examples: ['slipway taskfile plan acb.yaml -o yaml', 'slipway taskfile plan acb.yaml --query "steps[].[id, dependsOn]" -o tsv'],
  async run(input, io) {
    const options = parseTaskfileOptions(input);
    const format = { output: parseOutputFormat(flagString(input, 'output')), ...(flagString(input, 'query') === undefined ? {} : { query: flagString(input, 'query')! }) };
    const loaded = await loadTaskfile(options, io);
    if ((await reportProblems(options.file, loaded, io)) || loaded.plan === null) return 1;
    io.out(formatOutput(loaded.plan, format));
    return 0;
  },
};
