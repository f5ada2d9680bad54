import { describe, expect, it } from 'vitest';
import { renderTemplate, resolveImageName, runDate } from './image-names.js';

const ctx = { runId: 'ca7', date: new Date('2026-03-01T12:00:05.123Z'), registry: '127.0.0.1:5000' };

describe('image names', () => {
  it('formats {{.Run.Date}} as ACR does', () => {
    expect(runDate(ctx.date)).toBe('20260301-120005z');
  });

  it('renders every template form', () => {
    expect(renderTemplate('{{.Run.Registry}}/app:{{.Run.ID}}-{{.Run.Date}}', ctx)).toBe('127.0.0.1:5000/app:ca7-20260301-120005z');
    expect(renderTemplate('$Registry/a:$ID', ctx)).toBe('127.0.0.1:5000/a:ca7');
    expect(renderTemplate('$RegistryName/a', ctx)).toBe('127.0.0.1:5000/a');
  });

  it('puts names without a registry host into Slipway and defaults the tag to latest', () => {
    expect(resolveImageName('team/app', ctx)).toEqual({ registry: '127.0.0.1:5000', repository: 'team/app', tag: 'latest', reference: '127.0.0.1:5000/team/app:latest', isOwn: true });
    expect(resolveImageName('localhost:6000/app:v1', ctx)).toMatchObject({ registry: 'localhost:6000', isOwn: false });
  });

  it('shows the public host (server.publicUrl) while the engine pushes to the address it reaches', () => {
    const pub = { ...ctx, publicRegistry: 'slipway.example.invalid' };
    expect(renderTemplate('{{.Run.Registry}}/app:$ID', pub)).toBe('slipway.example.invalid/app:ca7');
    for (const name of ['app:v1', 'slipway.example.invalid/app:v1', '127.0.0.1:5000/app:v1', '{{.Run.Registry}}/app:v1']) {
      expect(resolveImageName(name, pub), name).toEqual({ registry: 'slipway.example.invalid', repository: 'app', tag: 'v1', reference: '127.0.0.1:5000/app:v1', isOwn: true });
    }
    expect(resolveImageName('other.example.invalid/app:v1', pub)).toMatchObject({ registry: 'other.example.invalid', reference: 'other.example.invalid/app:v1', isOwn: false });
  });

  it('rejects invalid names and digests', () => {
    expect(resolveImageName('Upper/Case', ctx)).toBeUndefined();
    expect(resolveImageName(`app@sha256:${'a'.repeat(64)}`, ctx)).toBeUndefined();
  });
});
