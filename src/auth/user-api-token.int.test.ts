import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteMetadataStore } from '../metadata/sqlite/sqlite-adapter.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { AccessService } from './access-service.js';
import { AuthService } from './auth-service.js';
import { TokenService } from './token-service.js';

describe('users’ API tokens', () => {
  let dir: string;
  let meta: MetadataStore;
  let auth: AuthService;
  let access: AccessService;
  let nowMs: number;
  const tokens = new TokenService({ key: TokenService.generateKey(), issuer: 'slipway' });
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const push = { type: 'repository', name: 'app', actions: ['push'] };
  const pull = { type: 'repository', name: 'app', actions: ['pull'] };
  const DAY_MS = 86_400_000;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-api-token-'));
    meta = createSqliteMetadataStore({ path: join(dir, 'db') });
    await meta.init();
    nowMs = Date.parse('2030-01-01T00:00:00Z');
    auth = new AuthService(meta, tokens, { anonymousPull: false, service: 'slipway', tokenTtlSeconds: 300, now: () => new Date(nowMs) });
    access = new AccessService(meta, auth);
    await auth.ensureAdmin('admin-password');
    await access.createUser({ name: 'alice', password: 'alice-password', roles: ['AcrPush', 'Reader'] });
  });
  afterEach(async () => {
    await meta.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs in over Basic as its user with the user’s roles, and stores only a hash', async () => {
    const { token, secret } = await access.createApiToken({ user: 'alice', name: 'ci' });
    expect(secret).toMatch(/^slp_[0-9a-f]{16}[\w-]{32}$/);
    expect(token.hash).not.toContain(secret);
    const principal = await auth.principal(basic('alice', secret));
    expect(principal).toMatchObject({ kind: 'user', name: 'alice', roles: ['AcrPush', 'Reader'], apiToken: { name: 'ci' } });
    expect(auth.permits(principal as never, push)).toBe(true);
    expect((await access.listApiTokens('alice'))[0]).toMatchObject({ name: 'ci', roles: null, lastUsedAt: '2030-01-01T00:00:00.000Z' });
  });

  it('rejects a wrong secret, another user’s name, and gives no refresh token', async () => {
    const { secret } = await access.createApiToken({ user: 'alice', name: 'ci' });
    expect(await auth.principal(basic('alice', `${secret.slice(0, -1)}x`))).toBe('invalid');
    expect(await auth.principal(basic('admin', secret))).toBe('invalid');
    expect(await auth.checkPassword('alice', secret)).toBeUndefined();
  });

  it('acts with only the roles it is limited to, and never more than the user holds now', async () => {
    const { secret } = await access.createApiToken({ user: 'alice', name: 'pull', roles: ['reader'] });
    const principal = await auth.principal(basic('alice', secret));
    expect(principal).toMatchObject({ roles: ['Reader'] });
    expect(auth.permits(principal as never, pull)).toBe(true);
    expect(auth.permits(principal as never, push)).toBe(false);
    await expect(access.createApiToken({ user: 'alice', name: 'own', roles: ['Owner'] })).rejects.toMatchObject({ code: 'ACCESS_INVALID' });
    await access.updateUser('alice', { roles: ['AcrPush'] });
    expect(await auth.principal(basic('alice', secret))).toMatchObject({ roles: [] });
  });

  it('loses a role as soon as its user does', async () => {
    const { secret } = await access.createApiToken({ user: 'alice', name: 'ci' });
    expect(auth.permits((await auth.principal(basic('alice', secret))) as never, push)).toBe(true);
    await access.updateUser('alice', { roles: ['Reader'] });
    expect(auth.permits((await auth.principal(basic('alice', secret))) as never, push)).toBe(false);
  });

  it('stops at its expiry, even while its verdict is cached', async () => {
    const { secret } = await access.createApiToken({ user: 'alice', name: 'ci', expiresAt: new Date(nowMs + DAY_MS).toISOString() });
    expect(await auth.principal(basic('alice', secret))).toMatchObject({ kind: 'user' });
    nowMs += DAY_MS - 1;
    expect(await auth.principal(basic('alice', secret))).toMatchObject({ kind: 'user' });
    nowMs += 1;
    expect(await auth.principal(basic('alice', secret))).toBe('invalid');
    await expect(access.createApiToken({ user: 'alice', name: 'old', expiresAt: new Date(nowMs - 1).toISOString() })).rejects.toMatchObject({ code: 'ACCESS_INVALID' });
  });

  it('stops at once when deleted, with its user, and ends registry tokens issued to it', async () => {
    const { secret } = await access.createApiToken({ user: 'alice', name: 'ci' });
    const principal = await auth.principal(basic('alice', secret));
    const bearer = `Bearer ${auth.issueAccessToken(principal as never, [push]).token}`;
    expect(await auth.principal(bearer)).toMatchObject({ kind: 'token', name: 'alice' });
    await access.deleteApiToken('alice', 'ci');
    expect(await auth.principal(basic('alice', secret))).toBe('invalid');
    expect(await auth.principal(bearer)).toBe('invalid');
    await expect(access.deleteApiToken('alice', 'ci')).rejects.toMatchObject({ code: 'API_TOKEN_NOT_FOUND' });
    const again = await access.createApiToken({ user: 'alice', name: 'ci' });
    await access.deleteUser('alice');
    expect(await auth.principal(basic('alice', again.secret))).toBe('invalid');
    expect(await meta.apiTokens.list('alice')).toEqual([]);
  });

  it('keeps names unique per user and caps tokens made through a token', async () => {
    await access.createApiToken({ user: 'alice', name: 'ci' });
    await expect(access.createApiToken({ user: 'alice', name: 'ci' })).rejects.toMatchObject({ code: 'API_TOKEN_EXISTS' });
    await access.createApiToken({ user: 'admin', name: 'ci' });
    await expect(access.createApiToken({ user: 'alice', name: 'wide', cap: ['Reader'], roles: ['AcrPush'] })).rejects.toMatchObject({ code: 'ACCESS_INVALID' });
    expect((await access.createApiToken({ user: 'alice', name: 'narrow', cap: ['Reader'] })).token.roles).toEqual(['Reader']);
    await expect(access.createApiToken({ user: 'nobody', name: 'ci' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});
