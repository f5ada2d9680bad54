import type { SourceTrigger, TaskTriggerCause, TaskTriggerKind } from '../../tasks/task-model.js';
import type { WebhookEvent } from './webhook-payload.js';

/** What a verified delivery asks of a task: a run (TaskService decides and dedupes), or nothing and why. */
export type WebhookDecision =
  | { readonly action: 'trigger'; readonly cause: TaskTriggerCause }
  | { readonly action: 'ignore'; readonly kind: TaskTriggerKind; readonly reason: string; readonly status: 200 | 202 };

/** Pull request actions that bring a new head to build. */
const BUILDING_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);

function ignore(kind: TaskTriggerKind, reason: string, status: 200 | 202 = 202): WebhookDecision {
  return { action: 'ignore', kind, reason, status };
}

/**
 * Matches a delivery to the task's source trigger. A push to the trigger's branch builds its
 * `after` commit, the newest of the push (ACR builds the first: Azure/acr#152), keyed
 * `commit:<sha>` so a redelivery, a second webhook or the poller seeing the same commit runs
 * once. A pull request into the branch builds its head, keyed `pr:<number>:<sha>`; TaskService
 * refuses forks unless allowForks, and pull requests unless the trigger listens to them. With
 * no source trigger the cause still goes to TaskService, which records why it does not run.
 */
export function decideWebhook(event: WebhookEvent, source: SourceTrigger | null): WebhookDecision {
  switch (event.event) {
    case 'ping':
      return ignore('Commit', `${event.provider} ping: the webhook reaches Slipway and its signature holds`, 200);
    case 'other':
      return ignore('Commit', `"${event.rawEvent.slice(0, 60)}" events do not start runs (only push and pull request events do)`);
    case 'push':
      return decidePush(event, source);
    case 'pull_request':
      return decidePullRequest(event, source);
  }
}

function decidePush(event: WebhookEvent, source: SourceTrigger | null): WebhookDecision {
  const ref = event.ref ?? '';
  if (event.branch === null) return ignore('Commit', `push to ${ref.slice(0, 200)} is not a branch push`);
  if (event.deleted || event.headCommit === null) return ignore('Commit', `branch ${event.branch.slice(0, 200)} was deleted`);
  if (source !== null && ref !== `refs/heads/${source.branch}`) {
    return ignore('Commit', `push to branch ${event.branch.slice(0, 200)}, not ${source.branch}`);
  }
  return { action: 'trigger', cause: { kind: 'Commit', dedupeKey: `commit:${event.headCommit}`, commit: event.headCommit, branch: event.branch } };
}

function decidePullRequest(event: WebhookEvent, source: SourceTrigger | null): WebhookDecision {
  const pr = event.pullRequest;
  if (pr === undefined) return ignore('PullRequest', 'the pull request event has no pull request');
  if (!BUILDING_ACTIONS.has(pr.action)) return ignore('PullRequest', `pull request #${pr.number} was ${pr.action.slice(0, 40)}: only opened, synchronize and reopened build`);
  if (source !== null && pr.baseBranch !== source.branch) {
    return ignore('PullRequest', `pull request #${pr.number} targets ${pr.baseBranch.slice(0, 200)}, not ${source.branch}`);
  }
  return {
    action: 'trigger',
    cause: {
      kind: 'PullRequest',
      dedupeKey: `pr:${pr.number}:${pr.headSha}`,
      commit: pr.headSha,
      branch: pr.baseBranch,
      pullRequest: { number: pr.number, headRepository: pr.headRepo, isFork: pr.isFork },
    },
  };
}
