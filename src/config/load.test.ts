import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors/index.js';
import { loadConfig } from './load.js';

function configError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

describe('loadConfig', () => {
  it('applies schema defaults when nothing is given', () => {
    const { config } = loadConfig({ env: {} });
    expect(config.server.listen).toBe('127.0.0.1:5000');
    expect(config.dataDir).toBe(resolve('./.slipway'));
    expect(config.auth.anonymousPull).toBe(false);
  });

  it('lets env override the file and flags override env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-config-'));
    const file = join(dir, 'slipway.yaml');
    writeFileSync(file, 'version: 1\nserver:\n  listen: 127.0.0.1:6000\nauth:\n  anonymousPull: true\n');
    const fromFile = loadConfig({ env: {}, file }).config;
    expect(fromFile.server.listen).toBe('127.0.0.1:6000');
    expect(fromFile.auth.anonymousPull).toBe(true);
    const fromEnv = loadConfig({ env: { SLIPWAY_LISTEN: '127.0.0.1:7000', SLIPWAY_ANONYMOUS_PULL: 'false' }, file }).config;
    expect(fromEnv.server.listen).toBe('127.0.0.1:7000');
    expect(fromEnv.auth.anonymousPull).toBe(false);
    const fromFlag = loadConfig({ env: { SLIPWAY_LISTEN: '127.0.0.1:7000' }, file, overrides: { 'server.listen': '127.0.0.1:8000' } }).config;
    expect(fromFlag.server.listen).toBe('127.0.0.1:8000');
  });

  it('names the bad key of an invalid value', () => {
    const err = configError(() => loadConfig({ env: { SLIPWAY_LISTEN: 'nonsense' } }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.detail).toMatchObject({ key: 'server.listen' });
  });

  it('rejects unknown keys in the file, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-config-'));
    const file = join(dir, 'slipway.yaml');
    writeFileSync(file, 'version: 1\nserver:\n  lisen: 127.0.0.1:6000\n');
    const err = configError(() => loadConfig({ env: {}, file }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(JSON.stringify(err.detail)).toContain('server');
  });

  it('rejects a file that is not a mapping and a file version it does not know', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-config-'));
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    writeFileSync(join(dir, 'v2.yaml'), 'version: 2\n');
    expect(configError(() => loadConfig({ env: {}, file: join(dir, 'list.yaml') })).code).toBe('CONFIG_INVALID');
    expect(configError(() => loadConfig({ env: {}, file: join(dir, 'v2.yaml') })).detail).toMatchObject({ key: 'version' });
    expect(configError(() => loadConfig({ env: {}, file: join(dir, 'missing.yaml') })).code).toBe('CONFIG_INVALID');
  });

  it('warns about an unknown SLIPWAY_ variable, which is probably misspelt', () => {
    const { warnings } = loadConfig({ env: { SLIPWAY_LISTN: '127.0.0.1:1', SLIPWAY_ADMIN_PASSWORD: 'x' } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('SLIPWAY_LISTN');
  });

  it('returns a frozen configuration', () => {
    const { config } = loadConfig({ env: {} });
    expect(Object.isFrozen(config.server)).toBe(true);
  });
});
