import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AuditLog, scrubDetail, type AuditEvent, type AuditStore } from './audit-log.js';

describe('audit log', () => {
  it('replaces secret-looking values at any depth and keeps the rest', () => {
    expect(scrubDetail({ name: 'x', password: 'p', nested: [{ token: 't', timer: 'daily' }], customHeaders: { A: 'b' }, serviceUri: 'http://h/?k=1' })).toEqual({
      name: 'x',
      password: '[set]',
      nested: [{ token: '[set]', timer: 'daily' }],
      customHeaders: '[set]',
      serviceUri: '[set]',
    });
  });

  it('records with the time and actor, and never throws when the store fails', async () => {
    const saved: Array<Omit<AuditEvent, 'id'>> = [];
    const store: AuditStore = { append: async (e) => void saved.push(e), list: async () => [] };
    const log = new AuditLog(store, pino({ level: 'silent' }), () => new Date('2026-01-01T00:00:00Z'));
    await log.record('admin', 'task.create', { kind: 'task', name: 'web' }, { secret: 's' });
    expect(saved).toEqual([{ at: '2026-01-01T00:00:00.000Z', actor: 'admin', action: 'task.create', target: { kind: 'task', name: 'web' }, detail: { secret: '[set]' } }]);
    const failing = new AuditLog({ append: async () => Promise.reject(new Error('disk full')), list: async () => [] }, pino({ level: 'silent' }));
    await expect(failing.record('admin', 'task.delete', { kind: 'task', name: 'web' })).resolves.toBeUndefined();
  });
});
