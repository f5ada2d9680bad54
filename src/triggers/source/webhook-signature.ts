import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Who sent a webhook, told apart by its headers (docs/triggers.md). */
export type WebhookProvider = 'github' | 'gitlab' | 'gitea' | 'forgejo';

/** Request headers as node gives them: lower-case names. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * The provider a delivery comes from. Forgejo sends its own `X-Forgejo-*` headers and Gitea's;
 * Gitea sends `X-Gitea-*` and GitHub's `X-GitHub-Event`/`X-GitHub-Delivery` for compatibility;
 * so the most specific headers are looked at first. Undefined when none is present.
 */
export function detectProvider(headers: WebhookHeaders): WebhookProvider | undefined {
  if (header(headers, 'x-forgejo-event') !== undefined || header(headers, 'x-forgejo-signature') !== undefined) return 'forgejo';
  if (header(headers, 'x-gitea-event') !== undefined || header(headers, 'x-gitea-signature') !== undefined) return 'gitea';
  if (header(headers, 'x-gitlab-event') !== undefined || header(headers, 'x-gitlab-token') !== undefined) return 'gitlab';
  if (header(headers, 'x-github-event') !== undefined || header(headers, 'x-hub-signature-256') !== undefined) return 'github';
  return undefined;
}

/** The provider's name for the event (`push`, `Push Hook`, `pull_request`…), as sent. */
export function eventHeader(provider: WebhookProvider, headers: WebhookHeaders): string | undefined {
  switch (provider) {
    case 'github':
      return header(headers, 'x-github-event');
    case 'gitlab':
      return header(headers, 'x-gitlab-event');
    case 'gitea':
      return header(headers, 'x-gitea-event');
    case 'forgejo':
      return header(headers, 'x-forgejo-event') ?? header(headers, 'x-gitea-event');
  }
}

/**
 * The id the provider gives this delivery (the same on a manual redelivery for GitHub, on an
 * automatic retry for GitLab's `Idempotency-Key`); cut to 100 characters, since it is untrusted.
 */
export function deliveryIdOf(provider: WebhookProvider, headers: WebhookHeaders): string | null {
  const names: Record<WebhookProvider, readonly string[]> = {
    github: ['x-github-delivery'],
    gitlab: ['idempotency-key', 'x-gitlab-event-uuid'],
    gitea: ['x-gitea-delivery'],
    forgejo: ['x-forgejo-delivery', 'x-gitea-delivery'],
  };
  for (const name of names[provider]) {
    const value = header(headers, name);
    if (value !== undefined && value !== '') return value.slice(0, 100);
  }
  return null;
}

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function hmacHex(secret: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** Compares a hex signature with the expected MAC in constant time; false for anything not 64 hex digits. */
function hexMatches(given: string, expected: Buffer): boolean {
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

/** Equal strings in constant time whatever their lengths (both are hashed first). */
function sameSecret(given: string, secret: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/**
 * Checks a delivery against the task's webhook secret, over the body's raw bytes:
 * - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`;
 * - Gitea: `X-Gitea-Signature: <hex HMAC-SHA256>`; Forgejo: `X-Forgejo-Signature` (or Gitea's);
 * - GitLab: `X-Gitlab-Token` equal to the secret (GitLab does not sign bodies).
 * Every comparison is constant-time. An empty secret matches nothing.
 */
export function verifySignature(provider: WebhookProvider, headers: WebhookHeaders, body: Buffer, secret: string): SignatureCheck {
  if (secret === '') return { ok: false, reason: 'the task has no webhook secret' };
  if (provider === 'gitlab') {
    const token = header(headers, 'x-gitlab-token');
    if (token === undefined || token === '') return { ok: false, reason: 'no X-Gitlab-Token header' };
    return sameSecret(token, secret) ? { ok: true } : { ok: false, reason: 'X-Gitlab-Token does not match the webhook secret' };
  }
  const [name, signature] = signatureHeader(provider, headers);
  if (signature === undefined || signature === '') return { ok: false, reason: `no ${name} header` };
  const hex = provider === 'github' ? /^sha256=(.*)$/.exec(signature)?.[1] : signature;
  if (hex === undefined) return { ok: false, reason: `${name} is not "sha256=<hex>"` };
  return hexMatches(hex, hmacHex(secret, body)) ? { ok: true } : { ok: false, reason: `${name} does not match the body signed with the webhook secret` };
}

function signatureHeader(provider: Exclude<WebhookProvider, 'gitlab'>, headers: WebhookHeaders): [string, string | undefined] {
  switch (provider) {
    case 'github':
      return ['X-Hub-Signature-256', header(headers, 'x-hub-signature-256')];
    case 'gitea':
      return ['X-Gitea-Signature', header(headers, 'x-gitea-signature')];
    case 'forgejo':
      return ['X-Forgejo-Signature', header(headers, 'x-forgejo-signature') ?? header(headers, 'x-gitea-signature')];
  }
}

/** `sha256=<hex>` as GitHub sends it; for tests and for hooks that sign deliveries themselves. */
export function githubSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
