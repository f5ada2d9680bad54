import type { WebhookProvider } from './webhook-signature.js';

/** A pull (GitHub, Gitea, Forgejo) or merge (GitLab) request, as far as triggers care. */
export interface WebhookPullRequest {
  readonly number: number;
  /** Normalised: `opened`, `synchronize` (new commits), `reopened`; any other action as the provider spells it. */
  readonly action: string;
  readonly headSha: string;
  /** `owner/name` of the repository the head commit lives in; empty when it was deleted. */
  readonly headRepo: string;
  readonly baseBranch: string;
  readonly isFork: boolean;
}

/** One delivery, whatever the provider. */
export interface WebhookEvent {
  readonly provider: WebhookProvider;
  readonly event: 'push' | 'pull_request' | 'ping' | 'other';
  /** The provider's own name for the event (for `other` events' reasons). */
  readonly rawEvent: string;
  readonly deliveryId: string | null;
  /** Push: the full ref (`refs/heads/main`, `refs/tags/v1`). */
  readonly ref: string | null;
  /** Push to a branch: its name; null for tags and other refs. */
  readonly branch: string | null;
  /** Push: the `after` commit, the NEWEST of the push (never the first of its commit list). */
  readonly headCommit: string | null;
  /** Push: the ref was deleted. */
  readonly deleted: boolean;
  readonly pullRequest?: WebhookPullRequest;
}

export type ParsedWebhook = { readonly ok: true; readonly event: WebhookEvent } | { readonly ok: false; readonly reason: string };

type Json = Record<string, unknown>;

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const ZERO_SHA = /^0+$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown): Json {
  return isObject(value) ? value : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

class PayloadError extends Error {}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PayloadError(`the payload has no ${what}`);
  return value;
}

function sha(value: unknown, what: string): string {
  const text = need(str(value), what).toLowerCase();
  if (!SHA.test(text) && !ZERO_SHA.test(text)) throw new PayloadError(`${what} is not a commit id`);
  return text;
}

/** Which kind of event the header names, per provider. */
function kindOf(provider: WebhookProvider, rawEvent: string, body: Json): WebhookEvent['event'] {
  if (provider === 'gitlab') {
    const kind = rawEvent === '' ? str(body['object_kind']) ?? '' : rawEvent;
    if (kind === 'Push Hook' || kind === 'Tag Push Hook' || kind === 'push' || kind === 'tag_push') return 'push';
    if (kind === 'Merge Request Hook' || kind === 'merge_request') return 'pull_request';
    return 'other';
  }
  if (rawEvent === 'push') return 'push';
  // Gitea names a pull request's new commits `pull_request_sync` in X-Gitea-Event-Type; accept it in either header.
  if (rawEvent === 'pull_request' || rawEvent === 'pull_request_sync') return 'pull_request';
  if (rawEvent === 'ping') return 'ping';
  return 'other';
}

function parsePush(body: Json): Pick<WebhookEvent, 'ref' | 'branch' | 'headCommit' | 'deleted'> {
  const ref = need(str(body['ref']), 'ref');
  const after = sha(body['after'], '"after" commit');
  const deleted = body['deleted'] === true || ZERO_SHA.test(after);
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
  return { ref, branch, headCommit: deleted ? null : after, deleted };
}

const ACTIONS: Readonly<Record<string, string>> = {
  opened: 'opened',
  open: 'opened',
  reopened: 'reopened',
  reopen: 'reopened',
  synchronize: 'synchronize',
  synchronized: 'synchronize',
};

function number(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new PayloadError(`the payload has no ${what}`);
  return value;
}

/** GitHub, Gitea and Forgejo share a shape: `action`, `number`, `pull_request.head/base`. */
function parseGithubLikePullRequest(body: Json): WebhookPullRequest {
  const pr = obj(body['pull_request']);
  const head = obj(pr['head']);
  const base = obj(pr['base']);
  const action = need(str(body['action']), 'action');
  const headRepo = isObject(head['repo']) ? head['repo'] : null;
  return {
    number: number(body['number'] ?? pr['number'], 'pull request number'),
    action: ACTIONS[action] ?? action,
    headSha: sha(head['sha'], 'pull request head sha'),
    headRepo: str(headRepo?.['full_name']) ?? '',
    baseBranch: need(str(base['ref']), 'pull request base ref'),
    isFork: isForkHead(head, base),
  };
}

/**
 * Whether the head lives in another repository than the base. Anything unclear counts as a
 * fork, never as trusted: a deleted fork (GitHub and Gitea leave `head.repo` null), a missing id.
 */
function isForkHead(head: Json, base: Json): boolean {
  const headRepo = isObject(head['repo']) ? head['repo'] : null;
  const baseRepo = obj(base['repo']);
  if (headRepo === null) return true;
  // Gitea and Forgejo also give `repo_id` on each side.
  const headId = head['repo_id'] ?? headRepo['id'];
  const baseId = base['repo_id'] ?? baseRepo['id'];
  if (headId === undefined || headId !== baseId) return true;
  return headRepo['full_name'] !== baseRepo['full_name'];
}

/**
 * GitLab's Merge Request Hook. An `update` with `oldrev` added commits (a synchronize); one
 * without only changed the title, labels or the like.
 */
function parseGitlabMergeRequest(body: Json): WebhookPullRequest {
  const attrs = obj(body['object_attributes']);
  const action = str(attrs['action']) ?? 'unknown';
  const hasNewCommits = action === 'update' && typeof attrs['oldrev'] === 'string';
  const source = isObject(attrs['source']) ? attrs['source'] : null;
  return {
    number: number(attrs['iid'], 'merge request iid'),
    action: hasNewCommits ? 'synchronize' : (ACTIONS[action] ?? action),
    headSha: sha(obj(attrs['last_commit'])['id'], 'merge request last_commit.id'),
    headRepo: str(source?.['path_with_namespace']) ?? '',
    baseBranch: need(str(attrs['target_branch']), 'merge request target_branch'),
    isFork: source === null || attrs['source_project_id'] === undefined || attrs['source_project_id'] !== attrs['target_project_id'],
  };
}

/**
 * Normalises a verified delivery. `body` is the parsed JSON; a push or pull request lacking a
 * field Slipway needs (ref, after, number, head sha, base branch) is `{ok: false}` with the
 * field named, which the endpoint answers with 400.
 */
export function parseWebhookPayload(provider: WebhookProvider, rawEvent: string, deliveryId: string | null, body: unknown): ParsedWebhook {
  if (!isObject(body)) return { ok: false, reason: 'the payload is not a JSON object' };
  const event = kindOf(provider, rawEvent, body);
  const base: WebhookEvent = { provider, event, rawEvent, deliveryId, ref: null, branch: null, headCommit: null, deleted: false };
  try {
    if (event === 'push') return { ok: true, event: { ...base, ...parsePush(body) } };
    if (event === 'pull_request') {
      const pullRequest = provider === 'gitlab' ? parseGitlabMergeRequest(body) : parseGithubLikePullRequest(body);
      return { ok: true, event: { ...base, pullRequest } };
    }
    return { ok: true, event: base };
  } catch (err) {
    if (err instanceof PayloadError) return { ok: false, reason: err.message };
    throw err;
  }
}

/**
 * The JSON of a delivery body: `application/json`, or GitHub's form encoding
 * (`payload=<json>`, `application/x-www-form-urlencoded`). The signature covers the raw bytes
 * either way, so this runs only after it was checked.
 */
export function decodeWebhookBody(body: Buffer, contentType: string | undefined): { ok: true; json: unknown } | { ok: false; reason: string } {
  let text = body.toString('utf8');
  if (contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) return { ok: false, reason: 'the form body has no "payload" field' };
    text = payload;
  }
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `the payload is not valid JSON: ${(err as Error).message.slice(0, 200)}` };
  }
}
