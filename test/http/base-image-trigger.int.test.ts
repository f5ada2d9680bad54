import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainerEngine } from '../../src/app/backends.js';
import type { ContainerEngine } from '../../src/engine/container-engine.js';
import type { RunRecord } from '../../src/queue/run-queue.js';
import { seedBusybox, writeTar } from '../../src/registry/seed/index.js';
import type { Task } from '../../src/tasks/task-model.js';
import { ADMIN_PASSWORD, BASIC_AUTH, buildTestServer, type TestServer } from '../helpers/build-test-server.js';
import { engineSocket } from '../helpers/e2e.js';
import { listenLocal } from '../helpers/raw-http.js';

/**
 * Base-image triggers on the real engine (issue 5): two tasks built FROM Slipway's busybox;
 * pushing a new busybox rebuilds each exactly once, pushing the same digest again rebuilds nothing.
 */

const socket = engineSocket();
let server: TestServer;
let port: number;
let registry: string;
let engine: ContainerEngine;
let files: Server;
let contextUrl: string;

function dockerTask(name: string): Task {
  const at = new Date().toISOString();
  return {
    name,
    status: 'Enabled',
    platform: 'linux/amd64',
    agentCpu: 2,
    agentPoolName: null,
    timeoutSeconds: 600,
    step: { type: 'Docker', contextPath: contextUrl, dockerFilePath: 'Dockerfile', imageNames: [`deps/${name}:{{.Run.ID}}`], isPushEnabled: true, noCache: false, target: null, arguments: [], secretArgumentNames: [] },
    triggers: { source: null, baseImage: { name: 'defaultBaseimageTriggerName', status: 'Enabled', type: 'Runtime' }, timers: [] },
    credentials: [],
    identity: null,
    createdAt: at,
    updatedAt: at,
  };
}

async function finish(runId: string): Promise<RunRecord> {
  await (await fetch(`http://127.0.0.1:${port}/api/v1/runs/${runId}/logs?follow=true`, { headers: { authorization: BASIC_AUTH }, signal: AbortSignal.timeout(120_000) })).text();
  return runById(runId);
}

async function runById(runId: string): Promise<RunRecord> {
  const res = await server.get(`/api/v1/runs/${runId}`);
  return res.json<RunRecord>();
}

async function runsOf(taskName: string): Promise<Array<{ runId: string; trigger: string; status: string }>> {
  const res = await server.get('/api/v1/runs?top=100');
  return res.json<{ runs: Array<{ runId: string; task: string | null; trigger: string; status: string }> }>().runs.filter((r) => r.task === taskName);
}

/** Builds busybox plus one file as Slipway's library/busybox:latest and pushes it: a new digest behind the tag. */
async function pushNewBusybox(marker: string): Promise<void> {
  const image = `${registry}/library/busybox:latest`;
  const context = Readable.from([writeTar([{ type: 'file', path: 'Dockerfile', mode: 0o644, data: Buffer.from(`FROM ${image}\nRUN echo ${marker} > /marker\n`) }])]);
  await engine.images.build({ context, tags: [image], noCache: true });
  await engine.images.push({ image, auth: { username: 'admin', password: ADMIN_PASSWORD, serveraddress: registry } });
}

async function waitForDependencies(taskName: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await server.built.taskStore.dependencies(taskName)).length === 0) {
    if (Date.now() > deadline) throw new Error(`no dependencies recorded for ${taskName}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await buildTestServer({ overrides: { 'engine.socket': socket } });
  port = await listenLocal(server.app);
  registry = `127.0.0.1:${port}`;
  await seedBusybox({ log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'admin' } }, server.built.registry);
  engine = createContainerEngine(socket);
  const tar = writeTar([{ type: 'file', path: 'Dockerfile', mode: 0o644, data: Buffer.from(`FROM ${registry}/library/busybox:latest\nRUN echo dependent-build\n`) }]);
  files = createServer((_req, res) => res.end(tar));
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  contextUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/context.tar`;
}, 60_000);

afterAll(async () => {
  files?.closeAllConnections();
  await new Promise((resolve) => (files ? files.close(resolve) : resolve(undefined)));
  await engine?.close();
  await server?.close();
});

describe('base-image update triggers', () => {
  it('rebuilds each dependent task exactly once for a new busybox, and not again for the same digest', async () => {
    const secrets = { gitAccessToken: null, secretArguments: [], secretValues: [], registryPasswords: {}, webhookSecret: 'w' };
    for (const name of ['dep-one', 'dep-two']) {
      await server.built.taskStore.create(dockerTask(name), secrets);
      const { run } = await server.built.tasks.trigger(name, { kind: 'Manual', dedupeKey: null });
      const done = await finish(run!.runId);
      expect(done.status).toBe('Succeeded');
      await waitForDependencies(name);
    }
    const shown = (await server.get('/api/v1/tasks/dep-one/dependencies')).json<{ dependencies: Array<Record<string, unknown>> }>();
    expect(shown.dependencies).toEqual([expect.objectContaining({ type: 'RunTime', registry, repository: 'library/busybox', tag: 'latest', digest: expect.stringMatching(/^sha256:/) })]);
    await server.built.baseImageTrigger.drain();

    await pushNewBusybox(`v2-${Date.now()}`);
    await server.built.baseImageTrigger.drain();
    for (const name of ['dep-one', 'dep-two']) {
      const updates = (await runsOf(name)).filter((r) => r.trigger === 'ImageUpdate');
      expect(updates, name).toHaveLength(1);
      const done = await finish(updates[0]!.runId);
      expect(done.status).toBe('Succeeded');
    }

    // The same image pushed again: a push event with the digest the tasks now built from.
    await engine.images.push({ image: `${registry}/library/busybox:latest`, auth: { username: 'admin', password: ADMIN_PASSWORD, serveraddress: registry } });
    await server.built.baseImageTrigger.drain();
    for (const name of ['dep-one', 'dep-two']) {
      expect((await runsOf(name)).filter((r) => r.trigger === 'ImageUpdate'), name).toHaveLength(1);
      // The push was seen, and explained: same digest as the last build (or the same cause again).
      const [seen] = await server.built.taskStore.listEvents(name, 1);
      // The rebuild recorded the new digest, so the push is explained as nothing new.
      expect(seen).toMatchObject({ kind: 'ImageUpdate', outcome: 'ignored', runId: null, reason: expect.stringContaining('digest the task last built from') });
    }
  }, 240_000);
});
