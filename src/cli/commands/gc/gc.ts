import type { CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import type { GcReport } from '../../../registry/gc/garbage-collector.js';
import type { ContextGcReport } from '../../../tasks/context-gc.js';
import { OUTPUT_FLAGS, formatOutput, parseOutputFormat } from '../../output/format.js';

function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function summary(report: GcReport & ContextGcReport): string {
  const verb = report.dryRun ? 'would free' : 'freed';
  return [
    `garbage collection ${report.dryRun ? '(dry run) ' : ''}${verb} ${humanBytes(report.freedBytes)}`,
    `  untagged manifests: ${report.deletedManifests.length}`,
    ...report.deletedManifests.map((m) => `    ${m.repository}@${m.digest}`),
    `  blob links removed: ${report.removedLinks}`,
    `  blobs deleted:      ${report.deletedBlobs}`,
    `  stray objects:      ${report.strayObjects}`,
    `  expired uploads:    ${report.expiredUploads}`,
    `  unused contexts:    ${report.removedContexts} (${humanBytes(report.contextBytes)})`,
  ].join('\n');
}

export const gcCommand: CommandSpec = {
  path: ['gc'],
  summary: 'Delete blobs and untagged manifests nothing references (safe while the server runs)',
  usage: 'slipway gc [--dry-run] [--grace-seconds N] [--data-dir DIR] [--config FILE] [-o json|table|tsv|yaml] [--query JMESPATH]',
  flags: {
    'dry-run': { type: 'boolean', description: 'Report what would be deleted without deleting it' },
    'grace-seconds': { type: 'string', description: 'Spare anything younger than this (default: gc.graceSeconds, 3600)' },
    'data-dir': { type: 'string', description: 'State directory (env SLIPWAY_DATA_DIR, default ./.slipway)' },
    config: { type: 'string', description: 'YAML config file (env SLIPWAY_CONFIG)' },
    ...OUTPUT_FLAGS,
  },
  examples: ['slipway gc --dry-run', 'slipway gc --grace-seconds 0 -o json'],
  async run(input, io) {
    const overrides: Record<string, unknown> = {};
    const dataDir = flagString(input, 'data-dir');
    if (dataDir !== undefined) overrides.dataDir = dataDir;
    const grace = flagString(input, 'grace-seconds');
    if (grace !== undefined) overrides['gc.graceSeconds'] = /^\d+$/.test(grace) ? Number(grace) : grace;
    const file = flagString(input, 'config');
    // Loaded here, not at the top: client commands start without the config schema and pino.
    const { loadConfig } = await import('../../../config/load.js');
    const { config } = loadConfig({ env: io.env, overrides, ...(file === undefined ? {} : { file }) });
    // A summary for people unless -o or --query asks for data.
    const output = flagString(input, 'output');
    const query = flagString(input, 'query');
    const format = output === undefined && query === undefined ? undefined : { output: parseOutputFormat(output), ...(query === undefined ? {} : { query }) };
    const { openRegistry } = await import('../../../app/open-registry.js');
    const { pino } = await import('pino');
    const opened = await openRegistry(config);
    try {
      const ctx = { log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'slipway-gc' } };
      const dryRun = flagBool(input, 'dry-run');
      const registryReport = await opened.registry.gc.run(ctx, { dryRun, graceSeconds: config.gc.graceSeconds, uploadExpirySeconds: config.gc.uploadExpirySeconds });
      const { collectUnusedContexts } = await import('../../../tasks/context-gc.js');
      const contexts = await collectUnusedContexts(opened.objects, opened.runQueue, { dryRun, graceSeconds: config.gc.graceSeconds });
      const report = { ...registryReport, ...contexts, freedBytes: registryReport.freedBytes + contexts.contextBytes };
      io.out(format ? formatOutput(report, format) : summary(report));
      return 0;
    } finally {
      await opened.close();
    }
  },
};
