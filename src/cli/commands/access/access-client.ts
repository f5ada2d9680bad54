import type {
  ApiGeneratePasswordRequest,
  ApiScopeMap,
  ApiScopeMapCreateRequest,
  ApiScopeMapList,
  ApiScopeMapUpdateRequest,
  ApiToken,
  ApiTokenCreateRequest,
  ApiTokenList,
  ApiTokenUpdateRequest,
  ApiUser,
  ApiUserCreateRequest,
  ApiUserList,
  ApiUserApiToken,
  ApiUserApiTokenCreateRequest,
  ApiUserApiTokenList,
  ApiUserUpdateRequest,
  ApiUserWithPassword,
} from '../../../api/contract/access.js';
import { ApiClient } from '../../client/api-client.js';

const enc = encodeURIComponent;
const json = (body: object): { body: string; contentType: string } => ({ body: JSON.stringify(body), contentType: 'application/json' });

/** The /api/v1 access-management calls (users, scope maps, tokens), over the CLI's ApiClient. */
export class AccessClient extends ApiClient {
  static from(client: ApiClient): AccessClient {
    return new AccessClient(client.options);
  }

  listUsers(signal: AbortSignal): Promise<ApiUserList> {
    return this.json('GET', '/users', signal);
  }
  getUser(name: string, signal: AbortSignal): Promise<ApiUser> {
    return this.json('GET', `/users/${enc(name)}`, signal);
  }
  createUser(request: ApiUserCreateRequest, signal: AbortSignal): Promise<ApiUserWithPassword> {
    return this.json('POST', '/users', signal, json(request));
  }
  updateUser(name: string, request: ApiUserUpdateRequest, signal: AbortSignal): Promise<ApiUserWithPassword> {
    return this.json('PATCH', `/users/${enc(name)}`, signal, json(request));
  }
  async deleteUser(name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/users/${enc(name)}`, signal)).text();
  }

  listScopeMaps(signal: AbortSignal): Promise<ApiScopeMapList> {
    return this.json('GET', '/scope-maps', signal);
  }
  getScopeMap(name: string, signal: AbortSignal): Promise<ApiScopeMap> {
    return this.json('GET', `/scope-maps/${enc(name)}`, signal);
  }
  createScopeMap(request: ApiScopeMapCreateRequest, signal: AbortSignal): Promise<ApiScopeMap> {
    return this.json('POST', '/scope-maps', signal, json(request));
  }
  updateScopeMap(name: string, request: ApiScopeMapUpdateRequest, signal: AbortSignal): Promise<ApiScopeMap> {
    return this.json('PATCH', `/scope-maps/${enc(name)}`, signal, json(request));
  }
  async deleteScopeMap(name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/scope-maps/${enc(name)}`, signal)).text();
  }

  listTokens(signal: AbortSignal): Promise<ApiTokenList> {
    return this.json('GET', '/tokens', signal);
  }
  getToken(name: string, signal: AbortSignal): Promise<ApiToken> {
    return this.json('GET', `/tokens/${enc(name)}`, signal);
  }
  createToken(request: ApiTokenCreateRequest, signal: AbortSignal): Promise<ApiToken> {
    return this.json('POST', '/tokens', signal, json(request));
  }
  updateToken(name: string, request: ApiTokenUpdateRequest, signal: AbortSignal): Promise<ApiToken> {
    return this.json('PATCH', `/tokens/${enc(name)}`, signal, json(request));
  }
  async deleteToken(name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/tokens/${enc(name)}`, signal)).text();
  }
  generatePassword(name: string, request: ApiGeneratePasswordRequest, signal: AbortSignal): Promise<ApiToken> {
    return this.json('POST', `/tokens/${enc(name)}/generate-password`, signal, json(request));
  }

  listApiTokens(user: string, signal: AbortSignal): Promise<ApiUserApiTokenList> {
    return this.json('GET', `/users/${enc(user)}/api-tokens`, signal);
  }
  createApiToken(user: string, request: ApiUserApiTokenCreateRequest, signal: AbortSignal): Promise<ApiUserApiToken> {
    return this.json('POST', `/users/${enc(user)}/api-tokens`, signal, json(request));
  }
  async deleteApiToken(user: string, name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/users/${enc(user)}/api-tokens/${enc(name)}`, signal)).text();
  }
}
