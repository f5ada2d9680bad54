import { afterEach, describe, expect, it } from 'vitest';
import { buildTestServer, type TestServer } from '../../test/helpers/build-test-server.js';

describe('GET /healthz', () => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  it('answers 200 without credentials while the metadata store works', async () => {
    server = await buildTestServer();
    const res = await server.get('/healthz', { auth: false });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 once the metadata store is gone', async () => {
    server = await buildTestServer();
    await server.built.registry.meta.close();
    const res = await server.get('/healthz', { auth: false });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable' });
  });
});
