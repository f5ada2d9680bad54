import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, pushImage, uniqueRepo, type Response, type TestServer } from '../helpers/build-test-server.js';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { verifySignature } from '../../src/webhooks/webhook-signature.js';
import type { ApiWebhook, ApiWebhookCreated, ApiWebhookDeliveryList } from '../../src/api/contract/webhooks.js';
import type { ApiAuditList } from '../../src/api/contract/audit.js';

let server: TestServer;
let receiver: WebhookReceiver;

beforeEach(async () => {
  server = await buildTestServer();
  receiver = await startReceiver();
});

afterEach(async () => {
  await receiver.close();
  await server.close();
});

const apiCode = (res: Response): string | undefined => res.json<{ error?: { code: string } }>().error?.code;

async function createWebhook(body: Record<string, unknown>): Promise<ApiWebhookCreated> {
  const res = await server.request({ method: 'POST', url: '/api/v1/webhooks', payload: { serviceUri: receiver.url, actions: ['push', 'delete'], ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ApiWebhookCreated>();
}

interface Received {
  readonly action: string;
  readonly target?: { repository: string; tag?: string; digest: string };
}

const bodies = (): Received[] => receiver.received.map((d) => JSON.parse(d.body) as Received);

describe('registry webhooks over HTTP', () => {
  it('delivers a correctly signed push event in ACR shape, then a delete event', async () => {
    const created = await createWebhook({ name: 'pushhook', customHeaders: { Authorization: 'Basic c2VjcmV0' } });
    expect(created.signingSecret).toMatch(/^whsec_/);
    const repo = uniqueRepo('hooks');
    const image = await pushImage(server, repo, { tag: 'v1' });
    await server.built.webhooks.drain();

    expect(bodies()).toEqual([expect.objectContaining({ action: 'push', target: expect.objectContaining({ repository: repo, tag: 'v1', digest: image.digest }) })]);
    const [delivery] = receiver.received;
    expect(delivery?.headers.authorization).toBe('Basic c2VjcmV0');
    const timestamp = delivery?.headers['x-slipway-timestamp'] as string;
    expect(verifySignature({ secret: created.signingSecret, timestamp, signature: delivery?.headers['x-slipway-signature'] as string, body: delivery?.body ?? '', nowSeconds: Math.floor(Date.now() / 1000) })).toBe(true);

    expect((await server.delete(`/api/v1/repositories/${encodeURIComponent(repo)}/manifests/${image.digest}`)).statusCode).toBe(204);
    await server.built.webhooks.drain();
    expect(bodies().map((b) => b.action)).toEqual(['push', 'delete']);

    const events = (await server.get('/api/v1/webhooks/pushhook/events')).json<ApiWebhookDeliveryList>();
    expect(events.deliveries.map((d) => [d.action, d.image, d.attempt, d.statusCode])).toEqual([
      ['delete', `${repo}@${image.digest}`, 1, 200],
      ['push', `${repo}:v1`, 1, 200],
    ]);
  });

  it('does not send an untag as a delete, nor events outside the scope or actions', async () => {
    await createWebhook({ name: 'scopehook', scope: 'wanted/*:*', actions: ['push'] });
    const wanted = uniqueRepo('wanted');
    await pushImage(server, uniqueRepo('other'), { tag: 'v1' });
    await pushImage(server, wanted, { tag: 'v2' });
    expect((await server.delete(`/api/v1/repositories/${encodeURIComponent(wanted)}/tags/v2`)).statusCode).toBe(204);
    await server.built.webhooks.drain();
    expect(bodies().map((b) => [b.action, b.target?.repository])).toEqual([['push', wanted]]);
    const shown = (await server.get('/api/v1/webhooks/scopehook')).json<ApiWebhook>();
    expect(shown.backlog).toBe(0);
  });

  it('sends nothing to a disabled webhook, refuses to ping it, and starts afresh when it is enabled again', async () => {
    await createWebhook({ name: 'quiethook', status: 'disabled' });
    await pushImage(server, uniqueRepo('quiet'), { tag: 'v1' });
    await server.built.webhooks.drain();
    expect(receiver.received).toHaveLength(0);
    const ping = await server.request({ method: 'POST', url: '/api/v1/webhooks/quiethook/ping' });
    expect([ping.statusCode, apiCode(ping)]).toEqual([409, 'WEBHOOK_DISABLED']);

    expect((await server.request({ method: 'PATCH', url: '/api/v1/webhooks/quiethook', payload: { status: 'enabled' } })).statusCode).toBe(200);
    await server.built.webhooks.drain();
    expect(receiver.received).toHaveLength(0);
  });

  it('delivers a ping to its webhook only, recorded in list-events', async () => {
    await createWebhook({ name: 'pinghook1' });
    const other = await startReceiver();
    try {
      await server.request({ method: 'POST', url: '/api/v1/webhooks', payload: { name: 'pinghook2', serviceUri: other.url, actions: ['push'] } });
      const res = await server.request({ method: 'POST', url: '/api/v1/webhooks/pinghook1/ping' });
      expect(res.statusCode).toBe(200);
      await server.built.webhooks.drain();
      expect(bodies()).toEqual([expect.objectContaining({ action: 'ping', id: res.json<{ id: string }>().id })]);
      expect(other.received).toHaveLength(0);
      const events = (await server.get('/api/v1/webhooks/pinghook1/events')).json<ApiWebhookDeliveryList>();
      expect(events.deliveries.map((d) => [d.action, d.statusCode])).toEqual([['ping', 200]]);
    } finally {
      await other.close();
    }
  });

  it('never shows the signing secret or header values again; get-config shows the URI and header names only', async () => {
    await createWebhook({ name: 'secrethook', customHeaders: { Authorization: 'Bearer very-secret' } });
    const shown = await server.get('/api/v1/webhooks/secrethook');
    const listed = await server.get('/api/v1/webhooks');
    for (const res of [shown, listed]) {
      expect(res.body).not.toContain('very-secret');
      expect(res.body).not.toContain('whsec_');
      expect(res.body).not.toContain(receiver.url);
    }
    expect(shown.json<ApiWebhook>().customHeaderNames).toEqual(['Authorization']);
    const config = await server.request({ method: 'POST', url: '/api/v1/webhooks/secrethook/get-config' });
    expect(config.json()).toEqual({ serviceUri: receiver.url, customHeaders: { Authorization: '******' } });
  });

  it('refuses bad definitions with WEBHOOK_INVALID, a taken name with WEBHOOK_EXISTS, and an unknown one with WEBHOOK_NOT_FOUND', async () => {
    const bad = [
      { name: 'filehook', serviceUri: 'file:///etc/passwd', actions: ['push'] },
      { name: 'userhook', serviceUri: 'http://u:p@127.0.0.1:1/', actions: ['push'] },
      { name: 'bad-name', serviceUri: receiver.url, actions: ['push'] },
      { name: 'actionhook', serviceUri: receiver.url, actions: ['pull'] },
      { name: 'scopehook', serviceUri: receiver.url, actions: ['push'], scope: 'a:b:c' },
      { name: 'headerhook', serviceUri: receiver.url, actions: ['push'], customHeaders: { 'X-Slipway-Signature': 'x' } },
    ];
    for (const payload of bad) {
      const res = await server.request({ method: 'POST', url: '/api/v1/webhooks', payload });
      expect([payload.name, res.statusCode, apiCode(res)]).toEqual([payload.name, 400, 'WEBHOOK_INVALID']);
    }
    await createWebhook({ name: 'takenhook' });
    const again = await server.request({ method: 'POST', url: '/api/v1/webhooks', payload: { name: 'takenhook', serviceUri: receiver.url, actions: ['push'] } });
    expect([again.statusCode, apiCode(again)]).toEqual([409, 'WEBHOOK_EXISTS']);
    const missing = await server.get('/api/v1/webhooks/nosuchhook');
    expect([missing.statusCode, apiCode(missing)]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
    expect((await server.delete('/api/v1/webhooks/takenhook')).statusCode).toBe(204);
    expect((await server.delete('/api/v1/webhooks/takenhook')).statusCode).toBe(404);
  });

  it('needs credentials', async () => {
    const res = await server.get('/api/v1/webhooks', { auth: false });
    expect([res.statusCode, apiCode(res)]).toEqual([401, 'AUTH_REQUIRED']);
  });

  it('records webhook and task changes in the audit log, without secret values', async () => {
    await createWebhook({ name: 'audithook', customHeaders: { Authorization: 'Bearer audit-secret' } });
    await server.request({ method: 'PATCH', url: '/api/v1/webhooks/audithook', payload: { scope: 'web:*', customHeaders: { 'X-Token': 'other-secret' } } });
    await server.request({ method: 'POST', url: '/api/v1/webhooks/audithook/get-config' });
    await server.delete('/api/v1/webhooks/audithook');
    const task = await server.request({ method: 'POST', url: '/api/v1/tasks', payload: { name: 'audittask', contextPath: '/dev/null', taskFile: 'version: v1.1.0\nsteps:\n  - cmd: busybox echo hi\n' } });
    expect(task.statusCode, task.body).toBe(201);
    const cred = await server.request({ method: 'POST', url: '/api/v1/tasks/audittask/credentials', payload: { loginServer: 'registry.example.invalid', username: 'bot', password: 'cred-secret' } });
    expect(cred.statusCode, cred.body).toBe(201);
    expect((await server.delete('/api/v1/tasks/audittask')).statusCode).toBe(204);
    const res = await server.get('/api/v1/audit?top=10');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('audit-secret');
    expect(res.body).not.toContain('other-secret');
    expect(res.body).not.toContain('cred-secret');
    expect(res.body).not.toContain(receiver.url);
    const events = res.json<ApiAuditList>().events;
    const expected = [
      ['webhook.delete', 'audithook'],
      ['webhook.get-config', 'audithook'],
      ['webhook.update', 'audithook'],
      ['webhook.create', 'audithook'],
    ];
    expected.unshift(['task.delete', 'audittask'], ['task.credential.add', 'audittask'], ['task.create', 'audittask']);
    expect(events.map((e) => [e.action, e.target.name])).toEqual(expected);
    expect(events.every((e) => e.actor === 'admin')).toBe(true);
    expect(events.find((e) => e.action === 'webhook.update')?.detail).toEqual({ scope: 'web:*', customHeaderNames: ['X-Token'] });
    const anonymous = await server.get('/api/v1/audit', { auth: false });
    expect(anonymous.statusCode).toBe(401);
  });
});
