import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('replaces the upstream password and keeps everything else', () => {
    const { config } = loadConfig({ env: { SLIPWAY_UPSTREAM_URL: 'https://registry-1.example.invalid', SLIPWAY_UPSTREAM_USERNAME: 'bot', SLIPWAY_UPSTREAM_PASSWORD: 's3cret' } });
    const redacted = redactSecrets(config) as typeof config;
    expect(redacted.registry.upstream).toMatchObject({ url: 'https://registry-1.example.invalid', username: 'bot', password: '[redacted]' });
    expect(JSON.stringify(redacted)).not.toContain('s3cret');
    expect(config.registry.upstream.password).toBe('s3cret');
  });

  it('leaves unset secrets unset', () => {
    const { config } = loadConfig({ env: {} });
    expect((redactSecrets(config) as typeof config).registry.upstream.password).toBeUndefined();
  });
});
