import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, engineSocket, sh, startSlipway, tempDir, type SlipwayProcess, runCli, type CliResult } from '../helpers/e2e.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';

/**
 * Saved tasks end to end through `bin/slipway` processes, the server, its agent and the engine:
 * `task create` then `task run -n` for a multi-step task from /dev/null and for a Docker-step
 * task whose context is a git repository served on loopback; each run records its task and
 * trigger Manual.
 */

const PASSWORD = 'e2e-tasks-password';
/** git without writing its stdin (sh() ends stdin, which races a fast-exiting git into EPIPE). */
const gitCmd = async (args: string[]): Promise<void> => void (await promisify(execFile)('git', args, { env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }));

type Run = CliResult;

interface ListedRun {
  readonly runId: string;
  readonly task: string | null;
  readonly trigger: string;
  readonly runType: string;
  readonly status: string;
  readonly outputImages: ReadonlyArray<{ readonly repository: string; readonly tag: string }>;
}

describe('saved tasks end to end', () => {
  let slipway: SlipwayProcess;
  let dir: { path: string; remove(): Promise<void> };
  let cliEnv: NodeJS.ProcessEnv;
  let git: GitHttpServer | undefined;

  function cli(args: string[]): Promise<Run> {
    return runCli(args, { env: cliEnv, cwd: dir.path });
  }


  async function runsOf(task: string): Promise<ListedRun[]> {
    const listed = await cli(['task', 'list-runs', '-n', task, '-o', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    return JSON.parse(listed.stdout) as ListedRun[];
  }

  beforeAll(async () => {
    dir = await tempDir('tasks');
    const dataDir = join(dir.path, 'data');
    await sh(join(REPO_ROOT, 'bin', 'slipway'), ['seed', 'busybox', '--data-dir', dataDir]);
    slipway = await startSlipway({ dataDir, password: PASSWORD, env: { SLIPWAY_ENGINE_SOCKET: engineSocket() } });
    cliEnv = { ...process.env, SLIPWAY_REGISTRY: slipway.url, SLIPWAY_USERNAME: 'admin', SLIPWAY_PASSWORD: PASSWORD, SLIPWAY_CONFIG_HOME: join(dir.path, 'cli-config') };
  }, 120_000);

  afterAll(async () => {
    await git?.close();
    await slipway?.kill();
    await dir?.remove();
  });

  it('creates a multi-step task from /dev/null with -f, runs it with task run -n, and records task and trigger Manual', async () => {
    await writeFile(join(dir.path, 'greet.yaml'), 'steps:\n  - cmd: $Registry/library/busybox:latest echo "greeting={{.Values.who}}"\n');
    const created = await cli(['task', 'create', '-n', 'e2e-greet', '-c', '/dev/null', '-f', 'greet.yaml', '--set', 'who=saved', '--schedule', '0 3 * * *']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain(`Webhook URL:    ${slipway.url}/api/v1/tasks/e2e-greet/webhook`);
    expect(created.stderr).toMatch(/Webhook secret: [0-9a-f]{64}/);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'e2e-greet', step: { type: 'EncodedTask' }, trigger: { sourceTriggers: [], timerTriggers: [{ name: 't1', schedule: '0 3 * * *' }] } });

    const table = await cli(['task', 'list', '-o', 'table']);
    expect(table.stdout).toMatch(/^e2e-greet\s+Linux\s+Enabled\s+BASE_IMAGE, TIMER$/m);

    const run = await cli(['task', 'run', '-n', 'e2e-greet', '--set', 'who=by-hand']);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout).toContain('greeting=by-hand');
    const [latest] = await runsOf('e2e-greet');
    expect(latest).toMatchObject({ task: 'e2e-greet', trigger: 'Manual', runType: 'AutoRun', status: 'Succeeded' });
    expect(run.stderr).toContain(`Queued a run with ID: ${latest!.runId}`);
  }, 180_000);

  it('refuses a broken task file and an invalid cron at create, with the server\'s codes', async () => {
    await writeFile(join(dir.path, 'broken.yaml'), 'steps:\n  - cmd: busybox echo {{.Values.who\n');
    const broken = await cli(['task', 'create', '-n', 'e2e-broken', '-c', '/dev/null', '-f', 'broken.yaml']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/task\.yaml:\d+:\d+.*\[TASKFILE_INVALID\]/s);
    const cron = await cli(['task', 'create', '-n', 'e2e-broken', '-c', '/dev/null', '--cmd', 'busybox true', '--schedule', '0 0 * *']);
    expect(cron.code).toBe(1);
    expect(cron.stderr).toMatch(/5 fields.*\[TASK_INVALID\]/s);
    expect((await cli(['task', 'show', '-n', 'e2e-broken'])).code).toBe(4);
  }, 60_000);

  it('creates a Docker-step task from a git URL, runs it by hand, and pushes the image it names', async () => {
    const src = join(dir.path, 'repo-src');
    await mkdir(join(src, 'app'), { recursive: true });
    const gitIn = (...args: string[]): Promise<void> => gitCmd(['-C', src, '-c', 'init.defaultBranch=main', '-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args]);
    await gitIn('init', '--quiet');
    await writeFile(join(src, 'app', 'Dockerfile'), `FROM ${slipway.hostPort}/library/busybox:latest\nCOPY msg /msg\nRUN echo "task build says $(cat /msg)"\n`);
    await writeFile(join(src, 'app', 'msg'), 'from-the-repository\n');
    await gitIn('add', '.');
    await gitIn('commit', '--quiet', '-m', 'app');
    const root = join(dir.path, 'git-root');
    await mkdir(root);
    await gitCmd(['clone', '--quiet', '--bare', src, join(root, 'app.git')]);
    git = await startGitHttpServer(root);
    const context = `${git.url}/app.git#main:app`;

    const created = await cli(['task', 'create', '-n', 'e2e-docker', '-c', context, '-f', 'Dockerfile', '-t', 'e2e/task-app:{{.Run.ID}}', '--no-cache', '--commit-trigger-enabled', 'false']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ step: { type: 'Docker', contextPath: context, dockerFilePath: 'Dockerfile', imageNames: ['e2e/task-app:{{.Run.ID}}'], isPushEnabled: true, noCache: true }, trigger: { sourceTriggers: [] } });

    const run = await cli(['task', 'run', '-n', 'e2e-docker']);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout).toContain('task build says from-the-repository');
    const [latest] = await runsOf('e2e-docker');
    expect(latest).toMatchObject({ task: 'e2e-docker', trigger: 'Manual', runType: 'AutoBuild', status: 'Succeeded' });
    expect(latest!.outputImages).toEqual([expect.objectContaining({ repository: 'e2e/task-app', tag: latest!.runId })]);
    expect((await runsOf('e2e-greet')).map((r) => r.task)).toEqual(['e2e-greet']);

    const deleted = await cli(['task', 'delete', '-n', 'e2e-docker', '--yes']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await cli(['task', 'run', '-n', 'e2e-docker'])).code).toBe(4);
  }, 180_000);
});
