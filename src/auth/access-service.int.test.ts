import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteMetadataStore } from '../metadata/sqlite/sqlite-adapter.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { AccessService } from './access-service.js';
import { AuthService } from './auth-service.js';
import { TokenService } from './token-service.js';
import { allows } from './scope.js';
import { rolesPermit } from './roles.js';

describe('AccessService with AuthService', () => {
  let dir: string;
  let meta: MetadataStore;
  let auth: AuthService;
  let access: AccessService;
  let nowMs: number;
  const tokens = new TokenService({ key: TokenService.generateKey(), issuer: 'slipway' });
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const DAY_MS = 86_400_000;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-access-'));
    meta = createSqliteMetadataStore({ path: join(dir, 'db') });
    await meta.init();
    nowMs = Date.parse('2030-01-01T00:00:00Z');
    auth = new AuthService(meta, tokens, { anonymousPull: false, service: 'slipway', tokenTtlSeconds: 300, now: () => new Date(nowMs) });
    access = new AccessService(meta, auth);
    await auth.ensureAdmin('admin-password');
  });
  afterEach(async () => {
    await meta.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the built-in admin an Owner that cannot be deleted', async () => {
    expect((await access.getUser('admin')).roles).toEqual(['Owner']);
    await expect(access.deleteUser('admin')).rejects.toMatchObject({ code: 'USER_PROTECTED' });
    await access.updateUser('admin', { roles: ['Reader'] });
    expect((await access.getUser('admin')).roles).toEqual(['Owner', 'Reader']);
  });

  it('generates a password once, stores only its hash, and applies role changes at once', async () => {
    const { password } = await access.createUser({ name: 'dev', roles: ['reader'] });
    expect(password).toMatch(/^[\w-]{32}$/);
    expect((await meta.users.get('dev'))!.passwordHash).not.toContain(password!);
    expect(await auth.principal(basic('dev', password!))).toMatchObject({ kind: 'user', roles: ['Reader'] });
    await access.updateUser('dev', { roles: ['Contributor'] });
    expect(await auth.principal(basic('dev', password!))).toMatchObject({ roles: ['Contributor'] });
    await access.deleteUser('dev');
    expect(await auth.principal(basic('dev', password!))).toBe('invalid');
  });

  it('rejects unknown roles and malformed scope-map actions with ACCESS_INVALID', async () => {
    await expect(access.createUser({ name: 'dev', roles: ['Admin'] })).rejects.toMatchObject({ code: 'ACCESS_INVALID' });
    await expect(access.createScopeMap({ name: 'bad', actions: ['repositories/app/content/execute'] })).rejects.toMatchObject({ code: 'ACCESS_INVALID' });
    await expect(access.createScopeMap({ name: 'bad', actions: ['repositories/Team/*/content/read'] })).rejects.toMatchObject({ code: 'ACCESS_INVALID' });
  });

  it('expires a token password by the injected clock, and the other password keeps working', async () => {
    await access.createScopeMap({ name: 'team', actions: ['repositories/team/*/content/read'] });
    const created = await access.createToken({ name: 'ci-bot', scopeMap: 'team', expiry: new Date(nowMs + DAY_MS).toISOString() });
    const [p1, p2] = created.passwords;
    expect(await auth.principal(basic('ci-bot', p1!.value))).toMatchObject({ kind: 'token', isRepositoryToken: true, access: [{ name: 'team/*', actions: ['pull'] }] });
    const renewed = await access.generatePasswords('ci-bot', { which: 'password2', expiry: null });
    nowMs += 2 * DAY_MS;
    expect(await auth.principal(basic('ci-bot', p1!.value))).toBe('invalid');
    expect(await auth.principal(basic('ci-bot', p2!.value))).toBe('invalid');
    expect(await auth.principal(basic('ci-bot', renewed.passwords[0]!.value))).toMatchObject({ kind: 'token' });
    expect((await access.getToken('ci-bot')).lastUsedAt).toBe(new Date(nowMs).toISOString());
  });

  it('stops a disabled token at once, including the access tokens issued to it', async () => {
    const created = await access.createToken({ name: 'ci-bot', actions: ['repositories/app/content/read'] });
    const password = created.passwords[0]!.value;
    const principal = await auth.principal(basic('ci-bot', password));
    const issued = auth.issueAccessToken(principal as never, [{ type: 'repository', name: 'app', actions: ['pull', 'push'] }]);
    expect(issued.access).toEqual([{ type: 'repository', name: 'app', actions: ['pull'] }]);
    expect(await auth.principal(`Bearer ${issued.token}`)).toMatchObject({ kind: 'token', name: 'ci-bot' });
    await access.updateToken('ci-bot', { status: 'disabled' });
    expect(await auth.principal(basic('ci-bot', password))).toBe('invalid');
    expect(await auth.principal(`Bearer ${issued.token}`)).toBe('invalid');
  });

  it('auto-creates <token>-scope-map, reuses it when equal and refuses it when different', async () => {
    await access.createToken({ name: 'one', actions: ['repositories/app/content/read'] });
    expect((await access.getScopeMap('one-scope-map')).actions).toEqual(['repositories/app/content/read']);
    await access.deleteToken('one');
    await access.createToken({ name: 'one', actions: ['REPOSITORIES/app/content/read'.toLowerCase()] });
    await access.deleteToken('one');
    await expect(access.createToken({ name: 'one', actions: ['repositories/app/content/write'] })).rejects.toMatchObject({ code: 'SCOPE_MAP_EXISTS' });
    await access.createToken({ name: 'two', scopeMap: 'one-scope-map' });
    await expect(access.deleteScopeMap('one-scope-map')).rejects.toMatchObject({ code: 'SCOPE_MAP_IN_USE' });
  });

  it('keeps users and tokens in one namespace', async () => {
    await access.createUser({ name: 'shared-name', password: 'long-enough' });
    await expect(access.createToken({ name: 'shared-name' })).rejects.toMatchObject({ code: 'TOKEN_EXISTS' });
    await access.createToken({ name: 'tok-name' });
    await expect(access.createUser({ name: 'tok-name', password: 'long-enough' })).rejects.toMatchObject({ code: 'USER_EXISTS' });
  });
});

describe('policy', () => {
  it('matches scope-map wildcards at any depth below the prefix, and nothing else', () => {
    const granted = [{ type: 'repository', name: 'team/*', actions: ['pull'] }];
    expect(allows(granted, { type: 'repository', name: 'team/app', actions: ['pull'] })).toBe(true);
    expect(allows(granted, { type: 'repository', name: 'team/a/b', actions: ['pull', 'metadata_read'] })).toBe(true);
    expect(allows(granted, { type: 'repository', name: 'teamx/app', actions: ['pull'] })).toBe(false);
    expect(allows(granted, { type: 'repository', name: 'team/app', actions: ['push'] })).toBe(false);
    expect(allows([{ type: 'repository', name: '*', actions: ['delete'] }, ...granted], { type: 'repository', name: 'team/app', actions: ['pull', 'delete'] })).toBe(true);
  });

  it('lets each built-in role do what docs/access.md says', () => {
    const repo = { type: 'repository', name: 'app' };
    expect(rolesPermit(['AcrPull'], repo, 'pull')).toBe(true);
    expect(rolesPermit(['AcrPull'], repo, 'push')).toBe(false);
    expect(rolesPermit(['AcrPush'], repo, 'push')).toBe(true);
    expect(rolesPermit(['AcrPush'], repo, 'delete')).toBe(false);
    expect(rolesPermit(['AcrDelete'], repo, 'delete')).toBe(true);
    expect(rolesPermit(['Reader'], { type: 'api', name: 'builds' }, 'write')).toBe(false);
    expect(rolesPermit(['Contributor'], { type: 'api', name: 'builds' }, 'write')).toBe(true);
    expect(rolesPermit(['Contributor'], { type: 'api', name: 'access' }, 'write')).toBe(false);
    expect(rolesPermit(['Owner'], { type: 'api', name: 'access' }, 'write')).toBe(true);
  });
});
