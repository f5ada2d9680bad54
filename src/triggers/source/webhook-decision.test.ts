import { describe, expect, it } from 'vitest';
import type { SourceTrigger } from '../../tasks/task-model.js';
import { decideWebhook } from './webhook-decision.js';
import { parseWebhookPayload, type WebhookEvent } from './webhook-payload.js';
import type { WebhookProvider } from './webhook-signature.js';
import { SHA2, SHA3, ZERO, githubPing, githubPullRequest, githubPush, gitlabMergeRequest, gitlabPush } from './webhook-samples.test-support.js';

const source: SourceTrigger = { name: 'src', status: 'Enabled', repositoryUrl: 'https://git.example.invalid/acme/app.git#main', branch: 'main', events: ['commit', 'pullrequest'], allowForks: false, pollIntervalSeconds: null };

function event(provider: WebhookProvider, rawEvent: string, body: unknown): WebhookEvent {
  const parsed = parseWebhookPayload(provider, rawEvent, 'd-1', body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('deciding what a delivery does', () => {
  it("builds the newest commit of a push to the trigger's branch, keyed by the commit", () => {
    const expected = { action: 'trigger', cause: { kind: 'Commit', dedupeKey: `commit:${SHA3}`, commit: SHA3, branch: 'main' } };
    expect(decideWebhook(event('github', 'push', githubPush()), source)).toEqual(expected);
    expect(decideWebhook(event('gitlab', 'Push Hook', gitlabPush()), source)).toEqual(expected);
  });

  it('ignores pushes to another branch, tags and deleted branches, saying why', () => {
    expect(decideWebhook(event('github', 'push', githubPush({ ref: 'refs/heads/dev' })), source)).toEqual({ action: 'ignore', kind: 'Commit', reason: 'push to branch dev, not main', status: 202 });
    expect(decideWebhook(event('github', 'push', githubPush({ ref: 'refs/heads/main-old' })), source)).toMatchObject({ action: 'ignore' });
    expect(decideWebhook(event('github', 'push', githubPush({ ref: 'refs/tags/v1' })), source)).toMatchObject({ action: 'ignore', reason: 'push to refs/tags/v1 is not a branch push' });
    expect(decideWebhook(event('github', 'push', githubPush({ after: ZERO, deleted: true })), source)).toMatchObject({ action: 'ignore', reason: 'branch main was deleted' });
  });

  it('builds the head of a pull request into the branch, keyed by number and head; TaskService judges forks', () => {
    expect(decideWebhook(event('github', 'pull_request', githubPullRequest('synchronize', { fork: true })), source)).toEqual({
      action: 'trigger',
      cause: { kind: 'PullRequest', dedupeKey: `pr:42:${SHA2}`, commit: SHA2, branch: 'main', pullRequest: { number: 42, headRepository: 'stranger/app', isFork: true } },
    });
    expect(decideWebhook(event('gitlab', 'Merge Request Hook', gitlabMergeRequest('update', { oldrev: SHA3 })), source)).toMatchObject({ action: 'trigger', cause: { dedupeKey: `pr:7:${SHA2}` } });
  });

  it('ignores closed pull requests, title edits and pull requests into other branches', () => {
    expect(decideWebhook(event('github', 'pull_request', githubPullRequest('closed')), source)).toMatchObject({ action: 'ignore', kind: 'PullRequest', reason: expect.stringMatching(/#42 was closed/) });
    expect(decideWebhook(event('gitlab', 'Merge Request Hook', gitlabMergeRequest('update')), source)).toMatchObject({ action: 'ignore' });
    expect(decideWebhook(event('github', 'pull_request', githubPullRequest('opened', { base: 'dev' })), source)).toMatchObject({ action: 'ignore', reason: 'pull request #42 targets dev, not main' });
  });

  it('answers a ping with 200 and other events with 202, running nothing', () => {
    expect(decideWebhook(event('github', 'ping', githubPing), source)).toMatchObject({ action: 'ignore', status: 200 });
    expect(decideWebhook(event('github', 'issues', {}), source)).toMatchObject({ action: 'ignore', status: 202, reason: expect.stringMatching(/"issues" events do not start runs/) });
  });

  it('hands a push to TaskService when the task has no source trigger, so the refusal is recorded there', () => {
    expect(decideWebhook(event('github', 'push', githubPush({ ref: 'refs/heads/any' })), null)).toMatchObject({ action: 'trigger', cause: { branch: 'any' } });
  });
});
