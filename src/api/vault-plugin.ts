import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, Errors } from '../core/errors/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { Action } from '../auth/scope.js';
import type { Identity, SecretSummary, SecretVersion, Vault, VaultPolicy, VaultService } from '../vault/index.js';
import { authorize, sendError } from './api-plugin.js';
import { ApiAccess } from '../auth/roles.js';
import type { ApiIdentity, ApiPolicy, ApiSecret, ApiSecretPermission, ApiSecretValue, ApiVault } from './contract/vault.js';

export interface VaultPluginOptions {
  readonly auth: AuthService;
  readonly vault: VaultService;
}

/**
 * Who may: changing vaults, secrets, identities and policies, and revealing a value, grants
 * access to secrets: Owner (`api:access:write`). Reading names and metadata (never values):
 * Reader and up (`api:builds:read`), so contributors can see which identities and secrets
 * their tasks may use.
 */
const WRITE_SCOPE = ApiAccess.accessWrite;
const READ_SCOPE = ApiAccess.buildsRead;

const vaultView = (v: Vault): ApiVault => ({ name: v.name, createdTime: v.createdAt, lastUpdateTime: v.updatedAt });
const policyView = (p: VaultPolicy): ApiPolicy => ({ vault: p.vault, identity: p.identity, secretPermissions: [...p.secretPermissions], lastUpdateTime: p.updatedAt });
const identityView = (i: Identity): ApiIdentity => ({ name: i.name, description: i.description, createdTime: i.createdAt });

function secretView(s: SecretVersion | SecretSummary): ApiSecret {
  const summary = 'versionCount' in s ? { createdTime: s.firstCreatedAt, versions: s.versionCount } : { createdTime: s.createdAt };
  return { vault: s.vault, name: s.name, version: s.version, contentType: s.contentType, lastUpdateTime: s.createdAt, ...summary };
}

function param(request: FastifyRequest, key: 'vault' | 'secret' | 'identity'): string {
  return (request.params as Record<string, string>)[key] ?? '';
}

function body(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new AppError(Errors.REQUEST_INVALID, { message: 'the body must be a JSON object' });
  return b as Record<string, unknown>;
}

function text(b: Record<string, unknown>, field: string, isRequired: boolean): string | null {
  const value = b[field];
  if (value === undefined || value === null) {
    if (isRequired) throw new AppError(Errors.REQUEST_INVALID, { message: `${field} is required`, detail: { field } });
    return null;
  }
  if (typeof value !== 'string') throw new AppError(Errors.REQUEST_INVALID, { message: `${field} must be a string`, detail: { field } });
  return value;
}

function permissions(b: Record<string, unknown>): string[] {
  const value = b.secretPermissions;
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string')) throw new AppError(Errors.REQUEST_INVALID, { message: 'secretPermissions must be a list of get, list', detail: { field: 'secretPermissions' } });
  return value as string[];
}

/** Vaults, secrets (values only with `?reveal=true`), identities and policies; errors in the API envelope. */
export async function vaultPlugin(app: FastifyInstance, { auth, vault }: VaultPluginOptions): Promise<void> {
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));

  app.post('/vaults', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    const name = text(body(request), 'name', true)!;
    return reply.code(201).send(vaultView(await vault.createVault(name)));
  });
  app.get('/vaults', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    return { vaults: (await vault.listVaults()).map(vaultView) };
  });
  app.get('/vaults/:vault', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    const found = await vault.getVault(param(request, 'vault'));
    return { ...vaultView(found.vault), policies: found.policies.map(policyView) };
  });
  app.delete('/vaults/:vault', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    await vault.deleteVault(param(request, 'vault'));
    return reply.code(204).send();
  });

  registerSecretRoutes(app, { auth, vault });
  registerAccessRoutes(app, { auth, vault });
}

function registerSecretRoutes(app: FastifyInstance, { auth, vault }: VaultPluginOptions): void {
  app.put('/vaults/:vault/secrets/:secret', async (request) => {
    await authorize(request, auth, WRITE_SCOPE);
    const b = body(request);
    const value = text(b, 'value', true)!;
    return secretView(await vault.setSecret(param(request, 'vault'), param(request, 'secret'), value, text(b, 'contentType', false)));
  });
  app.get('/vaults/:vault/secrets', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    return { secrets: (await vault.listSecrets(param(request, 'vault'))).map(secretView) };
  });
  app.get('/vaults/:vault/secrets/:secret/versions', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    return { versions: (await vault.secretVersions(param(request, 'vault'), param(request, 'secret'))).map(secretView) };
  });
  app.get('/vaults/:vault/secrets/:secret', async (request): Promise<ApiSecret | ApiSecretValue> => {
    const query = request.query as { reveal?: string; version?: string };
    const isReveal = query.reveal === 'true';
    await authorize(request, auth, isReveal ? WRITE_SCOPE : READ_SCOPE);
    const [vaultName, name] = [param(request, 'vault'), param(request, 'secret')];
    if (!isReveal) {
      const versions = await vault.secretVersions(vaultName, name);
      const current = versions[0]!;
      return { ...secretView(current), createdTime: versions[versions.length - 1]!.createdAt, versions: versions.length };
    }
    const { meta, value } = await vault.reveal(vaultName, name, query.version ?? null);
    return { ...secretView(meta), value };
  });
  app.delete('/vaults/:vault/secrets/:secret', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    await vault.deleteSecret(param(request, 'vault'), param(request, 'secret'));
    return reply.code(204).send();
  });
}

function registerAccessRoutes(app: FastifyInstance, { auth, vault }: VaultPluginOptions): void {
  app.get('/vaults/:vault/policies', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    return { policies: (await vault.listPolicies(param(request, 'vault'))).map(policyView) };
  });
  app.put('/vaults/:vault/policies/:identity', async (request) => {
    await authorize(request, auth, WRITE_SCOPE);
    const policy = await vault.setPolicy(param(request, 'vault'), param(request, 'identity'), permissions(body(request)));
    return policy === null ? { vault: param(request, 'vault'), identity: param(request, 'identity'), secretPermissions: [] as ApiSecretPermission[], lastUpdateTime: null } : policyView(policy);
  });
  app.delete('/vaults/:vault/policies/:identity', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    await vault.setPolicy(param(request, 'vault'), param(request, 'identity'), []);
    return reply.code(204).send();
  });
  app.post('/identities', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    const b = body(request);
    return reply.code(201).send(identityView(await vault.createIdentity(text(b, 'name', true)!, text(b, 'description', false))));
  });
  app.get('/identities', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    return { identities: (await vault.listIdentities()).map(identityView) };
  });
  app.get('/identities/:identity', async (request): Promise<ApiIdentity> => {
    await authorize(request, auth, READ_SCOPE);
    const found = await vault.getIdentity(param(request, 'identity'));
    return { ...identityView(found.identity), policies: found.policies.map(policyView) };
  });
  app.delete('/identities/:identity', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    await vault.deleteIdentity(param(request, 'identity'));
    return reply.code(204).send();
  });
}
