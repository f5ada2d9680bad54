import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listContextEntries } from '../../../sources/index.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { stubFetch } from '../../client/stub-fetch.js';
import { captureIo } from '../../output/capture-io.js';
import { run } from '../task/run-fixture.js';
import { parseBuild } from './build-options.js';
import { runBuild } from './build.js';

const BASE = 'http://127.0.0.1:5999';

describe('slipway build with a local folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-build-'));
    await mkdir(join(dir, 'docker'));
    await writeFile(join(dir, 'docker', 'app.Dockerfile'), 'FROM busybox\nCOPY . /app\n');
    await writeFile(join(dir, 'main.txt'), 'hello');
    await writeFile(join(dir, 'secret.env'), 'PW=1');
    await writeFile(join(dir, '.dockerignore'), '*.env\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function build(isStderrTty: boolean): Promise<{ entries: string[]; request: unknown; stderr: string; progress: string[] }> {
    let entries: string[] = [];
    const stub = stubFetch(BASE, [
      {
        method: 'POST',
        path: '/api/v1/contexts',
        respond: async (init) => {
          entries = (await listContextEntries(init.body as ReadableStream<Uint8Array> as unknown as AsyncIterable<Uint8Array>)).map((e) => e.name);
          return Response.json({ contextId: 'ctx9', sizeBytes: 4096, digest: 'sha256:00' }, { status: 201 });
        },
      },
      { method: 'POST', path: '/api/v1/runs', status: 201, body: run() },
    ]);
    const captured = captureIo({ stderrIsTty: isStderrTty });
    const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
    const options = parseBuild({ flags: { image: ['app:v1'], file: 'docker/app.Dockerfile', 'no-wait': true }, positionals: ['.'] }, { env: {}, cwd: dir });
    let clock = 0;
    expect(await runBuild(options, ctx, { now: () => (clock += 500) })).toBe(0);
    stub.verify();
    return { entries, request: JSON.parse(stub.calls[1]!.body!), stderr: captured.stderr(), progress: captured.progressLines() };
  }

  it('packs the folder honouring .dockerignore, uploads it and creates the run with its contextId', async () => {
    const result = await build(false);
    expect(result.entries).toEqual(expect.arrayContaining(['main.txt', 'docker/app.Dockerfile', '.dockerignore']));
    expect(result.entries).not.toContain('secret.env');
    expect(result.request).toMatchObject({ contextId: 'ctx9', dockerfile: 'docker/app.Dockerfile', images: ['app:v1'] });
    expect(result.stderr).toBe('Sent context: 4.0 KiB\nQueued a build with ID: ca1\n');
    expect(result.progress).toEqual([]);
  });

  it('draws a progress line with bytes and rate on a terminal', async () => {
    const result = await build(true);
    expect(result.progress.length).toBeGreaterThan(0);
    expect(result.progress.at(-1)).toMatch(/^Sent context: 4\.0 KiB \(\d+(\.\d)? (B|KiB)\/s\)\n$/);
    expect(result.stderr).toBe('Queued a build with ID: ca1\n');
  });
});
