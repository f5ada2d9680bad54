import type { CommandSpec } from '../command.js';
import { serveCommand } from './serve/serve.js';
import { configCheckCommand, configPrintCommand } from './config/config.js';

/** Every command the CLI knows, in the order `slipway --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [serveCommand, configCheckCommand, configPrintCommand];
