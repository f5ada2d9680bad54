import { runCli } from './cli/run-cli.js';
import { COMMANDS } from './cli/commands/index.js';
import { processIo } from './cli/output/io.js';

/** Process entry: `slipway <noun> <verb> ...`; resolves with the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  return runCli(COMMANDS, argv, processIo());
}
