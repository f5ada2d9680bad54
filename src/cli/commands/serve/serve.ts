import type { CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { ADMIN_USER } from '../../../auth/auth-service.js';

export const serveCommand: CommandSpec = {
  path: ['serve'],
  summary: 'Run the Slipway server (registry and API) in the foreground',
  usage: 'slipway serve [--data-dir DIR] [--listen HOST:PORT] [--config FILE]',
  flags: {
    'data-dir': { type: 'string', description: 'State directory (env SLIPWAY_DATA_DIR, default ./.slipway)' },
    listen: { type: 'string', description: 'HOST:PORT to listen on (env SLIPWAY_LISTEN, default 127.0.0.1:5000)' },
    config: { type: 'string', description: 'YAML config file (env SLIPWAY_CONFIG)' },
  },
  examples: ['slipway serve', 'slipway serve --listen 0.0.0.0:5000 --data-dir /var/lib/slipway'],
  async run(input, io) {
    const overrides: Record<string, unknown> = {};
    const dataDir = flagString(input, 'data-dir');
    const listen = flagString(input, 'listen');
    if (dataDir !== undefined) overrides.dataDir = dataDir;
    if (listen !== undefined) overrides['server.listen'] = listen;
    const file = flagString(input, 'config');
    // Loaded here, not at the top: every other command starts without the config schema and the server's modules.
    const { loadConfig } = await import('../../../config/load.js');
    const { config, warnings } = loadConfig({ env: io.env, overrides, ...(file === undefined ? {} : { file }) });
    const { createLogger, startServer } = await import('../../../app/lifecycle.js');
    const logger = createLogger(config.log.level);
    for (const warning of warnings) logger.warn(warning);
    const running = await startServer(config, logger, io.env.SLIPWAY_ADMIN_PASSWORD);
    const generated = running.server.generatedAdminPassword !== undefined;
    io.out(
      [
        `Slipway is listening at ${running.url}`,
        `  admin user: ${ADMIN_USER}`,
        `  password:   ${io.env.SLIPWAY_ADMIN_PASSWORD !== undefined ? 'from SLIPWAY_ADMIN_PASSWORD' : `in ${running.server.adminPasswordFile}${generated ? ' (generated now)' : ''}`}`,
        `  data dir:   ${config.dataDir}`,
        `  docker login ${running.url.replace(/^https?:\/\//, '')} -u ${ADMIN_USER}`,
      ].join('\n'),
    );
    await running.closed;
    return 0;
  },
};
