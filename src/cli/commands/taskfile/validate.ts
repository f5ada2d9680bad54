import type { CommandSpec } from '../../command.js';
import { loadTaskfile, parseTaskfileOptions, RENDER_FLAGS, formatDiagnostics } from './taskfile-options.js';

export const taskfileValidateCommand: CommandSpec = {
  path: ['taskfile', 'validate'],
  summary: 'Check a multi-step task file and print every problem as FILE:LINE:COLUMN',
  usage: 'slipway taskfile validate FILE [--set KEY=VALUE]... [--values FILE] [--run-id ID] [--registry HOST]',
  flags: RENDER_FLAGS,
  maxPositionals: 1,
  examples: ['slipway taskfile validate acb.yaml', 'slipway taskfile validate task.yaml --set tag=v2 --values values.yaml'],
  async run(input, io) {
    const options = parseTaskfileOptions(input);
    const loaded = await loadTaskfile(options, io);
    if (loaded.diagnostics.length === 0) {
      io.out(`${options.file}: valid`);
      return 0;
    }
    io.out(await formatDiagnostics(options.file, loaded.diagnostics));
    return loaded.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
