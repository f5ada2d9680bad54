import { describe, expect, it } from 'vitest';
import { decodeWebhookBody, parseWebhookPayload, type WebhookEvent } from './webhook-payload.js';
import type { WebhookProvider } from './webhook-signature.js';
import { SHA2, SHA3, ZERO, giteaPullRequest, giteaPush, githubPing, githubPullRequest, githubPush, gitlabMergeRequest, gitlabPush } from './webhook-samples.test-support.js';

function parse(provider: WebhookProvider, rawEvent: string, body: unknown): WebhookEvent {
  const parsed = parseWebhookPayload(provider, rawEvent, 'd-1', body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('normalising pushes', () => {
  it.each<[string, WebhookProvider, string, Record<string, unknown>]>([
    ['GitHub', 'github', 'push', githubPush()],
    ['GitLab', 'gitlab', 'Push Hook', gitlabPush()],
    ['Gitea', 'gitea', 'push', giteaPush()],
    ['Forgejo', 'forgejo', 'push', giteaPush()],
  ])('takes the newest commit of a %s push of three commits, whatever order its commit list is in', (_name, provider, rawEvent, body) => {
    expect(parse(provider, rawEvent, body)).toEqual({ provider, event: 'push', rawEvent, deliveryId: 'd-1', ref: 'refs/heads/main', branch: 'main', headCommit: SHA3, deleted: false });
  });

  it('tells tags and branch deletions apart from branch pushes', () => {
    expect(parse('github', 'push', githubPush({ ref: 'refs/tags/v1.0.0' }))).toMatchObject({ ref: 'refs/tags/v1.0.0', branch: null, headCommit: SHA3 });
    expect(parse('gitlab', 'Tag Push Hook', gitlabPush({ object_kind: 'tag_push', ref: 'refs/tags/v1' }))).toMatchObject({ event: 'push', branch: null });
    expect(parse('github', 'push', githubPush({ after: ZERO, deleted: true, head_commit: null }))).toMatchObject({ branch: 'main', deleted: true, headCommit: null });
    expect(parse('gitea', 'push', giteaPush({ after: ZERO }))).toMatchObject({ deleted: true, headCommit: null });
    expect(parse('gitlab', 'Push Hook', gitlabPush({ after: ZERO, checkout_sha: null }))).toMatchObject({ deleted: true, headCommit: null });
    expect(parse('github', 'push', githubPush({ ref: 'refs/heads/release/2.x' }))).toMatchObject({ branch: 'release/2.x' });
  });

  it('uses object_kind when GitLab sends no event header', () => {
    expect(parse('gitlab', '', gitlabPush())).toMatchObject({ event: 'push', headCommit: SHA3 });
  });

  it.each<[string, unknown, RegExp]>([
    ['an array', [githubPush()], /not a JSON object/],
    ['no ref', { ...githubPush(), ref: undefined }, /no ref/],
    ['no after', { ...githubPush(), after: undefined }, /"after" commit/],
    ['an after that is not a commit id', githubPush({ after: 'main' }), /not a commit id/],
  ])('refuses a push with %s', (_title, body, reason) => {
    expect(parseWebhookPayload('github', 'push', null, body)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('normalising pull requests', () => {
  it('reads a GitHub pull request from the same repository and from a fork', () => {
    expect(parse('github', 'pull_request', githubPullRequest('opened')).pullRequest).toEqual({ number: 42, action: 'opened', headSha: SHA2, headRepo: 'acme/app', baseBranch: 'main', isFork: false });
    expect(parse('github', 'pull_request', githubPullRequest('synchronize', { fork: true })).pullRequest).toMatchObject({ action: 'synchronize', headRepo: 'stranger/app', isFork: true });
  });

  it('counts a pull request whose fork was deleted as a fork', () => {
    const body = githubPullRequest('reopened');
    ((body['pull_request'] as Record<string, Record<string, unknown>>)['head'] as Record<string, unknown>)['repo'] = null;
    expect(parse('github', 'pull_request', body).pullRequest).toMatchObject({ action: 'reopened', headRepo: '', isFork: true });
  });

  it("maps Gitea's synchronized to synchronize and compares repo ids for forks", () => {
    expect(parse('gitea', 'pull_request', giteaPullRequest('synchronized')).pullRequest).toEqual({ number: 5, action: 'synchronize', headSha: SHA2, headRepo: 'acme/app', baseBranch: 'main', isFork: false });
    expect(parse('forgejo', 'pull_request_sync', giteaPullRequest('synchronized', { fork: true })).pullRequest).toMatchObject({ isFork: true });
  });

  it("reads GitLab merge requests: open, update with new commits, update of the title only, a fork's", () => {
    expect(parse('gitlab', 'Merge Request Hook', gitlabMergeRequest('open')).pullRequest).toEqual({ number: 7, action: 'opened', headSha: SHA2, headRepo: 'acme/app', baseBranch: 'main', isFork: false });
    expect(parse('gitlab', 'Merge Request Hook', gitlabMergeRequest('update', { oldrev: SHA3 })).pullRequest).toMatchObject({ action: 'synchronize' });
    expect(parse('gitlab', 'Merge Request Hook', gitlabMergeRequest('update')).pullRequest).toMatchObject({ action: 'update' });
    expect(parse('gitlab', 'Merge Request Hook', gitlabMergeRequest('reopen', { fork: true })).pullRequest).toMatchObject({ action: 'reopened', headRepo: 'stranger/app', isFork: true });
  });

  it('refuses a pull request without a number, head sha or base branch', () => {
    const noNumber = { ...githubPullRequest('opened'), number: undefined, pull_request: {} };
    expect(parseWebhookPayload('github', 'pull_request', null, noNumber)).toMatchObject({ ok: false });
    const noSha = githubPullRequest('opened', { headSha: 'x' });
    expect(parseWebhookPayload('github', 'pull_request', null, noSha)).toEqual({ ok: false, reason: 'pull request head sha is not a commit id' });
    const mr = gitlabMergeRequest('open');
    delete (mr['object_attributes'] as Record<string, unknown>)['target_branch'];
    expect(parseWebhookPayload('gitlab', 'Merge Request Hook', null, mr)).toEqual({ ok: false, reason: 'the payload has no merge request target_branch' });
  });
});

describe('other events and bodies', () => {
  it('recognises a ping and passes other events through by name', () => {
    expect(parse('github', 'ping', githubPing)).toMatchObject({ event: 'ping', ref: null, headCommit: null });
    expect(parse('github', 'issues', { action: 'opened' })).toMatchObject({ event: 'other', rawEvent: 'issues' });
    expect(parse('gitlab', 'Note Hook', { object_kind: 'note' })).toMatchObject({ event: 'other' });
  });

  it("decodes JSON bodies and GitHub's form-encoded payload=…", () => {
    const json = JSON.stringify(githubPush());
    expect(decodeWebhookBody(Buffer.from(json), 'application/json')).toEqual({ ok: true, json: githubPush() });
    const form = `payload=${encodeURIComponent(json)}`;
    expect(decodeWebhookBody(Buffer.from(form), 'application/x-www-form-urlencoded')).toEqual({ ok: true, json: githubPush() });
    expect(decodeWebhookBody(Buffer.from('a=b'), 'application/x-www-form-urlencoded')).toMatchObject({ ok: false });
    expect(decodeWebhookBody(Buffer.from('{"ref":'), 'application/json')).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
  });
});
