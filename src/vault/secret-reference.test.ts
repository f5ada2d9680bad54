import { describe, expect, it } from 'vitest';
import { isVaultReference, parseSecretReference } from './secret-reference.js';

describe('secret references', () => {
  it.each([
    ['vault://search/SearchServiceApiKey', { kind: 'vault', vault: 'search', secret: 'SearchServiceApiKey', version: null }],
    ['vault://search/key/0123abcd', { kind: 'vault', vault: 'search', secret: 'key', version: '0123abcd' }],
    ['https://slipway.example.invalid/vaults/search/secrets/SearchServiceApiKey', { kind: 'vault', vault: 'search', secret: 'SearchServiceApiKey', version: null }],
    ['https://127.0.0.1:5000/vaults/search/secrets/key/0123abcd/', { kind: 'vault', vault: 'search', secret: 'key', version: '0123abcd' }],
    ['vault://SearchServiceName', { kind: 'run-value', name: 'SearchServiceName' }],
  ])('parses %s', (text, expected) => {
    expect(parseSecretReference(text)).toEqual(expected);
  });

  it.each(['https://myvault.vault.example.invalid/secrets/key', 'http://h.example.invalid/vaults/v/secrets/n', 'plain-token', 'vault://v/n/x/y', 'https://u:p@h.example.invalid/vaults/v/secrets/n', 'vault://v_x/n'])(
    'does not take %s for a vault secret',
    (text) => {
      expect(isVaultReference(text)).toBe(false);
    },
  );
});
