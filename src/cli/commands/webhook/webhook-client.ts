import type { ApiAuditList } from '../../../api/contract/audit.js';
import type { ApiWebhook, ApiWebhookCallbackConfig, ApiWebhookCreateRequest, ApiWebhookCreated, ApiWebhookDeliveryList, ApiWebhookList, ApiWebhookPing, ApiWebhookUpdateRequest } from '../../../api/contract/webhooks.js';
import { ApiClient } from '../../client/api-client.js';

const enc = encodeURIComponent;
const json = (body: unknown): { body: string; contentType: string } => ({ body: JSON.stringify(body), contentType: 'application/json' });

/** The /webhooks and /audit calls, over the CLI's API client (same server, credentials, deadline). */
export class WebhookApi extends ApiClient {
  static from(client: ApiClient): WebhookApi {
    return new WebhookApi(client.options);
  }

  create(request: ApiWebhookCreateRequest, signal: AbortSignal): Promise<ApiWebhookCreated> {
    return this.json('POST', '/webhooks', signal, json(request));
  }

  list(signal: AbortSignal): Promise<ApiWebhookList> {
    return this.json('GET', '/webhooks', signal);
  }

  get(name: string, signal: AbortSignal): Promise<ApiWebhook> {
    return this.json('GET', `/webhooks/${enc(name)}`, signal);
  }

  update(name: string, request: ApiWebhookUpdateRequest, signal: AbortSignal): Promise<ApiWebhook> {
    return this.json('PATCH', `/webhooks/${enc(name)}`, signal, json(request));
  }

  async remove(name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/webhooks/${enc(name)}`, signal)).text();
  }

  ping(name: string, signal: AbortSignal): Promise<ApiWebhookPing> {
    return this.json('POST', `/webhooks/${enc(name)}/ping`, signal);
  }

  events(name: string, top: number | undefined, signal: AbortSignal): Promise<ApiWebhookDeliveryList> {
    return this.json('GET', `/webhooks/${enc(name)}/events${top === undefined ? '' : `?top=${top}`}`, signal);
  }

  config(name: string, signal: AbortSignal): Promise<ApiWebhookCallbackConfig> {
    return this.json('POST', `/webhooks/${enc(name)}/get-config`, signal);
  }

  audit(top: number | undefined, signal: AbortSignal): Promise<ApiAuditList> {
    return this.json('GET', `/audit${top === undefined ? '' : `?top=${top}`}`, signal);
  }
}
