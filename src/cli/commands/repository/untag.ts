import type { CommandInput, CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { ExitCode, usageError } from '../../run-cli.js';
import type { ImageRef } from '../../../oci/index.js';
import { CLIENT_FLAGS, withClient, type ClientContext } from '../../client/client-context.js';
import { formatImage, parseImage } from './image-target.js';

export interface UntagOptions {
  readonly image: ImageRef & { readonly tag: string };
}

export function parseUntag(input: CommandInput): UntagOptions {
  const text = flagString(input, 'image');
  if (text === undefined) throw usageError('--image is required');
  const image = parseImage(text);
  if (image.tag === undefined) throw usageError('untag needs name:tag, not a digest (to delete by digest use `slipway repository delete --image`)');
  return { image: { ...image, tag: image.tag } };
}

/** Removes one tag; the manifest and its other tags stay. Status only on a terminal. */
export async function runUntag(options: UntagOptions, ctx: ClientContext): Promise<number> {
  await ctx.client.deleteTag(options.image.repo, options.image.tag, ctx.signal);
  if (ctx.io.isTty) ctx.io.err(`Untagged ${formatImage(options.image)}`);
  return ExitCode.ok;
}

export const repositoryUntagCommand: CommandSpec = {
  path: ['repository', 'untag'],
  summary: 'Remove one tag from an image; the manifest and its other tags are kept',
  usage: 'slipway repository untag --image NAME:TAG',
  flags: { image: { type: 'string', description: 'The tag to remove, NAME:TAG (a bare NAME means NAME:latest)' }, ...CLIENT_FLAGS },
  examples: ['slipway repository untag --image app:old'],
  async run(input, io) {
    const options = parseUntag(input);
    return withClient(input, io, (ctx) => runUntag(options, ctx));
  },
};
