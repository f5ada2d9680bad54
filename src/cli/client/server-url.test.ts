import { describe, expect, it } from 'vitest';
import { normaliseServerUrl } from './server-url.js';

describe('normaliseServerUrl', () => {
  it('uses http for loopback host:port without a scheme', () => {
    expect(normaliseServerUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(normaliseServerUrl('localhost:5000')).toBe('http://localhost:5000');
    expect(normaliseServerUrl('[::1]:5000')).toBe('http://[::1]:5000');
  });

  it('uses https for other hosts without a scheme, keeping a port that is http-default', () => {
    expect(normaliseServerUrl('registry.example.test:5000')).toBe('https://registry.example.test:5000');
    expect(normaliseServerUrl('registry.example.test')).toBe('https://registry.example.test');
    expect(normaliseServerUrl('registry.example.test:80')).toBe('https://registry.example.test:80');
  });

  it('keeps an explicit scheme and drops trailing slashes', () => {
    expect(normaliseServerUrl('http://registry.example.test:8080/')).toBe('http://registry.example.test:8080');
    expect(normaliseServerUrl('https://127.0.0.1:5443')).toBe('https://127.0.0.1:5443');
    expect(normaliseServerUrl('http://127.0.0.1:5000/slipway/')).toBe('http://127.0.0.1:5000/slipway');
  });

  it('rejects other schemes, credentials in the URL and garbage as usage errors', () => {
    expect(() => normaliseServerUrl('ftp://127.0.0.1')).toThrow(/http or https/);
    expect(() => normaliseServerUrl('http://admin:secret@127.0.0.1:5000')).toThrow(/-u\/-p/);
    expect(() => normaliseServerUrl('http://')).toThrow(/not a server URL/);
  });
});
