import { stringify } from 'yaml';
import type { CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { loadConfig } from '../../../config/load.js';

const configFlags = {
  config: { type: 'string', description: 'YAML config file (env SLIPWAY_CONFIG)' },
} as const;

export const configCheckCommand: CommandSpec = {
  path: ['config', 'check'],
  summary: 'Validate the configuration (file, environment) and report the first bad key',
  usage: 'slipway config check [--config FILE]',
  flags: configFlags,
  async run(input, io) {
    const file = flagString(input, 'config');
    const { warnings } = loadConfig({ env: io.env, ...(file === undefined ? {} : { file }) });
    for (const w of warnings) io.err(`warning: ${w}`);
    io.out('configuration is valid');
    return 0;
  },
};

export const configPrintCommand: CommandSpec = {
  path: ['config', 'print'],
  summary: 'Print the effective configuration as YAML (it holds no secrets)',
  usage: 'slipway config print [--config FILE]',
  flags: configFlags,
  async run(input, io) {
    const file = flagString(input, 'config');
    const { config } = loadConfig({ env: io.env, ...(file === undefined ? {} : { file }) });
    io.out(stringify(config));
    return 0;
  },
};
