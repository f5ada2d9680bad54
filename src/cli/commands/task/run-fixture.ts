import type { ApiRun } from '../../../api/contract/runs.js';

/** Test support: an API run as the server returns it, queued unless overridden. */
export function run(overrides: Partial<ApiRun> = {}): ApiRun {
  return {
    runId: 'ca1',
    name: 'ca1',
    status: 'Queued',
    runType: 'QuickBuild',
    task: null,
    agentPoolName: 'default',
    createTime: '2026-01-01T00:00:00.000Z',
    startTime: null,
    finishTime: null,
    lastUpdatedTime: '2026-01-01T00:00:00.000Z',
    outputImages: [],
    platform: { os: 'linux', architecture: 'amd64', variant: null },
    runErrorMessage: null,
    trigger: 'Manual',
    errorCode: null,
    billedSeconds: null,
    cost: null,
    queuedMs: null,
    durationMs: null,
    sourceLocation: null,
    baseImages: [],
    steps: [],
    ...overrides,
  };
}
