import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryIdOf, detectProvider, githubSignature, verifySignature, type WebhookHeaders } from './webhook-signature.js';

const SECRET = 'whsec-test-0123';
const BODY = Buffer.from('{"ref":"refs/heads/main"}');
const hex = (secret: string, body: Buffer): string => createHmac('sha256', secret).update(body).digest('hex');

describe('detecting the provider', () => {
  it.each<[string, WebhookHeaders, string | undefined]>([
    ['GitHub by its event header', { 'x-github-event': 'push', 'x-github-delivery': 'd1' }, 'github'],
    ['GitHub by its signature alone', { 'x-hub-signature-256': 'sha256=00' }, 'github'],
    ['GitLab by its event header', { 'x-gitlab-event': 'Push Hook' }, 'gitlab'],
    ['GitLab by its token alone', { 'x-gitlab-token': 's' }, 'gitlab'],
    // Gitea also sends X-GitHub-Event for compatibility: its own headers win.
    ['Gitea, which also sends GitHub headers', { 'x-gitea-event': 'push', 'x-github-event': 'push', 'x-gitea-signature': 'ab' }, 'gitea'],
    // Forgejo sends X-Forgejo-* and Gitea's headers.
    ['Forgejo, which also sends Gitea headers', { 'x-forgejo-event': 'push', 'x-gitea-event': 'push', 'x-github-event': 'push' }, 'forgejo'],
    ['nothing known', { 'content-type': 'application/json' }, undefined],
  ])('recognises %s', (_title, headers, provider) => {
    expect(detectProvider(headers)).toBe(provider);
  });

  it("reads each provider's delivery id, preferring GitLab's Idempotency-Key, and cuts long ones", () => {
    expect(deliveryIdOf('github', { 'x-github-delivery': 'gh-1' })).toBe('gh-1');
    expect(deliveryIdOf('gitlab', { 'x-gitlab-event-uuid': 'ev-1', 'idempotency-key': 'idem-1' })).toBe('idem-1');
    expect(deliveryIdOf('gitlab', { 'x-gitlab-event-uuid': 'ev-1' })).toBe('ev-1');
    expect(deliveryIdOf('gitea', { 'x-gitea-delivery': 'gt-1' })).toBe('gt-1');
    expect(deliveryIdOf('forgejo', { 'x-gitea-delivery': 'gt-2' })).toBe('gt-2');
    expect(deliveryIdOf('github', {})).toBeNull();
    expect(deliveryIdOf('github', { 'x-github-delivery': 'x'.repeat(500) })).toHaveLength(100);
  });
});

describe('verifying signatures', () => {
  it('accepts GitHub\'s "sha256=<hex HMAC-SHA256 of the raw body>" and refuses a wrong or missing one', () => {
    expect(verifySignature('github', { 'x-hub-signature-256': githubSignature(SECRET, BODY) }, BODY, SECRET)).toEqual({ ok: true });
    expect(verifySignature('github', { 'x-hub-signature-256': `sha256=${hex(SECRET, BODY).toUpperCase()}` }, BODY, SECRET)).toEqual({ ok: true });
    expect(verifySignature('github', { 'x-hub-signature-256': githubSignature('other', BODY) }, BODY, SECRET)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(verifySignature('github', { 'x-hub-signature-256': githubSignature(SECRET, BODY) }, Buffer.from(`${BODY.toString()} `), SECRET).ok).toBe(false);
    expect(verifySignature('github', { 'x-hub-signature-256': hex(SECRET, BODY) }, BODY, SECRET)).toMatchObject({ ok: false, reason: expect.stringMatching(/sha256=/) });
    expect(verifySignature('github', { 'x-hub-signature-256': 'sha256=abc' }, BODY, SECRET).ok).toBe(false);
    expect(verifySignature('github', { 'x-github-event': 'push' }, BODY, SECRET)).toMatchObject({ ok: false, reason: 'no X-Hub-Signature-256 header' });
  });

  it('accepts Gitea and Forgejo hex signatures without a prefix', () => {
    expect(verifySignature('gitea', { 'x-gitea-signature': hex(SECRET, BODY) }, BODY, SECRET)).toEqual({ ok: true });
    expect(verifySignature('gitea', { 'x-gitea-signature': `sha256=${hex(SECRET, BODY)}` }, BODY, SECRET).ok).toBe(false);
    expect(verifySignature('forgejo', { 'x-forgejo-signature': hex(SECRET, BODY) }, BODY, SECRET)).toEqual({ ok: true });
    expect(verifySignature('forgejo', { 'x-gitea-signature': hex(SECRET, BODY) }, BODY, SECRET)).toEqual({ ok: true });
    expect(verifySignature('forgejo', { 'x-forgejo-signature': hex('nope', BODY) }, BODY, SECRET).ok).toBe(false);
    expect(verifySignature('gitea', {}, BODY, SECRET)).toMatchObject({ ok: false, reason: 'no X-Gitea-Signature header' });
  });

  it("accepts GitLab's token only when it equals the secret", () => {
    expect(verifySignature('gitlab', { 'x-gitlab-token': SECRET }, BODY, SECRET)).toEqual({ ok: true });
    expect(verifySignature('gitlab', { 'x-gitlab-token': `${SECRET}x` }, BODY, SECRET).ok).toBe(false);
    expect(verifySignature('gitlab', { 'x-gitlab-token': SECRET.slice(0, 4) }, BODY, SECRET).ok).toBe(false);
    expect(verifySignature('gitlab', {}, BODY, SECRET)).toMatchObject({ ok: false, reason: 'no X-Gitlab-Token header' });
  });

  it('matches nothing when the task has no secret', () => {
    expect(verifySignature('github', { 'x-hub-signature-256': githubSignature('', BODY) }, BODY, '').ok).toBe(false);
    expect(verifySignature('gitlab', { 'x-gitlab-token': '' }, BODY, '').ok).toBe(false);
  });
});
