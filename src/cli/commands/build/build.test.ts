import { describe, expect, it } from 'vitest';
import type { ApiRun } from '../../../api/contract/runs.js';
import { run } from '../task/run-fixture.js';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { streamedText, stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo, type CaptureOptions } from '../../output/capture-io.js';
import { ExitCode, runCli } from '../../run-cli.js';
import { COMMANDS } from '../index.js';
import { parseBuild, parsePlatform, parseTimeout } from './build-options.js';
import { buildRequest, runBuild } from './build.js';

const BASE = 'http://127.0.0.1:5999';
const where = { env: { VERSION: '9.9', TOKEN: 'from-env-secret' }, cwd: '/home/me/app' };
const input = (flags: CommandInput['flags'], positionals: string[] = ['.']): CommandInput => ({ flags, positionals });

const finished = (status: ApiRun['status'], extra: Partial<ApiRun> = {}): ApiRun =>
  run({ status, startTime: '2026-01-01T00:00:01.000Z', finishTime: '2026-01-01T00:00:06.000Z', durationMs: 5000, ...extra });

function context(routes: StubRoute[], options: CaptureOptions = {}): { ctx: ClientContext; captured: ReturnType<typeof captureIo>; stub: ReturnType<typeof stubFetch> } {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo(options);
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

const DOCKERFILE = 'FROM busybox\nRUN echo hi\n';
const devNull = (flags: CommandInput['flags'] = {}): CommandInput => input({ file: '-', image: ['hello:{{.Run.ID}}'], ...flags }, ['/dev/null']);
const createRoute: StubRoute = { method: 'POST', path: '/api/v1/runs', status: 201, body: run() };
const timing = { intervalMs: 0, backoffMs: () => 0 };

describe('parsing slipway build', () => {
  it('takes -t repeatedly, defaults like ACR and resolves -f against the current folder', () => {
    const options = parseBuild(input({ image: ['app:v1', 'app:latest'], file: 'docker/app.Dockerfile' }), where);
    expect(options).toMatchObject({
      images: ['app:v1', 'app:latest'],
      source: { kind: 'local', dir: '/home/me/app', dockerfile: 'docker/app.Dockerfile' },
      isPushDisabled: false,
      platform: 'linux/amd64',
      timeoutSeconds: 3600,
      format: { output: 'json' },
    });
    expect(parseBuild(input({ file: '../app/sub/Dockerfile' }, ['/home/me/app']), where).source).toEqual({ kind: 'local', dir: '/home/me/app', dockerfile: 'sub/Dockerfile' });
  });

  it('takes a bare build-arg name from the environment, or empty when unset; splits on the first =', () => {
    const options = parseBuild(input({ 'build-arg': ['VERSION', 'MISSING', 'URL=a=b'], 'secret-build-arg': ['TOKEN', 'PW=hunter2'] }), where);
    expect(options.buildArgs).toEqual([{ name: 'VERSION', value: '9.9' }, { name: 'MISSING', value: '' }, { name: 'URL', value: 'a=b' }]);
    expect(options.secretBuildArgs).toEqual([{ name: 'TOKEN', value: 'from-env-secret' }, { name: 'PW', value: 'hunter2' }]);
    expect(() => parseBuild(input({ 'build-arg': ['=x'] }), where)).toThrow(/--build-arg needs a name/);
  });

  it('disables push without -t or with --no-push', () => {
    expect(parseBuild(input({}), where).isPushDisabled).toBe(true);
    expect(parseBuild(input({ image: ['a:b'], 'no-push': true }), where).isPushDisabled).toBe(true);
  });

  it('validates --timeout and --platform', () => {
    expect(parseTimeout('600')).toBe(600);
    for (const bad of ['0', '-5', '1.5', 'ten', '28801']) expect(() => parseTimeout(bad)).toThrow(/--timeout must be a whole number of seconds from 1 to 28800/);
    expect(parsePlatform('Linux/ARM64/v8')).toBe('linux/arm64/v8');
    expect(parsePlatform('windows')).toBe('windows/amd64');
    expect(() => parsePlatform('linux/sparc')).toThrow(/architecture must be one of/);
    expect(() => parsePlatform('plan9')).toThrow(/OS must be one of/);
  });

  it('passes git and tarball URLs to the server with -f relative to their root, and clones file:// on this machine', () => {
    expect(parseBuild(input({}, ['https://git.example.invalid/org/app.git#main:web']), where).source).toEqual({
      kind: 'remote',
      location: 'https://git.example.invalid/org/app.git#main:web',
      dockerfile: 'Dockerfile',
    });
    expect(parseBuild(input({ file: 'docker/Dockerfile' }, ['git@git.example.invalid:org/app.git']), where).source).toMatchObject({ kind: 'remote', dockerfile: 'docker/Dockerfile' });
    expect(parseBuild(input({}, ['http://127.0.0.1:8080/context.tar.gz']), where).source).toMatchObject({ kind: 'remote', location: 'http://127.0.0.1:8080/context.tar.gz' });
    expect(parseBuild(input({}, ['file:///srv/git/app.git#v1:web']), where).source).toEqual({ kind: 'git-local', url: 'file:///srv/git/app.git', ref: 'v1', subfolder: 'web', dockerfile: 'Dockerfile' });
    expect(() => parseBuild(input({ file: '../Dockerfile' }, ['https://git.example.invalid/x.git']), where)).toThrow(/-f is a path inside it/);
    expect(() => parseBuild(input({}, ['ftp://example.invalid/x']), where)).toThrow(/unsupported context scheme/);
  });

  it('packs a Dockerfile outside the folder under <uuid32hex>_<basename>, as ACR does', () => {
    const source = parseBuild(input({ file: '../docker/app.Dockerfile' }), where).source;
    expect(source).toMatchObject({ kind: 'local', dir: '/home/me/app', externalDockerfile: '/home/me/docker/app.Dockerfile' });
    expect((source as { dockerfile: string }).dockerfile).toMatch(/^[0-9a-f]{32}_app\.Dockerfile$/);
  });

  it('rejects /dev/null without -f, -f - with a folder, and a missing context', () => {
    expect(() => parseBuild(input({}, ['/dev/null']), where)).toThrow(/pass the Dockerfile with -f/);
    expect(() => parseBuild(input({ file: '-' }), where)).toThrow(/needs \/dev\/null/);
    expect(() => parseBuild(input({}, []), where)).toThrow(/CONTEXT argument is required/);
    expect(parseBuild(input({ file: 'Dockerfile' }, ['/DEV/NULL']), where).source).toEqual({ kind: 'none', dockerfilePath: '/home/me/app/Dockerfile' });
  });

  it('exits 2 through the CLI for a malformed context, before any request', async () => {
    const captured = captureIo();
    expect(await runCli(COMMANDS, ['build', '-t', 'a:b', 'https://h.invalid/x.git#bad..ref'], captured.io)).toBe(ExitCode.usage);
    expect(captured.stderr()).toMatch(/not a valid git ref.*\[USAGE_INVALID\]/);
    expect(await runCli(COMMANDS, ['build', '--timeout', '0', '.'], captured.io)).toBe(ExitCode.usage);
  });
});

describe('runBuild', () => {
  it('sends the Dockerfile from stdin with a null contextId and secret args, and never prints secrets', async () => {
    const { ctx, captured, stub } = context([createRoute], { stdinText: DOCKERFILE });
    const options = parseBuild(devNull({ 'no-wait': true, 'secret-build-arg': ['TOKEN', 'PW=hunter2'], 'build-arg': ['VERSION'] }), where);
    expect(await runBuild(options, ctx, timing)).toBe(0);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({
      contextId: null,
      dockerfileContent: DOCKERFILE,
      images: ['hello:{{.Run.ID}}'],
      buildArgs: [{ name: 'VERSION', value: '9.9' }],
      secretBuildArgs: [{ name: 'TOKEN', value: 'from-env-secret' }, { name: 'PW', value: 'hunter2' }],
      noPush: false,
      noCache: false,
      platform: 'linux/amd64',
      timeoutSeconds: 3600,
    });
    for (const text of [captured.stdout(), captured.stderr()]) expect(text).not.toMatch(/hunter2|from-env-secret/);
    stub.verify();
  });

  it('--no-wait prints the queued run as data and exits 0', async () => {
    const { ctx, captured, stub } = context([createRoute], { stdinText: DOCKERFILE });
    expect(await runBuild(parseBuild(devNull({ 'no-wait': true }), where), ctx, timing)).toBe(0);
    expect(JSON.parse(captured.stdout())).toEqual(run());
    expect(captured.stderr()).toBe('Queued a build with ID: ca1\n');
    stub.verify();
  });

  it('--no-logs polls until the run finishes, then prints it with -o/--query honoured', async () => {
    const { ctx, captured, stub } = context(
      [createRoute, { method: 'GET', path: '/api/v1/runs/ca1', body: run({ status: 'Running' }) }, { method: 'GET', path: '/api/v1/runs/ca1', body: finished('Succeeded') }],
      { stdinText: DOCKERFILE },
    );
    expect(await runBuild(parseBuild(devNull({ 'no-logs': true, output: 'tsv', query: '[runId, status]' }), where), ctx, timing)).toBe(0);
    expect(captured.stdout()).toBe('ca1\nSucceeded\n');
    expect(captured.stderr()).toBe('Queued a build with ID: ca1\nWaiting for an agent...\n');
    stub.verify();
  });

  it('--no-logs -o json prints the finished run even when it failed, and exits 1', async () => {
    const failed = finished('Failed', { runErrorMessage: 'failed to build: exit status 1' });
    const { ctx, captured } = context([createRoute, { method: 'GET', path: '/api/v1/runs/ca1', body: failed }], { stdinText: DOCKERFILE });
    expect(await runBuild(parseBuild(devNull({ 'no-logs': true, output: 'json' }), where), ctx, timing)).toBe(1);
    expect(JSON.parse(captured.stdout())).toEqual(failed);
    expect(captured.stderr()).toContain('Run ID: ca1 was unsuccessful after 5s, status: Failed\nfailed to build: exit status 1\n');
  });

  it.each([
    ['Succeeded', 0],
    ['Failed', 1],
    ['Canceled', 1],
    ['Timeout', 1],
    ['Error', 1],
  ] as const)('streams the log to stdout and exits by the final status: %s → %i', async (status, code) => {
    const log = 'Step 1/2 : FROM busybox\nhi\n';
    const { ctx, captured, stub } = context(
      [
        createRoute,
        { method: 'GET', path: '/api/v1/runs/ca1/logs?offset=0&follow=true', respond: () => streamedText(log) },
        { method: 'GET', path: '/api/v1/runs/ca1', body: finished(status) },
      ],
      { stdinText: DOCKERFILE },
    );
    expect(await runBuild(parseBuild(devNull(), where), ctx, timing)).toBe(code);
    expect(captured.stdout()).toBe(log);
    const unsuccessful = `Run ID: ca1 was unsuccessful after 5s, status: ${status}`;
    if (code === 0) expect(captured.stderr()).not.toContain('unsuccessful');
    else expect(captured.stderr()).toContain(unsuccessful);
    stub.verify();
  });

  it('on Ctrl-C while following, stops following, leaves the run alone and exits 130', async () => {
    const controller = new AbortController();
    const { ctx, captured, stub } = context(
      [
        createRoute,
        {
          method: 'GET',
          path: '/api/v1/runs/ca1/logs?offset=0&follow=true',
          respond: (init) => {
            let isSent = false;
            const body = new ReadableStream<Uint8Array>({
              pull(c) {
                if (isSent) {
                  // The user presses Ctrl-C while the build is still writing its log.
                  init.signal?.addEventListener('abort', () => c.error(init.signal?.reason));
                  controller.abort();
                  return new Promise(() => undefined);
                }
                isSent = true;
                c.enqueue(new TextEncoder().encode('Step 1/2\n'));
                return undefined;
              },
            });
            return new Response(body);
          },
        },
      ],
      { stdinText: DOCKERFILE, signal: controller.signal },
    );
    expect(await runBuild(parseBuild(devNull(), where), ctx, timing)).toBe(ExitCode.cancelled);
    expect(captured.stdout()).toBe('Step 1/2\n');
    expect(captured.stderr()).toContain('Stopped following run ca1; it keeps running');
    // The strict stub would have thrown on a POST …/cancel.
    stub.verify();
  });

  it('builds the request from the options without the fields left at their defaults', () => {
    const options = parseBuild(input({ target: 'test', 'no-cache': true, timeout: '600', platform: 'linux/arm64' }), where);
    expect(buildRequest(options, { contextId: 'ctx1', dockerfile: 'Dockerfile' })).toEqual({
      contextId: 'ctx1',
      dockerfile: 'Dockerfile',
      images: [],
      target: 'test',
      noPush: true,
      noCache: true,
      platform: 'linux/arm64',
      timeoutSeconds: 600,
    });
  });
});
