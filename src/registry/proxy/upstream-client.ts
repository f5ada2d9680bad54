import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { Errors } from '../../core/errors/index.js';
import { MANIFEST_MEDIA_TYPES, baseMediaType, digestAlgorithm, digestOf, isDigest, type Digest } from '../../oci/index.js';
import { TokenCache, basicAuthorization, parseTokenAnswer, tokenUrl, type UpstreamCredentials } from './upstream-auth.js';
import { UpstreamTimeout, networkError, statusError, upstreamError } from './upstream-errors.js';
import { preferredChallenge, type AuthChallenge } from './www-authenticate.js';

export interface UpstreamClientOptions {
  /** Base URL, `http(s)://host[:port]`, no path. */
  readonly url: string;
  readonly credentials: UpstreamCredentials;
  /** Longest silence on a connection (connect, answer, between body bytes). */
  readonly timeoutMs: number;
}

export interface UpstreamCallOptions {
  readonly signal: AbortSignal;
}

/** A manifest as the upstream sent it, its digest checked against the reference or Docker-Content-Digest. */
export interface UpstreamManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: Digest;
}

export interface UpstreamBlob {
  /** Content-Length, when the upstream sent one. */
  readonly sizeBytes: number | undefined;
  /** The body; fails when the upstream goes silent for the timeout or breaks off. */
  readonly stream: IncomingMessage;
}

const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 6;
/** Basic credentials do not expire; re-challenged once an hour anyway. */
const BASIC_TTL_SECONDS = 3600;

interface Call {
  readonly method: 'GET' | 'HEAD';
  readonly repo: string;
  /** `manifests/<ref>` or `blobs/<digest>`. */
  readonly path: string;
  readonly accept?: string;
  readonly signal: AbortSignal;
}

/**
 * A client of one upstream OCI registry: manifest GET/HEAD and blob GET, with the Docker token
 * flow (401 + `WWW-Authenticate: Bearer realm=…` → token from the realm → retry), tokens cached
 * per scope until they expire, and redirects followed (blobs often live on another host; the
 * Authorization header never leaves the upstream's origin). Errors are UPSTREAM_* catalog errors.
 */
export class UpstreamClient {
  readonly host: string;
  private readonly base: URL;
  private readonly tokens = new TokenCache();
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(private readonly options: UpstreamClientOptions) {
    this.base = new URL(options.url);
    this.host = this.base.host;
  }

  async getManifest(repo: string, ref: string, options: UpstreamCallOptions & { readonly maxBytes: number }): Promise<UpstreamManifest> {
    const res = await this.call({ method: 'GET', repo, path: `manifests/${ref}`, accept: MANIFEST_ACCEPT, signal: options.signal });
    const bytes = await this.readBody(res, options.maxBytes);
    const header = res.headers['docker-content-digest'];
    const expected = isDigest(ref) ? ref : typeof header === 'string' && isDigest(header) ? header : undefined;
    const digest = digestOf(bytes, expected === undefined ? 'sha256' : digestAlgorithm(expected));
    if (expected !== undefined && digest !== expected) throw upstreamError(Errors.UPSTREAM_INVALID, this.host, `manifest digest ${digest} is not ${expected}`);
    return { bytes, mediaType: baseMediaType(res.headers['content-type']), digest };
  }

  /** The digest a tag points at upstream, from Docker-Content-Digest; undefined when the upstream does not say. */
  async headManifest(repo: string, ref: string, options: UpstreamCallOptions): Promise<Digest | undefined> {
    const res = await this.call({ method: 'HEAD', repo, path: `manifests/${ref}`, accept: MANIFEST_ACCEPT, signal: options.signal });
    res.resume();
    const header = res.headers['docker-content-digest'];
    return typeof header === 'string' && isDigest(header) ? header : undefined;
  }

  /** Opens a blob's body; the caller must consume or destroy the stream. */
  async openBlob(repo: string, digest: Digest, options: UpstreamCallOptions): Promise<UpstreamBlob> {
    const res = await this.call({ method: 'GET', repo, path: `blobs/${digest}`, signal: options.signal });
    const length = Number(res.headers['content-length']);
    return { sizeBytes: Number.isSafeInteger(length) && length >= 0 ? length : undefined, stream: res };
  }

  /** Closes pooled connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async call(call: Call): Promise<IncomingMessage> {
    const scope = `repository:${call.repo}:pull`;
    let url = new URL(`/v2/${call.repo}/${call.path}`, this.base);
    let authorization = this.tokens.get(scope);
    let hasAnswered = false;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const isUpstream = url.origin === this.base.origin;
      const headers: OutgoingHttpHeaders = { 'user-agent': 'slipway-pull-through', ...(call.accept ? { accept: call.accept } : {}) };
      if (isUpstream && authorization !== undefined) headers.authorization = authorization;
      const res = await this.send(call.method, url, { headers, signal: call.signal });
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return res;
      res.resume();
      if (status === 401 && isUpstream && !hasAnswered) {
        this.tokens.delete(scope);
        authorization = await this.answer(preferredChallenge(res.headers['www-authenticate']), scope, call.signal);
        hasAnswered = true;
      } else if (REDIRECTS.has(status) && typeof res.headers.location === 'string') {
        url = new URL(res.headers.location, url);
      } else {
        throw statusError(this.host, status);
      }
    }
    throw upstreamError(Errors.UPSTREAM_INVALID, this.host, 'too many redirects');
  }

  /** The Authorization value that answers a 401's challenge, cached for the scope. */
  private async answer(challenge: AuthChallenge | undefined, scope: string, signal: AbortSignal): Promise<string> {
    const basic = basicAuthorization(this.options.credentials);
    if (challenge?.scheme === 'basic') {
      if (basic === undefined) throw upstreamError(Errors.UPSTREAM_DENIED, this.host, 'Basic credentials required, none configured');
      this.tokens.set(scope, basic, BASIC_TTL_SECONDS);
      return basic;
    }
    if (challenge === undefined) throw upstreamError(Errors.UPSTREAM_DENIED, this.host, 'HTTP 401 without a usable challenge');
    let realm: URL;
    try {
      realm = tokenUrl(challenge, scope);
    } catch (err) {
      throw upstreamError(Errors.UPSTREAM_INVALID, this.host, 'token realm is not a URL', err);
    }
    const res = await this.send('GET', realm, { headers: { 'user-agent': 'slipway-pull-through', ...(basic ? { authorization: basic } : {}) }, signal });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      res.resume();
      throw statusError(realm.host, status === 404 ? 502 : status);
    }
    let answer;
    try {
      answer = parseTokenAnswer(JSON.parse((await this.readBody(res, 1024 * 1024)).toString('utf8')));
    } catch (err) {
      throw upstreamError(Errors.UPSTREAM_INVALID, realm.host, 'token answer is not JSON', err);
    }
    if (!answer) throw upstreamError(Errors.UPSTREAM_INVALID, realm.host, 'token answer holds no token');
    const bearer = `Bearer ${answer.token}`;
    this.tokens.set(scope, bearer, answer.expiresInSeconds);
    return bearer;
  }

  private send(method: string, url: URL, options: { headers: OutgoingHttpHeaders; signal: AbortSignal }): Promise<IncomingMessage> {
    const { timeoutMs } = this.options;
    const isHttps = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      let response: IncomingMessage | undefined;
      const req = (isHttps ? https : http).request(url, {
        method,
        headers: options.headers,
        signal: options.signal,
        agent: isHttps ? this.agents.https : this.agents.http,
        timeout: timeoutMs,
      });
      // The socket timeout also covers the body: a stalled transfer fails instead of hanging.
      req.on('timeout', () => {
        const err = new UpstreamTimeout(timeoutMs);
        req.destroy(err);
        response?.destroy(networkError(url.host, err));
      });
      req.on('response', (res) => {
        response = res;
        resolve(res);
      });
      req.on('error', (err) => reject(networkError(url.host, err)));
      req.end();
    });
  }

  private async readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of res) {
        total += (chunk as Buffer).length;
        if (total > maxBytes) {
          res.destroy();
          throw upstreamError(Errors.UPSTREAM_INVALID, this.host, `body larger than ${maxBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      throw networkError(this.host, err);
    }
    return Buffer.concat(chunks);
  }
}
