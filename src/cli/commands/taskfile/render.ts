import type { CommandSpec } from '../../command.js';
import type { Io } from '../../output/io.js';
import type { LoadedTask } from '../../../taskfile/load-task.js';
import { formatDiagnostics, loadTaskfile, parseTaskfileOptions, RENDER_FLAGS, SECRET_FLAGS } from './taskfile-options.js';

/** Prints warnings to stderr; with errors prints them all and tells the caller to exit 1. */
export async function reportProblems(file: string, loaded: LoadedTask, io: Io): Promise<boolean> {
  if (loaded.diagnostics.length > 0) io.err(await formatDiagnostics(file, loaded.diagnostics));
  return loaded.diagnostics.some((d) => d.severity === 'error');
}

export const taskfileRenderCommand: CommandSpec = {
  path: ['taskfile', 'render'],
  summary: 'Print a task file after its aliases and templates are applied (like acb render, plus aliases)',
  usage: 'slipway taskfile render FILE [--set KEY=VALUE]... [--set-secret ID=VALUE]... [--values FILE] [--run-id ID] [--registry HOST]',
  flags: { ...RENDER_FLAGS, ...SECRET_FLAGS },
  maxPositionals: 1,
  examples: ['slipway taskfile render acb.yaml --run-id ca12 --registry registry.example.invalid'],
  async run(input, io) {
    const options = parseTaskfileOptions(input);
    const loaded = await loadTaskfile(options, io);
    // Render prints whatever rendered, even when the result is not a valid task (acb render does too).
    if (loaded.rendered !== '') io.out(loaded.rendered.endsWith('\n') ? loaded.rendered : `${loaded.rendered}\n`);
    const hasErrors = await reportProblems(options.file, loaded, io);
    return hasErrors && loaded.rendered === '' ? 1 : 0;
  },
};
