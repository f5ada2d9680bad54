import type { CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';

// The config schema (TypeBox) and yaml load only when a config command runs: importing them up
// front cost every other command about 100 ms of start-up.

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
    const { loadConfig } = await import('../../../config/load.js');
    const { warnings } = loadConfig({ env: io.env, ...(file === undefined ? {} : { file }) });
    for (const w of warnings) io.err(`warning: ${w}`);
    io.out('configuration is valid');
    return 0;
  },
};

export const configPrintCommand: CommandSpec = {
  path: ['config', 'print'],
  summary: 'Print the effective configuration as YAML, secret fields (registry.upstream.password) shown as [redacted]',
  usage: 'slipway config print [--config FILE]',
  flags: configFlags,
  async run(input, io) {
    const file = flagString(input, 'config');
    const { loadConfig } = await import('../../../config/load.js');
    const { stringify } = await import('yaml');
    const { redactSecrets } = await import('../../../config/redact.js');
    const { config } = loadConfig({ env: io.env, ...(file === undefined ? {} : { file }) });
    io.out(stringify(redactSecrets(config)));
    return 0;
  },
};
