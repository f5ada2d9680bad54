import pino, { type Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { buildServer, type BuiltServer } from './build-server.js';

/** The one root logger: JSON lines on stdout, written asynchronously so requests never wait on the pipe. */
export function createLogger(level: Config['log']['level']): Logger {
  return pino(
    {
      level,
      base: { component: 'slipway' },
      redact: { paths: ['req.headers.authorization', '*.password', '*.token', 'password', 'token'], censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}

function parseListen(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon), port: Number(listen.slice(colon + 1)) };
}

export interface RunningServer {
  readonly server: BuiltServer;
  readonly url: string;
  /** Resolves when the server has shut down. */
  readonly closed: Promise<void>;
  stop(): Promise<void>;
}

/** Starts listening and wires SIGTERM/SIGINT to a graceful shutdown with a deadline. */
export async function startServer(config: Readonly<Config>, logger: Logger, adminPassword: string | undefined): Promise<RunningServer> {
  const server = await buildServer(config, { logger, ...(adminPassword === undefined ? {} : { adminPassword }) });
  const { host, port } = parseListen(config.server.listen);
  const address = await server.app.listen({ host, port });
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ graceSeconds: config.server.shutdownGraceSeconds }, 'shutting down');
      const deadline = setTimeout(() => server.app.server.closeAllConnections(), config.server.shutdownGraceSeconds * 1000);
      deadline.unref();
      await server.close();
      clearTimeout(deadline);
      logger.info('stopped');
      logger.flush();
      resolveClosed();
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop());
  const url = config.server.publicUrl ?? address.replace('0.0.0.0', host);
  return { server, url, closed, stop };
}
