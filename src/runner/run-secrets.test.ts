import { describe, expect, it } from 'vitest';
import { AppError, Errors } from '../core/errors/index.js';
import type { LeasedRun, RunRecord } from '../queue/run-queue.js';
import { MemoryObjectStore } from '../registry/storage/memory/memory-object-store.js';
import type { SecretReadRequest, SecretSource } from '../vault/index.js';
import type { RunnerOptions } from './run-execution.js';
import { resolveRunSecrets } from './run-secrets.js';

/** A vault holding one secret that only `indexer` may read. */
const source: SecretSource = {
  async readSecret(request: SecretReadRequest) {
    if (request.identity !== 'indexer') throw new AppError(Errors.SECRET_ACCESS_DENIED, { message: `identity "${request.identity}" lacks the "get" secret permission on vault "${request.vault}"`, detail: { vault: request.vault, identity: request.identity, permission: 'get' } });
    return `value-of-${request.vault}-${request.secret}`;
  },
};

function leased(identity: string | null, secretRequest: Record<string, unknown>): LeasedRun {
  const run = { runId: 'cb1', runType: 'AutoRun', request: { timeoutSeconds: 60, ...(identity === null ? {} : { identity }) }, startTime: new Date().toISOString() } as unknown as RunRecord;
  return { run, secretRequest: secretRequest as LeasedRun['secretRequest'] };
}

const options = { objects: new MemoryObjectStore(), pricePerSecond: 0, secretSource: source } as unknown as RunnerOptions;
const control = { signal: new AbortController().signal, cause: () => undefined };

describe('vault references in a run secret request', () => {
  it('puts the git access token from the vault into the context URL and resolves registry passwords', async () => {
    const result = await resolveRunSecrets(
      options,
      leased('indexer', {
        sourceLocation: 'https://git.example.invalid/org/app.git#main',
        gitAccessTokenRef: 'vault://ci/github-pat',
        registryCredentials: [
          { loginServer: 'other.example.invalid', username: 'bot', password: 'https://slipway.example.invalid/vaults/ci/secrets/registry-password' },
          { loginServer: 'plain.example.invalid', username: 'bot', password: 'literal-password' },
        ],
      }),
      control,
    );
    expect('leased' in result && result.leased.secretRequest).toEqual({
      sourceLocation: 'https://slipway:value-of-ci-github-pat@git.example.invalid/org/app.git#main',
      registryCredentials: [
        { loginServer: 'other.example.invalid', username: 'bot', password: 'value-of-ci-registry-password' },
        { loginServer: 'plain.example.invalid', username: 'bot', password: 'literal-password' },
      ],
    });
  });

  it('fails the run before it starts, naming the git token, when the identity may not read it', async () => {
    const result = await resolveRunSecrets(options, leased('someone', { sourceLocation: 'https://git.example.invalid/a.git', gitAccessTokenRef: 'vault://ci/github-pat' }), control);
    expect('report' in result && result.report).toMatchObject({
      kind: 'complete',
      outcome: { status: 'Failed', errorCode: 'SECRET_ACCESS_DENIED', runErrorMessage: expect.stringMatching(/^failed to resolve the git access token \(vault:\/\/ci\/github-pat\): identity "someone" lacks the "get"/) },
    });
  });

  it('leaves a request without references as it is', async () => {
    const request = { secretValues: [{ name: 'a', value: 'b' }] };
    const result = await resolveRunSecrets(options, leased(null, request), control);
    expect('leased' in result && result.leased.secretRequest).toEqual(request);
  });
});
