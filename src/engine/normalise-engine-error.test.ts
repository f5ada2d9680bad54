import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors/index.js';
import { EngineError } from './engine-error.js';
import { normaliseEngineError } from './normalise-engine-error.js';

const ctx = { backend: 'docker', operation: 'images.build' };

describe('normaliseEngineError', () => {
  it('maps adapter kinds to ENGINE_* codes and keeps the detail', () => {
    const err = normaliseEngineError(new EngineError('BUILD_FAILED', 'exit code: 7', { detail: { log: ['x'] } }), ctx);
    expect(err.code).toBe('ENGINE_BUILD_FAILED');
    expect(err.detail).toEqual({ backend: 'docker', operation: 'images.build', log: ['x'] });
    expect(normaliseEngineError(new EngineError('NOT_FOUND', 'no such image'), ctx).code).toBe('ENGINE_NOT_FOUND');
    expect(normaliseEngineError(new EngineError('PUSH_FAILED', 'denied'), ctx).code).toBe('ENGINE_PUSH_FAILED');
  });

  it('maps a refused or missing socket to ENGINE_UNAVAILABLE', () => {
    for (const code of ['ENOENT', 'ECONNREFUSED']) {
      expect(normaliseEngineError(Object.assign(new Error('connect'), { code }), ctx).code).toBe('ENGINE_UNAVAILABLE');
    }
  });

  it('reports ENGINE_CANCELLED when the caller aborted, whatever the transport said', () => {
    const controller = new AbortController();
    controller.abort();
    const err = normaliseEngineError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { ...ctx, signal: controller.signal });
    expect(err.code).toBe('ENGINE_CANCELLED');
  });

  it('reports ENGINE_TIMEOUT when a timeout signal fired', () => {
    const controller = new AbortController();
    controller.abort(new DOMException('deadline', 'TimeoutError'));
    expect(normaliseEngineError(new Error('aborted'), { ...ctx, signal: controller.signal }).code).toBe('ENGINE_TIMEOUT');
  });

  it('passes AppErrors through and turns anything else into ENGINE_FAILED', () => {
    const app = normaliseEngineError(new EngineError('CONFLICT', 'in use'), ctx);
    expect(normaliseEngineError(app, ctx)).toBe(app);
    const other = normaliseEngineError(new TypeError('bug'), ctx);
    expect(other).toBeInstanceOf(AppError);
    expect(other.code).toBe('ENGINE_FAILED');
  });
});
