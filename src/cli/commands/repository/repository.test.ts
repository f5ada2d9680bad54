import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../command.js';
import type { ApiManifest, ApiTag } from '../../../api/contract/registry.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo, type CaptureOptions } from '../../output/capture-io.js';
import { ExitCode } from '../../run-cli.js';
import { parseList } from './list.js';
import { parseShowTags, selectTags } from './show-tags.js';
import { selectManifests } from './show-manifests.js';
import { parseDelete, runDelete } from './delete.js';
import { parseUntag, runUntag } from './untag.js';

const BASE = 'http://127.0.0.1:5999';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

const input = (flags: CommandInput['flags']): CommandInput => ({ flags, positionals: [] });

const tags: ApiTag[] = [
  { name: 'v2', digest: D2, createdTime: '2026-01-02T00:00:00.000Z', lastUpdateTime: '2026-01-05T00:00:00.000Z' },
  { name: 'latest', digest: D2, createdTime: '2026-01-03T00:00:00.000Z', lastUpdateTime: '2026-01-03T00:00:00.000Z' },
  { name: 'v1', digest: D1, createdTime: '2026-01-01T00:00:00.000Z', lastUpdateTime: '2026-01-01T00:00:00.000Z' },
];

const manifest = (digest: string, tagNames: string[], createdTime: string): ApiManifest => ({
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 400,
  artifactType: null,
  subject: null,
  tags: tagNames,
  createdTime,
});
const manifests = [manifest(D1, ['v1'], '2026-01-01T00:00:00.000Z'), manifest(D2, ['latest', 'v2'], '2026-01-02T00:00:00.000Z')];

function context(routes: StubRoute[], options: CaptureOptions = {}): { ctx: ClientContext; captured: ReturnType<typeof captureIo>; verify: () => void } {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo(options);
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, verify: stub.verify };
}

describe('parsing repository flags', () => {
  it('parses --top and rejects non-positive or non-numeric values', () => {
    expect(parseList(input({ top: '3' })).top).toBe(3);
    expect(() => parseList(input({ top: '0' }))).toThrow(/--top must be a positive/);
    expect(() => parseList(input({ top: 'x' }))).toThrow(/--top/);
  });

  it('requires a valid --repository and a known --orderby', () => {
    expect(() => parseShowTags(input({}))).toThrow(/--repository is required/);
    expect(() => parseShowTags(input({ repository: 'Bad Name' }))).toThrow(/not a valid repository name/);
    expect(() => parseShowTags(input({ repository: 'app', orderby: 'name' }))).toThrow(/--orderby must be time_asc or time_desc/);
    expect(parseShowTags(input({ repository: 'team/app', orderby: 'time_desc', detail: true, output: 'table' }))).toEqual({
      repository: 'team/app',
      orderBy: 'time_desc',
      isDetailed: true,
      format: { output: 'table' },
    });
  });

  it('takes exactly one of --repository and --image for delete; a bare image name means :latest', () => {
    expect(() => parseDelete(input({}))).toThrow(/exactly one/);
    expect(() => parseDelete(input({ repository: 'app', image: 'app:v1' }))).toThrow(/exactly one/);
    expect(parseDelete(input({ image: 'app' })).target).toEqual({ kind: 'image', image: { repo: 'app', tag: 'latest' } });
    expect(parseDelete(input({ image: `app@${D1}`, yes: true }))).toMatchObject({ target: { kind: 'image', image: { repo: 'app', digest: D1 } }, isConfirmed: true });
    expect(() => parseDelete(input({ image: 'App:v1' }))).toThrow(/not an image reference/);
  });

  it('needs a tag, not a digest, for untag', () => {
    expect(parseUntag(input({ image: 'team/app:v1' })).image).toEqual({ repo: 'team/app', tag: 'v1' });
    expect(() => parseUntag(input({ image: `app@${D1}` }))).toThrow(/not a digest/);
    expect(() => parseUntag(input({}))).toThrow(/--image is required/);
  });
});

describe('selectTags', () => {
  it('lists names lexically by default', () => {
    expect(selectTags(tags, { isDetailed: false })).toEqual(['latest', 'v1', 'v2']);
  });

  it('orders by last update time and applies --top after ordering', () => {
    expect(selectTags(tags, { isDetailed: false, orderBy: 'time_desc' })).toEqual(['v2', 'latest', 'v1']);
    expect(selectTags(tags, { isDetailed: false, orderBy: 'time_asc', top: 2 })).toEqual(['v1', 'latest']);
  });

  it('returns full tag objects with --detail', () => {
    expect(selectTags(tags, { isDetailed: true, top: 1 })).toEqual([tags[1]]);
  });
});

describe('selectManifests', () => {
  it('returns {digest, tags, timestamp} without --detail, newest first with time_desc', () => {
    expect(selectManifests(manifests, { isDetailed: false, orderBy: 'time_desc' })).toEqual([
      { digest: D2, tags: ['latest', 'v2'], timestamp: '2026-01-02T00:00:00.000Z' },
      { digest: D1, tags: ['v1'], timestamp: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(selectManifests(manifests, { isDetailed: true, top: 1 })).toEqual([manifests[0]]);
  });
});

describe('runDelete', () => {
  it('refuses without --yes when stdin is not a terminal, before any request', async () => {
    const { ctx, verify } = context([]);
    await expect(runDelete(parseDelete(input({ repository: 'app' })), ctx)).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    verify();
  });

  it('asks on a terminal and does nothing when the answer is not yes', async () => {
    const { ctx, captured, verify } = context([], { stdinIsTty: true, answers: ['n'] });
    expect(await runDelete(parseDelete(input({ repository: 'app' })), ctx)).toBe(ExitCode.cancelled);
    expect(captured.prompts[0]).toMatch(/delete the repository 'app'.*\n.*\(y\/N\)/);
    expect(captured.stdout()).toBe('');
    verify();
  });

  it('deletes the repository after a yes and prints the result', async () => {
    const { ctx, captured, verify } = context(
      [{ method: 'DELETE', path: '/api/v1/repositories/app', body: { repository: 'app', deletedManifests: 2, deletedTags: 3 } }],
      { stdinIsTty: true, answers: ['Y'] },
    );
    expect(await runDelete(parseDelete(input({ repository: 'app' })), ctx)).toBe(0);
    expect(JSON.parse(captured.stdout())).toEqual({ repository: 'app', deletedManifests: 2, deletedTags: 3 });
    verify();
  });

  it('resolves a tag to its manifest, names every tag that goes with it, and deletes by digest', async () => {
    const { ctx, captured, verify } = context(
      [
        { method: 'GET', path: '/api/v1/repositories/app/manifests', body: { repository: 'app', manifests } },
        { method: 'DELETE', path: `/api/v1/repositories/app/manifests/${encodeURIComponent(D2)}`, status: 204 },
      ],
      { stdinIsTty: true, answers: ['yes'] },
    );
    expect(await runDelete(parseDelete(input({ image: 'app:v2' })), ctx)).toBe(0);
    expect(captured.prompts[0]).toContain(`manifest '${D2}' and all the following images: 'app:latest', 'app:v2'`);
    expect(JSON.parse(captured.stdout())).toEqual({ repository: 'app', digest: D2, deletedTags: ['latest', 'v2'] });
    verify();
  });

  it('reports an unknown tag as NOT_FOUND without asking', async () => {
    const { ctx, captured } = context([{ method: 'GET', path: '/api/v1/repositories/app/manifests', body: { repository: 'app', manifests } }], { stdinIsTty: true });
    await expect(runDelete(parseDelete(input({ image: 'app:nope' })), ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(captured.prompts).toEqual([]);
  });
});

describe('runUntag', () => {
  it('deletes only the tag and prints status on a terminal only', async () => {
    const quiet = context([{ method: 'DELETE', path: '/api/v1/repositories/app/tags/v1', status: 204 }]);
    expect(await runUntag(parseUntag(input({ image: 'app:v1' })), quiet.ctx)).toBe(0);
    expect(quiet.captured.stderr()).toBe('');
    quiet.verify();
    const tty = context([{ method: 'DELETE', path: '/api/v1/repositories/app/tags/v1', status: 204 }], { isTty: true });
    await runUntag(parseUntag(input({ image: 'app:v1' })), tty.ctx);
    expect(tty.captured.stderr()).toBe('Untagged app:v1\n');
  });
});
