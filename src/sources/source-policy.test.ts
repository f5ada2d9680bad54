import { describe, expect, it } from 'vitest';
import { checkRemoteSource, hostOf, isPrivateAddress, type SourcePolicy } from './source-policy.js';

const strict: SourcePolicy = { allowFileUrls: false, allowPrivateNetworks: false, maxContextBytes: 1024 ** 3 };
const lookup = (answers: Record<string, string[]>) => async (host: string): Promise<string[]> => {
  const found = answers[host];
  if (found === undefined) throw new Error(`ENOTFOUND ${host}`);
  return found;
};

describe('isPrivateAddress', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '[::1]'])('%s is private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });
  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:db8::1', '::ffff:1.1.1.1', 'not-an-ip'])('%s is not', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('checkRemoteSource', () => {
  it('names the host of https, ssh, scp-like and file URLs', () => {
    expect(hostOf({ kind: 'git', url: 'https://user:pw@git.example.invalid:8443/a.git', ref: null, subfolder: null })).toBe('git.example.invalid');
    expect(hostOf({ kind: 'git', url: 'git@git.example.invalid:org/a.git', ref: null, subfolder: null })).toBe('git.example.invalid');
    expect(hostOf({ kind: 'git', url: 'ssh://git@[::1]:22/a.git', ref: null, subfolder: null })).toBe('::1');
    expect(hostOf({ kind: 'git', url: 'file:///srv/a.git', ref: null, subfolder: null })).toBeNull();
  });

  it('refuses file:// unless allowed, whatever the network setting', async () => {
    const spec = { kind: 'git', url: 'file:///srv/a.git', ref: null, subfolder: null } as const;
    await expect(checkRemoteSource(spec, { ...strict, allowPrivateNetworks: true })).rejects.toMatchObject({ code: 'SOURCE_NOT_ALLOWED', detail: { setting: 'sources.allowFileUrls' } });
    await expect(checkRemoteSource(spec, { ...strict, allowFileUrls: true })).resolves.toBeUndefined();
  });

  it('refuses a host when any of its addresses is private, and passes public or unresolvable hosts', async () => {
    const answers = lookup({ 'inside.example.invalid': ['203.0.113.9', '10.0.0.5'], 'outside.example.invalid': ['203.0.113.9'] });
    const tarball = (url: string) => ({ kind: 'tarball', url }) as const;
    await expect(checkRemoteSource(tarball('http://inside.example.invalid/c.tgz'), strict, answers)).rejects.toMatchObject({ code: 'SOURCE_NOT_ALLOWED', message: expect.stringContaining('10.0.0.5') });
    await expect(checkRemoteSource(tarball('http://192.168.0.1/c.tgz'), strict, answers)).rejects.toMatchObject({ code: 'SOURCE_NOT_ALLOWED' });
    await expect(checkRemoteSource(tarball('http://outside.example.invalid/c.tgz'), strict, answers)).resolves.toBeUndefined();
    await expect(checkRemoteSource(tarball('http://gone.example.invalid/c.tgz'), strict, answers)).resolves.toBeUndefined();
    await expect(checkRemoteSource(tarball('http://192.168.0.1/c.tgz'), { ...strict, allowPrivateNetworks: true }, answers)).resolves.toBeUndefined();
  });

  it('never puts URL credentials in the error', async () => {
    const err = await checkRemoteSource({ kind: 'git', url: 'https://u:hunter22@10.0.0.1/a.git', ref: null, subfolder: null }, strict).catch((e: unknown) => e);
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain('hunter22');
  });
});
