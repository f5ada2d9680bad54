import type { CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { AppError, Errors } from '../../../core/errors/index.js';
import type { SeedResult } from '../../../registry/seed/index.js';

const IMAGES = ['busybox'] as const;

function summary(result: SeedResult): string {
  const image = `${result.repository}:${result.tag}`;
  if (result.outcome === 'already present') return `${image} already present (${result.digest})`;
  if (result.outcome === 'updated') return `${image} updated to ${result.digest} (was ${result.previousDigest})`;
  return `${image} seeded (${result.digest})`;
}

export const seedCommand: CommandSpec = {
  path: ['seed'],
  summary: 'Build a base image on this machine and push it into the registry (no engine, no network)',
  usage: 'slipway seed busybox [--tag TAG] [--data-dir DIR] [--config FILE] [-o text|json]',
  maxPositionals: 1,
  flags: {
    tag: { type: 'string', description: 'Tag to push library/busybox under (default latest)' },
    'data-dir': { type: 'string', description: 'State directory (env SLIPWAY_DATA_DIR, default ./.slipway)' },
    config: { type: 'string', description: 'YAML config file (env SLIPWAY_CONFIG)' },
    output: { type: 'string', short: 'o', description: 'text (default) or json' },
  },
  examples: ['slipway seed busybox', 'slipway seed busybox --data-dir /var/lib/slipway --tag 1.36'],
  async run(input, io) {
    const image = input.positionals[0];
    if (image === undefined || !(IMAGES as readonly string[]).includes(image)) {
      throw new AppError(Errors.USAGE_INVALID, { message: `slipway seed: name an image to seed (${IMAGES.join(', ')})` });
    }
    const output = flagString(input, 'output') ?? 'text';
    if (output !== 'text' && output !== 'json') throw new AppError(Errors.USAGE_INVALID, { message: `--output must be text or json, not ${output}` });
    const dataDir = flagString(input, 'data-dir');
    const file = flagString(input, 'config');
    // Loaded here, not at the top: client commands start without the config schema and pino.
    const { loadConfig } = await import('../../../config/load.js');
    const { config } = loadConfig({ env: io.env, overrides: dataDir === undefined ? {} : { dataDir }, ...(file === undefined ? {} : { file }) });
    const tag = flagString(input, 'tag');
    const { openRegistry } = await import('../../../app/open-registry.js');
    const { seedBusybox } = await import('../../../registry/seed/index.js');
    const { pino } = await import('pino');
    const opened = await openRegistry(config);
    try {
      const ctx = { log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'slipway-seed' } };
      const result = await seedBusybox(ctx, opened.registry, tag === undefined ? {} : { tag });
      io.out(output === 'json' ? JSON.stringify(result, null, 2) : summary(result));
      return 0;
    } finally {
      await opened.close();
    }
  },
};
