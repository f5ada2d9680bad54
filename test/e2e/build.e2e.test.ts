import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, engineSocket, sh, startSlipway, tempDir, type SlipwayProcess, runCli, type CliResult } from '../helpers/e2e.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { collect } from '../helpers/tar.js';
import { packLocalContext } from '../../src/sources/index.js';

/**
 * The article's quick task end to end, through the real CLI, server, agent and engine:
 * `slipway build -t e2e/hello:{{.Run.ID}} <folder>` uploads the folder (honouring .dockerignore),
 * builds it with BuildKit, pushes into Slipway and streams the log; the CLI's exit code is the
 * run's outcome.
 */

const PASSWORD = 'e2e-build-password';

type Run = CliResult;

describe('slipway build (quick task) end to end', () => {
  let slipway: SlipwayProcess;
  let dir: { path: string; remove(): Promise<void> };
  let base: string;
  let cliEnv: NodeJS.ProcessEnv;
  const docker = (...args: string[]): Promise<string> => sh('docker', args, { DOCKER_HOST: `unix://${engineSocket()}`, DOCKER_CONFIG: join(dir.path, 'docker-config') });

  function cli(args: string[]): Promise<Run> {
    return runCli(args, { env: cliEnv });
  }


  beforeAll(async () => {
    dir = await tempDir('build');
    const dataDir = join(dir.path, 'data');
    await sh(join(REPO_ROOT, 'bin', 'slipway'), ['seed', 'busybox', '--data-dir', dataDir]);
    slipway = await startSlipway({ dataDir, password: PASSWORD, env: { SLIPWAY_ENGINE_SOCKET: engineSocket() } });
    base = `${slipway.hostPort}/library/busybox:latest`;
    cliEnv = { ...process.env, SLIPWAY_REGISTRY: slipway.url, SLIPWAY_USERNAME: 'admin', SLIPWAY_PASSWORD: PASSWORD, SLIPWAY_CONFIG_HOME: join(dir.path, 'cli-config') };
    await mkdir(join(dir.path, 'docker-config'));
  }, 120_000);

  afterAll(async () => {
    await slipway?.kill();
    await dir?.remove();
  });

  it('builds a folder, leaves out what .dockerignore says, pushes, streams the log and exits 0', async () => {
    const context = join(dir.path, 'app');
    await mkdir(context);
    await writeFile(join(context, 'Dockerfile'), 'ARG BASE\nFROM $BASE\nCOPY . /ctx\nRUN echo "built from context: $(ls /ctx | tr \'\\n\' \' \')"\n');
    await writeFile(join(context, '.dockerignore'), 'secret.txt\n');
    await writeFile(join(context, 'hello.txt'), 'hello\n');
    await writeFile(join(context, 'secret.txt'), 'do not ship\n');
    const run = await cli(['build', '-t', 'e2e/hello:{{.Run.ID}}', '--no-cache', '--build-arg', `BASE=${base}`, context]);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    expect(run.stdout).toContain('built from context:');
    expect(run.stdout).toContain('hello.txt');
    expect(run.stdout).not.toContain('secret.txt');

    const runs = JSON.parse((await cli(['task', 'list-runs', '--top', '1', '-o', 'json'])).stdout) as Array<{ runId: string; status: string; outputImages: Array<{ repository: string; tag: string; digest: string }> }>;
    const [latest] = runs;
    expect(latest?.status).toBe('Succeeded');
    expect(latest?.outputImages[0]).toMatchObject({ repository: 'e2e/hello', tag: latest!.runId });
    const image = `${slipway.hostPort}/e2e/hello:${latest!.runId}`;
    const manifest = await fetch(`${slipway.url}/v2/e2e/hello/manifests/${latest!.runId}`, {
      method: 'HEAD',
      headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`, accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
    });
    expect(manifest.headers.get('docker-content-digest')).toBe(latest!.outputImages[0]!.digest);
    await sh('docker', ['login', slipway.hostPort, '-u', 'admin', '--password-stdin'], { DOCKER_HOST: `unix://${engineSocket()}`, DOCKER_CONFIG: join(dir.path, 'docker-config') }, PASSWORD);
    await docker('pull', image);
    expect((await docker('run', '--rm', '--network', 'none', image, 'ls', '/ctx')).split('\n').filter(Boolean).sort()).toEqual(['Dockerfile', 'hello.txt']);
  }, 180_000);

  it('builds a git repository served on loopback at #branch:subfolder, and a file:// repository cloned by the CLI', async () => {
    const src = join(dir.path, 'repo-src');
    await mkdir(join(src, 'site'), { recursive: true });
    const git = (...args: string[]): Promise<string> => sh('git', ['-C', src, '-c', 'init.defaultBranch=main', '-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { GIT_CONFIG_NOSYSTEM: '1' });
    await git('init', '--quiet');
    await writeFile(join(src, 'README'), 'root of the repository\n');
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'one');
    await git('checkout', '--quiet', '-b', 'release');
    await writeFile(join(src, 'site', 'Dockerfile'), `FROM ${base}\nCOPY . /site\nRUN echo "site files: $(ls /site | tr '\\n' ' ')"\n`);
    await writeFile(join(src, 'site', 'index.html'), '<h1>release</h1>\n');
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'site');
    await git('checkout', '--quiet', 'main');
    const root = join(dir.path, 'git-root');
    await mkdir(root);
    await sh('git', ['clone', '--quiet', '--bare', src, join(root, 'site.git')]);
    const server = await startGitHttpServer(root);
    try {
      const remote = await cli(['build', '-t', 'e2e/site:{{.Run.ID}}', '--no-cache', `${server.url}/site.git#release:site`]);
      expect(remote.code, `${remote.stderr}\n${remote.stdout}`).toBe(0);
      expect(remote.stdout).toContain('site files: Dockerfile index.html');
      expect(remote.stdout).toMatch(/Checked out commit [0-9a-f]{40}/);
    } finally {
      await server.close();
    }
    // file:// names this machine's disk: the CLI clones and uploads it, whatever the server allows.
    const local = await cli(['build', '--no-push', '--no-cache', `file://${join(root, 'site.git')}#release:site`]);
    expect(local.code, `${local.stderr}\n${local.stdout}`).toBe(0);
    expect(local.stdout).toContain('site files: Dockerfile index.html');
    expect(local.stdout).not.toContain('Checked out commit');
  }, 180_000);

  it('builds a tarball URL, and a folder whose Dockerfile lives outside it (-f ../x)', async () => {
    const ctx = join(dir.path, 'tarball-src');
    await mkdir(ctx);
    await writeFile(join(ctx, 'Dockerfile'), `FROM ${base}\nCOPY msg /msg\nRUN echo "tarball says $(cat /msg)"\n`);
    await writeFile(join(ctx, 'msg'), 'hello-from-tarball\n');
    const tar = await collect(await packLocalContext(ctx));
    const files = createServer((req, res) => (req.url === '/ctx.tar.gz' ? res.end(gzipSync(tar)) : res.writeHead(404).end()));
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/ctx.tar.gz`;
      const run = await cli(['build', '--no-push', '--no-cache', url]);
      expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
      expect(run.stdout).toContain('tarball says hello-from-tarball');
      const missing = await cli(['build', '--no-push', url.replace('ctx.tar.gz', 'missing.tar.gz')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/answered 404/);
    } finally {
      files.closeAllConnections();
      await new Promise((resolve) => files.close(resolve));
    }

    const context = join(dir.path, 'outside-ctx');
    await mkdir(join(dir.path, 'dockerfiles'), { recursive: true });
    await mkdir(context);
    await writeFile(join(context, 'data.txt'), 'data\n');
    await writeFile(join(dir.path, 'dockerfiles', 'tool.Dockerfile'), `FROM ${base}\nCOPY data.txt /data.txt\nRUN echo "outside dockerfile built: $(cat /data.txt)"\n`);
    const outside = await cli(['build', '--no-push', '--no-cache', '-f', join(dir.path, 'dockerfiles', 'tool.Dockerfile'), context]);
    expect(outside.code, `${outside.stderr}\n${outside.stdout}`).toBe(0);
    expect(outside.stdout).toContain('outside dockerfile built: data');
  }, 180_000);

  it('exits 1 with the failing step in the log when the build fails', async () => {
    const context = join(dir.path, 'broken');
    await mkdir(context);
    await writeFile(join(context, 'Dockerfile'), `FROM ${base}\nRUN echo about to fail && exit 7\n`);
    const run = await cli(['build', '-t', 'e2e/broken:1', context]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('about to fail');
    expect(run.stderr).toContain('Failed');
  }, 120_000);
});
