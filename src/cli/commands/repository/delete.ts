import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { AppError, Errors } from '../../../core/errors/index.js';
import type { ImageRef } from '../../../oci/index.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { COMMON_FLAGS, parseFormat, parseRepository } from './repository-options.js';
import { formatImage, parseImage } from './image-target.js';

export type DeleteTarget = { readonly kind: 'repository'; readonly repository: string } | { readonly kind: 'image'; readonly image: ImageRef };

export interface DeleteOptions {
  readonly target: DeleteTarget;
  readonly isConfirmed: boolean;
  readonly format: FormatOptions;
}

export function parseDelete(input: CommandInput): DeleteOptions {
  const image = flagString(input, 'image');
  const hasRepository = flagString(input, 'repository') !== undefined;
  if (hasRepository === (image !== undefined)) throw usageError('pass exactly one of --repository or --image');
  const target: DeleteTarget = image !== undefined ? { kind: 'image', image: parseImage(image) } : { kind: 'repository', repository: parseRepository(input) };
  return { target, isConfirmed: flagBool(input, 'yes'), format: parseFormat(input) };
}

/** Asks y/N on a TTY; without one, `--yes` is required (checked before any request is made). */
async function confirm(ctx: ClientContext, question: string): Promise<boolean> {
  const answer = await ctx.stdin.prompt(`${question}\nAre you sure you want to continue? (y/N): `);
  return /^y(es)?$/i.test(answer.trim());
}

async function deleteRepository(repository: string, options: DeleteOptions, ctx: ClientContext): Promise<number> {
  const question = `This operation will delete the repository '${repository}' and all the manifests and tags in it.`;
  if (!options.isConfirmed && !(await confirm(ctx, question))) return cancelled(ctx);
  const result = await ctx.client.deleteRepository(repository, ctx.signal);
  ctx.io.out(formatOutput(result, options.format));
  return ExitCode.ok;
}

/** Resolves the image to its manifest first, so an unknown tag is exit 4 before any prompt. */
async function deleteImage(image: ImageRef, options: DeleteOptions, ctx: ClientContext): Promise<number> {
  const { manifests } = await ctx.client.listManifests(image.repo, ctx.signal);
  const manifest = manifests.find((m) => (image.digest !== undefined ? m.digest === image.digest : m.tags.includes(image.tag ?? 'latest')));
  if (!manifest) throw new AppError(Errors.NOT_FOUND, { message: `image ${formatImage(image)} not found`, detail: { image: formatImage(image) } });
  const images = manifest.tags.map((t) => `'${image.repo}:${t}'`);
  const question = `This operation will delete the manifest '${manifest.digest}'${images.length ? ` and all the following images: ${images.join(', ')}` : ''}.`;
  if (!options.isConfirmed && !(await confirm(ctx, question))) return cancelled(ctx);
  await ctx.client.deleteManifest(image.repo, manifest.digest, ctx.signal);
  ctx.io.out(formatOutput({ repository: image.repo, digest: manifest.digest, deletedTags: manifest.tags }, options.format));
  return ExitCode.ok;
}

function cancelled(ctx: ClientContext): number {
  ctx.io.err('delete cancelled; nothing was changed');
  return ExitCode.cancelled;
}

export async function runDelete(options: DeleteOptions, ctx: ClientContext): Promise<number> {
  if (!options.isConfirmed && !ctx.stdin.isTty) throw usageError('refusing to delete without confirmation: stdin is not a terminal, pass --yes');
  return options.target.kind === 'repository' ? deleteRepository(options.target.repository, options, ctx) : deleteImage(options.target.image, options, ctx);
}

export const repositoryDeleteCommand: CommandSpec = {
  path: ['repository', 'delete'],
  summary: 'Delete a repository, or one image (its manifest and every tag on it)',
  usage: 'slipway repository delete (--repository R | --image NAME:TAG | --image NAME@DIGEST) [--yes] [-o FORMAT]',
  flags: {
    repository: { type: 'string', description: 'Delete this repository with all its manifests and tags' },
    image: { type: 'string', description: 'Delete the manifest NAME:TAG or NAME@DIGEST points to, and all its tags (a bare NAME means NAME:latest)' },
    yes: { type: 'boolean', short: 'y', description: 'Do not ask for confirmation (required when stdin is not a terminal)' },
    ...COMMON_FLAGS,
  },
  examples: ['slipway repository delete --repository app --yes', 'slipway repository delete --image app:1.0', 'slipway repository delete --image app@sha256:0123… --yes -o table'],
  async run(input, io) {
    const options = parseDelete(input);
    return withClient(input, io, (ctx) => runDelete(options, ctx));
  },
};
