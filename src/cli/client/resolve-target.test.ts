import { describe, expect, it } from 'vitest';
import { EMPTY_CREDENTIALS, type CredentialsFile } from './credentials-file.js';
import { resolveTarget, targetCredentials } from './resolve-target.js';

const file: CredentialsFile = {
  version: 1,
  currentServer: 'http://127.0.0.1:6000',
  servers: {
    'http://127.0.0.1:6000': { username: 'stored', password: 'stored-pw' },
    'http://127.0.0.1:7000': { username: 'other', password: 'other-pw' },
  },
};

describe('resolveTarget', () => {
  it('falls back to the default server and no credentials when nothing is set', () => {
    const t = resolveTarget({ flags: {}, env: {}, file: EMPTY_CREDENTIALS });
    expect(t).toEqual({ server: 'http://127.0.0.1:5000', serverSource: 'default', credentialsSource: 'none' });
    expect(targetCredentials(t)).toBeUndefined();
  });

  it('uses the server and login of the last `slipway login` from the file', () => {
    const t = resolveTarget({ flags: {}, env: {}, file });
    expect(t).toMatchObject({ server: 'http://127.0.0.1:6000', serverSource: 'file', username: 'stored', password: 'stored-pw', credentialsSource: 'file' });
  });

  it('prefers env over the file and flags over env', () => {
    const env = { SLIPWAY_REGISTRY: '127.0.0.1:7000', SLIPWAY_USERNAME: 'envuser', SLIPWAY_PASSWORD: 'envpw' };
    expect(resolveTarget({ flags: {}, env, file })).toMatchObject({ server: 'http://127.0.0.1:7000', serverSource: 'env', username: 'envuser', password: 'envpw', credentialsSource: 'env' });
    const flags = { registry: 'http://127.0.0.1:8000', username: 'flaguser', password: 'flagpw' };
    expect(resolveTarget({ flags, env, file })).toMatchObject({ server: 'http://127.0.0.1:8000', serverSource: 'flag', username: 'flaguser', password: 'flagpw', credentialsSource: 'flag' });
  });

  it('takes the stored login of the chosen server, not of the current one', () => {
    const t = resolveTarget({ flags: { registry: '127.0.0.1:7000' }, env: {}, file });
    expect(t).toMatchObject({ username: 'other', password: 'other-pw' });
  });

  it('never pairs a stored password with a different user name', () => {
    const t = resolveTarget({ flags: { username: 'someone-else' }, env: {}, file });
    expect(t.username).toBe('someone-else');
    expect(t.password).toBeUndefined();
    expect(targetCredentials(t)).toBeUndefined();
  });

  it('ignores empty environment variables', () => {
    const t = resolveTarget({ flags: {}, env: { SLIPWAY_REGISTRY: '', SLIPWAY_USERNAME: '' }, file });
    expect(t).toMatchObject({ server: 'http://127.0.0.1:6000', username: 'stored' });
  });

  it('rejects a password without a user name', () => {
    const t = resolveTarget({ flags: { password: 'pw' }, env: {}, file: EMPTY_CREDENTIALS });
    expect(() => targetCredentials(t)).toThrow(/without a user name/);
  });
});
