import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteMetadataStore } from '../metadata/sqlite/sqlite-adapter.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { AuthService } from './auth-service.js';
import { TokenService } from './token-service.js';

describe('AuthService', () => {
  let dir: string;
  let meta: MetadataStore;
  let auth: AuthService;
  const tokens = new TokenService({ key: TokenService.generateKey(), issuer: 'slipway' });
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-auth-'));
    meta = createSqliteMetadataStore({ path: join(dir, 'db') });
    await meta.init();
    auth = new AuthService(meta, tokens, { anonymousPull: false, service: 'slipway', tokenTtlSeconds: 300 });
  });
  afterEach(async () => {
    await meta.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('generates an admin password on the first start and keeps it afterwards', async () => {
    const { generatedPassword } = await auth.ensureAdmin(undefined);
    expect(generatedPassword).toMatch(/^[\w-]{32}$/);
    expect(await auth.ensureAdmin(undefined)).toEqual({});
    expect(await auth.principal(basic('admin', generatedPassword!))).toMatchObject({ kind: 'user', name: 'admin', isAdmin: true });
    expect((await meta.users.get('admin'))!.passwordHash).not.toContain(generatedPassword!);
  });

  it('follows SLIPWAY_ADMIN_PASSWORD when it changes, and the old password stops working', async () => {
    await auth.ensureAdmin('first-password');
    expect(await auth.principal(basic('admin', 'first-password'))).toMatchObject({ kind: 'user' });
    await auth.ensureAdmin('second-password');
    expect(await auth.principal(basic('admin', 'first-password'))).toBe('invalid');
    expect(await auth.principal(basic('admin', 'second-password'))).toMatchObject({ kind: 'user' });
  });

  it('revokes refresh tokens when the password changes', async () => {
    await auth.ensureAdmin('first-password');
    const refresh = auth.issueRefreshToken((await meta.users.get('admin'))!);
    expect((await auth.redeemRefreshToken(refresh))?.name).toBe('admin');
    await auth.ensureAdmin('second-password');
    expect(await auth.redeemRefreshToken(refresh)).toBeUndefined();
  });

  it('never accepts a refresh token as an access token, nor a token for another service', async () => {
    await auth.ensureAdmin('pw');
    const refresh = auth.issueRefreshToken((await meta.users.get('admin'))!);
    expect(await auth.principal(`Bearer ${refresh}`)).toBe('invalid');
    const other = new AuthService(meta, tokens, { anonymousPull: false, service: 'elsewhere', tokenTtlSeconds: 300 });
    const foreign = other.issueAccessToken({ kind: 'user', name: 'admin', isAdmin: true }, [{ type: 'repository', name: 'a', actions: ['pull'] }]);
    expect(await auth.principal(`Bearer ${foreign.token}`)).toBe('invalid');
  });

  it('accepts an access token as the Basic password of its own subject, with no more than the token grants', async () => {
    const access = [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }];
    const issued = auth.issueAccessToken({ kind: 'token', name: 'run:ca1', access }, access);
    const principal = await auth.principal(basic('run:ca1', issued.token));
    expect(principal).toEqual({ kind: 'token', name: 'run:ca1', access });
    expect(auth.grant(principal as never, [{ type: 'repository', name: 'other', actions: ['pull'] }])).toEqual([]);
    expect(await auth.principal(basic('run:ca2', issued.token))).toBe('invalid');
  });

  it('grants anonymous callers pull only, and only when anonymous pull is on', () => {
    const wanted = [{ type: 'repository', name: 'app', actions: ['pull', 'push'] }];
    expect(auth.grant({ kind: 'anonymous' }, wanted)).toEqual([]);
    const open = new AuthService(meta, tokens, { anonymousPull: true, service: 'slipway', tokenTtlSeconds: 300 });
    expect(open.grant({ kind: 'anonymous' }, wanted)).toEqual([{ type: 'repository', name: 'app', actions: ['pull'] }]);
    expect(open.grant({ kind: 'anonymous' }, [{ type: 'registry', name: 'catalog', actions: ['*'] }])).toEqual([]);
  });

  it('grants anonymous callers pull, and only pull, inside the mirror namespace', () => {
    const mirror = new AuthService(meta, tokens, { anonymousPull: false, mirrorNamespace: 'library', service: 'slipway', tokenTtlSeconds: 300 });
    const ask = (name: string): Array<{ type: string; name: string; actions: string[] }> => [{ type: 'repository', name, actions: ['pull', 'push', 'delete'] }];
    expect(mirror.grant({ kind: 'anonymous' }, ask('library/busybox'))).toEqual([{ type: 'repository', name: 'library/busybox', actions: ['pull'] }]);
    expect(mirror.grant({ kind: 'anonymous' }, ask('team/app'))).toEqual([]);
    expect(mirror.grant({ kind: 'anonymous' }, ask('library'))).toEqual([]);
    const disabled = new AuthService(meta, tokens, { anonymousPull: false, mirrorNamespace: '', service: 'slipway', tokenTtlSeconds: 300 });
    expect(disabled.grant({ kind: 'anonymous' }, ask('library/busybox'))).toEqual([]);
  });

  it('rejects tampered and expired tokens', () => {
    const issued = auth.issueAccessToken({ kind: 'user', name: 'admin', isAdmin: true }, [{ type: 'repository', name: 'a', actions: ['pull'] }]);
    const [h, p, sig] = issued.token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), access: [{ type: 'repository', name: 'a', actions: ['*'] }] })).toString('base64url');
    expect(tokens.verify(`${h}.${forged}.${sig}`)).toBeUndefined();
    expect(tokens.verify(issued.token, Math.floor(Date.now() / 1000) + 301)).toBeUndefined();
    expect(tokens.verify(issued.token)).toMatchObject({ sub: 'admin' });
  });
});
