import { describe, expect, it } from 'vitest';
import { captureIo } from '../../output/capture-io.js';
import { runCli } from '../../run-cli.js';
import { COMMANDS } from '../index.js';

describe('slipway config print', () => {
  it('prints the effective configuration with environment values, and secrets as [redacted]', async () => {
    const captured = captureIo({
      env: { SLIPWAY_UPSTREAM_URL: 'https://upstream.example.invalid', SLIPWAY_UPSTREAM_USERNAME: 'puller', SLIPWAY_UPSTREAM_PASSWORD: 'upstream-secret-value', SLIPWAY_LISTEN: '0.0.0.0:5999' },
    });
    expect(await runCli(COMMANDS, ['config', 'print'], captured.io)).toBe(0);
    const out = captured.stdout();
    expect(out).toContain('listen: 0.0.0.0:5999');
    expect(out).toContain('username: puller');
    expect(out).toContain('password: "[redacted]"');
    expect(out).not.toContain('upstream-secret-value');
  });
});
