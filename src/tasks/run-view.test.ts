import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../queue/run-queue.js';
import { platformView, toRunView } from './run-view.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'ca7', runType: 'QuickBuild', status: 'Succeeded', trigger: 'Manual', taskName: null,
    platform: 'linux/amd64', agentCpu: 2, request: { tags: ['app:ca7'], buildArgs: [{ name: 'A', value: '1' }] },
    pool: 'default', priority: 0, idempotencyKey: 'k', createTime: '2026-03-01T12:00:00.000Z',
    startTime: '2026-03-01T12:00:00.040Z', finishTime: '2026-03-01T12:00:05.040Z', lastUpdatedTime: '2026-03-01T12:00:05.040Z',
    leaseOwner: 'host:1', leaseExpiresAt: null, heartbeatAt: '2026-03-01T12:00:04.000Z', attempts: 1, maxAttempts: 1,
    isCancelRequested: false, outputImages: [{ registry: 'localhost:5000', repository: 'app', tag: 'ca7', digest: DIGEST }],
    baseImages: [], errorCode: null, runErrorMessage: null, billedSeconds: 5, cost: 0.0005, logSizeBytes: 900, steps: [],
    ...overrides,
  };
}

describe('toRunView', () => {
  it('uses ACR Run field names and values, with Slipway extras', () => {
    expect(toRunView(record())).toEqual({
      runId: 'ca7', name: 'ca7', status: 'Succeeded', runType: 'QuickBuild', task: null, agentPoolName: 'default',
      createTime: '2026-03-01T12:00:00.000Z', startTime: '2026-03-01T12:00:00.040Z', finishTime: '2026-03-01T12:00:05.040Z',
      lastUpdatedTime: '2026-03-01T12:00:05.040Z',
      outputImages: [{ registry: 'localhost:5000', repository: 'app', tag: 'ca7', digest: DIGEST }],
      platform: { os: 'Linux', architecture: 'amd64', variant: null }, agentConfiguration: { cpu: 2 },
      sourceTrigger: null, timerTrigger: null, imageUpdateTrigger: null, runErrorMessage: null,
      isArchiveEnabled: false, provisioningState: 'Succeeded',
      trigger: 'Manual', errorCode: null, attempts: 1, isCancelRequested: false, billedSeconds: 5, cost: 0.0005,
      queuedMs: 40, durationMs: 5000, logSizeBytes: 900, sourceLocation: null, baseImages: [], steps: [],
    });
  });

  it('leaves out lease internals, the idempotency key and the request', () => {
    const json = JSON.stringify(toRunView(record()));
    for (const word of ['leaseOwner', 'host:1', 'idempotencyKey', 'buildArgs', 'request']) expect(json).not.toContain(word);
  });

  it('reports null queue and run times until the run started and finished', () => {
    const view = toRunView(record({ status: 'Queued', startTime: null, finishTime: null }));
    expect(view.queuedMs).toBeNull();
    expect(view.durationMs).toBeNull();
  });

  it('shows the source trigger of a commit run and no other trigger descriptor', () => {
    const sourceTrigger = { id: 'x', eventType: 'commit', commitId: 'abc', branchName: 'main', repositoryUrl: 'file:///src', providerType: 'Git' };
    const view = toRunView(record({ trigger: 'Commit', request: { sourceTrigger, timerTrigger: { timerTriggerName: 't' } } }));
    expect(view.sourceTrigger).toEqual(sourceTrigger);
    expect(view.timerTrigger).toBeNull();
    expect(view.imageUpdateTrigger).toBeNull();
  });

  it('keeps the error message and code of a failed run', () => {
    const view = toRunView(record({ status: 'Error', errorCode: 'RUN_LEASE_EXPIRED', runErrorMessage: 'agent stopped' }));
    expect(view).toMatchObject({ status: 'Error', errorCode: 'RUN_LEASE_EXPIRED', runErrorMessage: 'agent stopped' });
  });
});

describe('platformView', () => {
  it('splits os/architecture/variant and spells the os as ACR does', () => {
    expect(platformView('linux/arm64/v8')).toEqual({ os: 'Linux', architecture: 'arm64', variant: 'v8' });
    expect(platformView('windows/amd64')).toEqual({ os: 'Windows', architecture: 'amd64', variant: null });
  });
});
