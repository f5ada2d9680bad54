import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainerEngine } from '../../src/app/backends.js';
import type { ContainerEngine } from '../../src/engine/container-engine.js';
import { seedBusybox, writeTar } from '../../src/registry/seed/index.js';
import type { Task } from '../../src/tasks/task-model.js';
import { ADMIN_PASSWORD, BASIC_AUTH, buildTestServer, type TestServer } from '../helpers/build-test-server.js';
import { engineSocket } from '../helpers/e2e.js';
import { listenLocal } from '../helpers/raw-http.js';

/**
 * Which credentials a build uses (issue 5, task credentials): FROM a private repository of
 * Slipway pulls with a run token; a task's credentials for another registry push there; and the
 * run token is never offered to another registry.
 */

const socket = engineSocket();
let server: TestServer;
let other: TestServer;
let port: number;
let registry: string;
let otherRegistry: string;
let engine: ContainerEngine;

beforeAll(async () => {
  server = await buildTestServer({ overrides: { 'engine.socket': socket } });
  port = await listenLocal(server.app);
  registry = `127.0.0.1:${port}`;
  other = await buildTestServer();
  otherRegistry = `127.0.0.1:${await listenLocal(other.app)}`;
  await seedBusybox({ log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'admin' } }, server.built.registry);
  engine = createContainerEngine(socket);
}, 60_000);

afterAll(async () => {
  await engine?.close();
  await server?.close();
  await other?.close();
});

async function finish(runId: string): Promise<{ status: string; runErrorMessage: string | null; outputImages: Array<{ registry: string; digest: string | null }>; log: string }> {
  const log = await (await fetch(`http://127.0.0.1:${port}/api/v1/runs/${runId}/logs?follow=true`, { headers: { authorization: BASIC_AUTH }, signal: AbortSignal.timeout(120_000) })).text();
  return { ...(await server.get(`/api/v1/runs/${runId}`)).json(), log };
}

describe('registry credentials of builds', () => {
  it('builds FROM a private repository of Slipway that the engine does not have locally', async () => {
    const base = `${registry}/private-${randomUUID().slice(0, 6)}/base:1`;
    const context = Readable.from([writeTar([{ type: 'file', path: 'Dockerfile', mode: 0o644, data: Buffer.from(`FROM ${registry}/library/busybox:latest\nRUN echo private > /private\n`) }])]);
    await engine.images.build({ context, tags: [base], noCache: true });
    await engine.images.push({ image: base, auth: { username: 'admin', password: ADMIN_PASSWORD, serveraddress: registry } });
    await engine.images.remove({ image: base, force: true });
    // Anonymous pulls of it are refused: only a token or a login can read it.
    expect((await fetch(`http://${registry}/v2/${base.slice(registry.length + 1).replace(':1', '')}/manifests/1`)).status).toBe(401);
    const res = await server.request({ method: 'POST', url: '/api/v1/runs', payload: { contextId: null, dockerfileContent: `FROM ${base}\nRUN cat /private\n`, images: [`app/from-private:{{.Run.ID}}`], noCache: true } });
    expect(res.statusCode, res.body).toBe(201);
    const run = await finish(res.json<{ runId: string }>().runId);
    expect(run.status, `${run.runErrorMessage}\n${run.log}`).toBe('Succeeded');
    expect(run.log).toContain('private');
  }, 120_000);

  it("pushes into another registry with the task's credentials for it", async () => {
    const at = new Date().toISOString();
    const task: Task = {
      name: 'push-elsewhere',
      status: 'Enabled',
      platform: 'linux/amd64',
      agentCpu: 2,
      agentPoolName: null,
      timeoutSeconds: 600,
      step: { type: 'EncodedTask', taskFile: `version: v1.1.0\nsteps:\n  - build: -t ${otherRegistry}/mirror/app:{{.Run.ID}} --build-arg B=${registry}/library/busybox:latest -f Dockerfile .\n  - push: ['${otherRegistry}/mirror/app:{{.Run.ID}}']\n`, valuesFile: null, values: [], secretValueNames: [] },
      triggers: { source: null, baseImage: null, timers: [] },
      credentials: [{ loginServer: otherRegistry, username: 'admin', identity: null }],
      identity: null,
      createdAt: at,
      updatedAt: at,
    };
    await server.built.taskStore.create(task, { gitAccessToken: null, secretArguments: [], secretValues: [], registryPasswords: { [otherRegistry]: ADMIN_PASSWORD }, webhookSecret: 'w' });
    // The build needs a Dockerfile in /workspace: a task run with an uploaded context.
    const upload = await server.request({ method: 'POST', url: '/api/v1/contexts', headers: { 'content-type': 'application/x-tar' }, payload: writeTar([{ type: 'file', path: 'Dockerfile', mode: 0o644, data: Buffer.from('ARG B\nFROM $B\nRUN echo elsewhere\n') }]) });
    expect(upload.statusCode, upload.body).toBe(201);
    const { run } = await server.built.tasks.trigger('push-elsewhere', { kind: 'Manual', dedupeKey: null, overrides: { contextId: upload.json<{ contextId: string }>().contextId } });
    const done = await finish(run!.runId);
    expect(done.status, `${done.runErrorMessage}\n${done.log}`).toBe('Succeeded');
    expect(done.log).not.toContain(ADMIN_PASSWORD);
    const head = await other.head(`/v2/mirror/app/manifests/${run!.runId}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' } });
    expect(head.statusCode).toBe(200);
    expect(done.outputImages).toEqual([expect.objectContaining({ registry: otherRegistry, digest: head.headers['docker-content-digest'] })]);
  }, 120_000);
});
