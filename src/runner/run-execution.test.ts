import { describe, expect, it } from 'vitest';
import { SecretRedactor } from './redactor.js';
import { withRedactedTokens, type RunnerOptions } from './run-execution.js';

describe('withRedactedTokens', () => {
  it('adds every registry token issued for the run to its redactor', () => {
    const redactor = new SecretRedactor();
    let n = 0;
    const options = withRedactedTokens({ pushToken: () => `eyJhbGciOi.token-${++n}.signature` } as unknown as RunnerOptions, redactor);
    const push = options.pushToken('ca1', ['app']);
    const pull = options.pushToken('ca1', [], ['base']);
    expect(redactor.redact(`Authorization: Bearer ${push} then ${pull}`)).toBe('Authorization: Bearer *** then ***');
  });
});
