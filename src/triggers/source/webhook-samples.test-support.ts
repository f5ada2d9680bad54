/**
 * Sample deliveries written for the tests from the providers' documented payload formats
 * (GitHub push / pull_request / ping, GitLab Push Hook / Tag Push Hook / Merge Request Hook,
 * Gitea and Forgejo push / pull_request), trimmed to realistic but small bodies. Hosts are
 * `*.example.invalid`.
 */

export const SHA1 = '1111111111111111111111111111111111111111';
export const SHA2 = '2222222222222222222222222222222222222222';
export const SHA3 = '3333333333333333333333333333333333333333';
export const BEFORE = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const ZERO = '0000000000000000000000000000000000000000';

const author = { name: 'Dev', email: 'dev@example.invalid', username: 'dev' };

function commit(id: string, message: string, host: string): Record<string, unknown> {
  return { id, tree_id: 'f'.repeat(40), distinct: true, message, timestamp: '2026-03-01T10:00:00Z', url: `https://${host}/acme/app/commit/${id}`, author, committer: author, added: [], removed: [], modified: ['README.md'] };
}

const githubRepo = { id: 101, name: 'app', full_name: 'acme/app', fork: false, clone_url: 'https://git.example.invalid/acme/app.git', default_branch: 'main' };

/** A push of three commits at once: `commits` oldest first, `after` and `head_commit` the newest. */
export function githubPush(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const commits = [commit(SHA1, 'first', 'git.example.invalid'), commit(SHA2, 'second', 'git.example.invalid'), commit(SHA3, 'third', 'git.example.invalid')];
  return {
    ref: 'refs/heads/main',
    before: BEFORE,
    after: SHA3,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://git.example.invalid/acme/app/compare/${BEFORE.slice(0, 12)}...${SHA3.slice(0, 12)}`,
    commits,
    head_commit: commits[2],
    repository: githubRepo,
    pusher: { name: 'dev', email: 'dev@example.invalid' },
    sender: { login: 'dev', id: 7 },
    ...overrides,
  };
}

export function githubPullRequest(action: string, options: { fork?: boolean; base?: string; headSha?: string } = {}): Record<string, unknown> {
  const headRepo = options.fork ? { id: 202, name: 'app', full_name: 'stranger/app', fork: true } : githubRepo;
  return {
    action,
    number: 42,
    pull_request: {
      id: 9001,
      number: 42,
      state: 'open',
      title: 'Add a feature',
      user: { login: options.fork ? 'stranger' : 'dev', id: 8 },
      head: { label: 'dev:feature', ref: 'feature', sha: options.headSha ?? SHA2, repo: headRepo },
      base: { label: 'acme:main', ref: options.base ?? 'main', sha: SHA1, repo: githubRepo },
      merged: false,
    },
    repository: githubRepo,
    sender: { login: 'dev', id: 8 },
  };
}

export const githubPing = { zen: 'Keep it logically awesome.', hook_id: 12345, hook: { type: 'Repository', id: 12345, active: true, events: ['push', 'pull_request'], config: { content_type: 'json', url: 'https://slipway.example.invalid/api/v1/tasks/app/webhook', insecure_ssl: '0' } }, repository: githubRepo };

const gitlabProject = { id: 55, name: 'app', path_with_namespace: 'acme/app', default_branch: 'main', git_http_url: 'https://gitlab.example.invalid/acme/app.git' };

export function gitlabPush(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object_kind: 'push',
    event_name: 'push',
    before: BEFORE,
    after: SHA3,
    ref: 'refs/heads/main',
    ref_protected: true,
    checkout_sha: SHA3,
    user_id: 4,
    user_name: 'Dev',
    user_username: 'dev',
    project_id: 55,
    project: gitlabProject,
    commits: [commit(SHA3, 'third', 'gitlab.example.invalid'), commit(SHA2, 'second', 'gitlab.example.invalid'), commit(SHA1, 'first', 'gitlab.example.invalid')],
    total_commits_count: 3,
    repository: { name: 'app', url: 'git@gitlab.example.invalid:acme/app.git', homepage: 'https://gitlab.example.invalid/acme/app' },
    ...overrides,
  };
}

export function gitlabMergeRequest(action: string, options: { fork?: boolean; oldrev?: string; target?: string } = {}): Record<string, unknown> {
  const sourceProjectId = options.fork ? 77 : 55;
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 4, name: 'Dev', username: 'dev' },
    project: gitlabProject,
    object_attributes: {
      id: 300,
      iid: 7,
      action,
      state: 'opened',
      title: 'Add a feature',
      source_branch: 'feature',
      target_branch: options.target ?? 'main',
      source_project_id: sourceProjectId,
      target_project_id: 55,
      source: { ...gitlabProject, id: sourceProjectId, path_with_namespace: options.fork ? 'stranger/app' : 'acme/app' },
      target: gitlabProject,
      last_commit: { id: SHA2, message: 'feature work', timestamp: '2026-03-01T10:00:00Z', author: { name: 'Dev', email: 'dev@example.invalid' } },
      ...(options.oldrev === undefined ? {} : { oldrev: options.oldrev }),
    },
  };
}

const giteaRepo = { id: 31, owner: { id: 1, login: 'acme' }, name: 'app', full_name: 'acme/app', fork: false, clone_url: 'https://gitea.example.invalid/acme/app.git', default_branch: 'main' };

export function giteaPush(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const commits = [commit(SHA1, 'first', 'gitea.example.invalid'), commit(SHA2, 'second', 'gitea.example.invalid'), commit(SHA3, 'third', 'gitea.example.invalid')];
  return {
    ref: 'refs/heads/main',
    before: BEFORE,
    after: SHA3,
    compare_url: `https://gitea.example.invalid/acme/app/compare/${BEFORE}...${SHA3}`,
    commits,
    total_commits: 3,
    head_commit: commits[2],
    repository: giteaRepo,
    pusher: { id: 1, login: 'dev' },
    sender: { id: 1, login: 'dev' },
    ...overrides,
  };
}

export function giteaPullRequest(action: string, options: { fork?: boolean } = {}): Record<string, unknown> {
  const headRepo = options.fork ? { ...giteaRepo, id: 32, full_name: 'stranger/app', fork: true } : giteaRepo;
  return {
    action,
    number: 5,
    pull_request: {
      id: 600,
      number: 5,
      title: 'Add a feature',
      state: 'open',
      head: { label: 'feature', ref: 'feature', sha: SHA2, repo_id: headRepo.id, repo: headRepo },
      base: { label: 'main', ref: 'main', sha: SHA1, repo_id: giteaRepo.id, repo: giteaRepo },
      merged: false,
    },
    repository: giteaRepo,
    sender: { id: 1, login: 'dev' },
  };
}
