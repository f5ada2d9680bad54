import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors/index.js';
import { EMPTY_CREDENTIALS, configDir, credentialsPath, parseCredentials, withLogin, withoutLogin } from './credentials-file.js';

describe('credentials file location', () => {
  it('prefers SLIPWAY_CONFIG_HOME, then XDG_CONFIG_HOME/slipway, then ~/.config/slipway', () => {
    expect(configDir({ SLIPWAY_CONFIG_HOME: '/a', XDG_CONFIG_HOME: '/b', HOME: '/h' })).toBe('/a');
    expect(configDir({ XDG_CONFIG_HOME: '/b', HOME: '/h' })).toBe('/b/slipway');
    expect(configDir({ HOME: '/h' })).toBe('/h/.config/slipway');
    expect(credentialsPath({ SLIPWAY_CONFIG_HOME: '/a' })).toBe('/a/credentials.json');
  });
});

describe('parseCredentials', () => {
  it('reads a version 1 file', () => {
    const text = JSON.stringify({ version: 1, currentServer: 'http://127.0.0.1:5000', servers: { 'http://127.0.0.1:5000': { username: 'u', password: 'p' } } });
    expect(parseCredentials(text, 'f').servers['http://127.0.0.1:5000']).toEqual({ username: 'u', password: 'p' });
  });

  it('rejects invalid JSON and unknown shapes with CREDENTIALS_FILE_INVALID', () => {
    for (const text of ['{', '{"version":2,"servers":{}}', '{"version":1,"servers":{"x":{"username":1}}}', 'null']) {
      let caught: unknown;
      try {
        parseCredentials(text, 'f');
      } catch (err) {
        caught = err;
      }
      expect(isAppError(caught) && caught.code).toBe('CREDENTIALS_FILE_INVALID');
    }
  });
});

describe('withLogin and withoutLogin', () => {
  it('adds a login and makes its server current', () => {
    const one = withLogin(EMPTY_CREDENTIALS, 'http://127.0.0.1:5000', { username: 'a', password: '1' });
    const two = withLogin(one, 'http://127.0.0.1:6000', { username: 'b', password: '2' });
    expect(two.currentServer).toBe('http://127.0.0.1:6000');
    expect(Object.keys(two.servers)).toEqual(['http://127.0.0.1:5000', 'http://127.0.0.1:6000']);
  });

  it('removes a login and moves the current server to a remaining one', () => {
    const file = withLogin(withLogin(EMPTY_CREDENTIALS, 'http://127.0.0.1:5000', { username: 'a', password: '1' }), 'http://127.0.0.1:6000', { username: 'b', password: '2' });
    const after = withoutLogin(file, 'http://127.0.0.1:6000');
    expect(after).toEqual({ version: 1, currentServer: 'http://127.0.0.1:5000', servers: { 'http://127.0.0.1:5000': { username: 'a', password: '1' } } });
    expect(withoutLogin(after, 'http://127.0.0.1:5000')).toEqual({ version: 1, servers: {} });
  });
});
