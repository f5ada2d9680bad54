import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainerEngine } from '../../src/app/backends.js';
import type { ContainerEngine } from '../../src/engine/container-engine.js';
import { seedBusybox, writeTar } from '../../src/registry/seed/index.js';
import { runTask, type TaskRunEnvironment } from '../../src/runner/steps/task-runner.js';
import type { StepPlan, TaskPlan } from '../../src/taskfile/task-plan.js';
import { ADMIN_PASSWORD, buildTestServer, type TestServer } from '../helpers/build-test-server.js';
import { engineSocket } from '../helpers/e2e.js';
import { listenLocal } from '../helpers/raw-http.js';

/**
 * The multi-step runner on the real engine, with plans written by hand (the task-file front end
 * is tested on its own): concurrency, sidecars, retries, timeouts, ignoreErrors, failure,
 * cancel, and that nothing stays behind on the engine.
 */

const exec = promisify(execFile);
const socket = engineSocket();
let server: TestServer;
let engine: ContainerEngine;
let registry: string;
let busybox: string;
let counter = 0;

beforeAll(async () => {
  server = await buildTestServer();
  registry = `127.0.0.1:${await listenLocal(server.app)}`;
  busybox = `${registry}/library/busybox:latest`;
  await seedBusybox({ log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'admin' } }, server.built.registry);
  engine = createContainerEngine(socket);
}, 60_000);

afterAll(async () => {
  await engine?.close();
  await server?.close();
});

function step(id: string, partial: Partial<StepPlan>): StepPlan {
  return {
    id, type: 'cmd', dependsOn: [], command: null, push: [], tags: [], buildArgs: [], timeout: 60, retries: 0, retryDelay: 1, retryOnErrors: [], repeat: 0,
    startDelay: 0, ignoreErrors: false, detach: false, keep: false, pull: false, cmdDownloadRetries: 0, cmdDownloadRetryDelay: 0, env: [],
    workingDirectory: '/workspace', disableWorkingDirectoryOverride: false, entryPoint: null, user: null, network: 'acb_default_network', isolation: null,
    cpus: null, privileged: false, ports: [], expose: [], volumeMounts: [], cache: null, line: 1, column: 1, ...partial,
  };
}

function plan(steps: StepPlan[], extra: Partial<TaskPlan> = {}): TaskPlan {
  return {
    version: 'v1.1.0', stepTimeout: 600, workingDirectory: null, env: [], secrets: [], isBuildTask: false, aliases: {}, volumes: [],
    networks: [{ name: 'acb_default_network', driver: 'bridge', ipv6: false, skipCreation: false, isDefault: true }], steps, ...extra,
  };
}

async function run(p: TaskPlan, files: Record<string, string> | null = null, signal = new AbortController().signal) {
  const runId = `tr${process.pid}x${++counter}`;
  const lines: string[] = [];
  const env: TaskRunEnvironment = {
    engine,
    runId,
    registry,
    registryAuth: () => ({ username: 'admin', password: ADMIN_PASSWORD, serveraddress: registry }),
    context: files === null ? null : Readable.from([writeTar(Object.entries(files).map(([path, text]) => ({ type: 'file' as const, path, mode: 0o644, data: Buffer.from(text) })))]),
    log: (line) => lines.push(line),
    signal,
    secondMs: 1000,
  };
  const result = await runTask(p, env);
  return { result, log: lines.join('\n'), runId };
}

/** Nothing labelled with the run id is left: containers, networks, volumes. */
async function leftovers(runId: string): Promise<string[]> {
  const docker = async (...args: string[]) => (await exec('docker', args, { env: { ...process.env, DOCKER_HOST: `unix://${socket}` } })).stdout.split('\n').filter(Boolean);
  const filter = `label=slipway.run=${runId}`;
  return [...(await docker('ps', '-aq', '--filter', filter)), ...(await docker('network', 'ls', '-q', '--filter', filter)), ...(await docker('volume', 'ls', '-q', '--filter', filter))];
}

describe('multi-step task runner', () => {
  it('runs build → push → cmd with the context at /workspace, records digests and base images, and cleans up', async () => {
    const repo = `tasks/app${randomUUID().slice(0, 6)}`;
    const image = `${registry}/${repo}:v1`;
    const { result, log, runId } = await run(
      plan([
        step('build', { type: 'build', command: `-t ${image} --build-arg GREETING=hi-from-build .`, tags: [image] }),
        step('push', { type: 'push', dependsOn: ['build'], push: [image] }),
        step('check', { dependsOn: ['push'], command: `${image} cat /greeting /workspace/input.txt` }),
      ]),
      { Dockerfile: `FROM ${busybox}\nARG GREETING\nRUN echo "$GREETING" > /greeting\n`, 'input.txt': 'workspace-file\n' },
    );
    expect(result.status, `${result.errorMessage}\n${log}`).toBe('Succeeded');
    expect(log).toContain('hi-from-build\nworkspace-file');
    expect(result.steps.map((s) => [s.id, s.status])).toEqual([['build', 'Succeeded'], ['push', 'Succeeded'], ['check', 'Succeeded']]);
    expect(result.outputImages).toEqual([{ registry, repository: repo, tag: 'v1', digest: expect.stringMatching(/^sha256:/) }]);
    expect(result.baseImages).toEqual([expect.objectContaining({ repository: 'library/busybox', isRuntime: true, digest: expect.stringMatching(/^sha256:/) })]);
    expect(result.steps[2]).toMatchObject({ exitCode: 0, attempts: 1 });
    expect(result.steps[0]?.images).toEqual(result.outputImages);
    expect(await leftovers(runId)).toEqual([]);
  }, 120_000);

  it('runs independent steps concurrently and reaches a detached sidecar by its step id', async () => {
    const { result, log, runId } = await run(
      plan([
        step('web', { detach: true, command: `${busybox} httpd -f -p 8080 -h /workspace` }),
        step('client', { dependsOn: ['web'], retries: 10, retryDelay: 1, command: `${busybox} wget -q -O - http://web:8080/page.txt` }),
        step('slow1', { dependsOn: [], command: `${busybox} sleep 2` }),
        step('slow2', { dependsOn: [], command: `${busybox} sleep 2` }),
      ]),
      { 'page.txt': 'served-by-sidecar\n' },
    );
    expect(result.status, `${result.errorMessage}\n${log}`).toBe('Succeeded');
    expect(log).toContain('served-by-sidecar');
    const [s1, s2] = [result.steps[2]!, result.steps[3]!];
    // Their running intervals overlap: each started before the other finished.
    expect(Date.parse(s1.startTime!)).toBeLessThan(Date.parse(s2.finishTime!));
    expect(Date.parse(s2.startTime!)).toBeLessThan(Date.parse(s1.finishTime!));
    expect(await leftovers(runId)).toEqual([]);
  }, 120_000);

  it('retries until the command succeeds, and retryOnErrors limits what is retried', async () => {
    const flaky = `${busybox} sh -c 'echo attempt >> /workspace/count; n=$(wc -l < /workspace/count); echo "try $n"; [ "$n" -ge 3 ]'`;
    const { result, log } = await run(plan([step('flaky', { retries: 4, retryDelay: 0, command: flaky })]), {});
    expect(result.status, log).toBe('Succeeded');
    expect(result.steps[0]).toMatchObject({ attempts: 3, exitCode: 0 });
    expect(log).toContain('Container failed during run: flaky, waiting 0 seconds before retrying...');

    const picky = await run(plan([step('picky', { retries: 4, retryDelay: 0, retryOnErrors: ['connection refused'], command: `${busybox} sh -c 'echo disk full; exit 2'` })]));
    expect(picky.result.status).toBe('Failed');
    expect(picky.result.steps[0]).toMatchObject({ attempts: 1, exitCode: 2, status: 'Failed' });
    expect(picky.result.errorMessage).toBe('failed to run step ID: picky: exit status 2');
  }, 120_000);

  it('fails a step that outlives its timeout, and removes its container', async () => {
    const { result, runId } = await run(plan([step('sleepy', { timeout: 2, command: `${busybox} sleep 60` })]));
    expect(result.status).toBe('Failed');
    expect(result.steps[0]?.errorMessage).toBe('the step timed out after 2s');
    expect(await leftovers(runId)).toEqual([]);
  }, 60_000);

  it('goes on past a step with ignoreErrors, and stops everything at the first other failure', async () => {
    const { result, log, runId } = await run(
      plan([
        step('tolerated', { ignoreErrors: true, command: `${busybox} sh -c 'exit 3'` }),
        step('after', { dependsOn: ['tolerated'], command: `${busybox} echo after-tolerated` }),
        step('long', { dependsOn: [], command: `${busybox} sleep 60` }),
        step('breaks', { dependsOn: ['after'], command: `${busybox} sh -c 'echo breaking; exit 4'` }),
        step('never', { dependsOn: ['breaks'], command: `${busybox} echo never-printed` }),
      ]),
    );
    expect(result.status).toBe('Failed');
    expect(result.errorMessage).toBe('failed to run step ID: breaks: exit status 4');
    expect(log).toContain('Step ID: tolerated encountered an error: exit status 3, but is set to ignore errors. Continuing...');
    expect(log).toContain('after-tolerated');
    expect(log).not.toContain('never-printed');
    expect(Object.fromEntries(result.steps.map((s) => [s.id, s.status]))).toEqual({ tolerated: 'Succeeded', after: 'Succeeded', long: 'Failed', breaks: 'Failed', never: 'Skipped' });
    expect(await leftovers(runId)).toEqual([]);
  }, 120_000);

  it('mounts secret volumes and repeats a step', async () => {
    const { result, log } = await run(
      plan([step('read', { repeat: 1, volumeMounts: [{ name: 'creds', mountPath: '/run/secrets' }], command: `${busybox} cat /run/secrets/token.txt` })], {
        volumes: [{ name: 'creds', secret: { 'token.txt': Buffer.from('volume-secret-content').toString('base64') } }],
      }),
    );
    expect(result.status, log).toBe('Succeeded');
    expect(log.match(/volume-secret-content/g)).toHaveLength(2);
    expect(result.steps[0]?.attempts).toBe(2);
  }, 60_000);

  it('stops and cleans up when the run is cancelled', async () => {
    const controller = new AbortController();
    const runId = `tr${process.pid}x${++counter}`;
    const lines: string[] = [];
    const pending = runTask(plan([step('forever', { command: `${busybox} sh -c 'echo started; sleep 60'` })]), {
      engine, runId, registry, registryAuth: () => ({ username: 'admin', password: ADMIN_PASSWORD, serveraddress: registry }), context: null,
      log: (line) => {
        lines.push(line);
        if (line === 'started') controller.abort(new Error('cancel'));
      },
      signal: controller.signal,
    });
    await expect(pending).rejects.toThrow();
    expect(lines).toContain('started');
    expect(await leftovers(runId)).toEqual([]);
  }, 60_000);
});
