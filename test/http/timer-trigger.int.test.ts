import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiRun } from '../../src/api/contract/runs.js';
import { seedBusybox } from '../../src/registry/seed/index.js';
import { BASIC_AUTH, buildTestServer, type TestServer } from '../helpers/build-test-server.js';
import { engineSocket } from '../helpers/e2e.js';
import { listenLocal } from '../helpers/raw-http.js';

/**
 * A timer tick through a real server: the scheduler attached to the server is polled at a
 * chosen instant (no waiting for a real minute), the embedded agent runs the task file on the
 * engine, and the run ends Succeeded with trigger Timer.
 */

let server: TestServer;
let port: number;

beforeAll(async () => {
  server = await buildTestServer({ overrides: { 'engine.socket': engineSocket() } });
  port = await listenLocal(server.app);
  await seedBusybox({ log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'admin' } }, server.built.registry);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

it('turns a timer tick into one Succeeded run with trigger Timer', async () => {
  const now = new Date().toISOString();
  await server.built.taskStore.create(
    {
      name: 'new-year',
      status: 'Enabled',
      platform: 'linux/amd64',
      agentCpu: 2,
      agentPoolName: null,
      timeoutSeconds: 600,
      step: { type: 'EncodedTask', taskFile: `version: v1.1.0\nsteps:\n  - cmd: 127.0.0.1:${port}/library/busybox echo tick\n`, valuesFile: null, values: [], secretValueNames: [] },
      // Fires once a year: the scheduler's own real-clock passes never reach a tick during the test.
      triggers: { source: null, baseImage: null, timers: [{ name: 'yearly', schedule: '0 0 1 1 *', status: 'Enabled' }] },
      credentials: [],
      identity: null,
      createdAt: now,
      updatedAt: now,
    },
    { gitAccessToken: null, secretArguments: [], secretValues: [], registryPasswords: {}, webhookSecret: 'w' },
  );
  const at = new Date(`${new Date().getUTCFullYear() + 1}-01-01T00:00:20.000Z`);
  const tick = `${at.getUTCFullYear()}-01-01T00:00:00.000Z`;
  expect(await server.built.timers.poll(at)).toEqual([{ taskName: 'new-year', timerName: 'yearly', tick, outcome: 'fired' }]);
  // The same instant again (another server, a restart) finds the tick taken.
  expect(await server.built.timers.poll(at)).toEqual([]);

  const [event] = await server.built.taskStore.listEvents('new-year', 10);
  expect(event).toMatchObject({ kind: 'Timer', outcome: 'queued', detail: { timer: { name: 'yearly', tick }, dedupeKey: `timer:yearly:${tick}` } });
  const runId = event?.runId ?? '';
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/runs/${runId}/logs?follow=true`, { headers: { authorization: BASIC_AUTH }, signal: AbortSignal.timeout(120_000) });
  const log = await res.text();
  const run = (await server.get(`/api/v1/runs/${runId}`)).json<ApiRun>();
  expect(run, log).toMatchObject({ status: 'Succeeded', trigger: 'Timer', task: 'new-year', runType: 'AutoRun' });
  expect(log.split('\n')).toContain('tick');
  const list = (await server.get('/api/v1/runs?top=50')).json<{ runs: ApiRun[] }>();
  expect(list.runs.filter((r) => r.task === 'new-year')).toHaveLength(1);
}, 180_000);
