import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { isAppError } from '../../src/core/errors/index.js';
import type { BuildOptions, BuildResult, ContainerEngine, LogChunk } from '../../src/engine/container-engine.js';
import { ADMIN_PASSWORD, BASIC_AUTH, buildTestServer } from '../helpers/build-test-server.js';
import { busyboxTarball } from '../helpers/e2e.js';
import { listenLocal } from '../helpers/raw-http.js';
import { conformanceTests, type SkipList } from './skip-list.js';

/** How an adapter's test file hands the suite its engines (already instrumented). */
export interface ContainerEngineFactories {
  /** An engine on a live daemon; must throw when there is none, so the suite fails loudly. */
  create(): Promise<ContainerEngine>;
  /** The same adapter pointed at a socket path that does not exist. */
  createUnavailable(): ContainerEngine;
}

/** A ustar archive of small files, enough for a build context. */
export function tarOf(files: Readonly<Record<string, string>>): Readable {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Readable.from([Buffer.concat(blocks)]);
}

async function expectCode(action: Promise<unknown>, code: string): Promise<unknown> {
  const outcome = await action.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isAppError(outcome) ? outcome.code : outcome, `expected an AppError ${code}`).toBe(code);
  return outcome;
}

async function collectLogs(chunks: AsyncIterable<LogChunk>): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  for await (const chunk of chunks) out[chunk.stream] += chunk.data.toString('utf8');
  return out;
}

/**
 * The ContainerEngine contract (src/engine/container-engine.ts) that every engine adapter runs
 * against a real daemon. Builds use a busybox image imported from a local rootfs tarball.
 */
export function containerEngineSuite(name: string, factories: ContainerEngineFactories, skip?: SkipList): void {
  describe(`ContainerEngine conformance: ${name}`, () => {
    const { test, checkSkipList } = conformanceTests(skip);
    const id = randomUUID().slice(0, 8);
    const label = { 'slipway.test.suite': id };
    const base = `127.0.0.1:5999/conformance-${id}/busybox:1`;
    const images = new Set<string>([base]);
    const containers = new Set<string>();
    let engine: ContainerEngine;

    const build = async (dockerfile: string, extra: Partial<BuildOptions> = {}): Promise<BuildResult & { lines: string[] }> => {
      const lines: string[] = [];
      const tag = `127.0.0.1:5999/conformance-${id}/built:${randomUUID().slice(0, 8)}`;
      images.add(tag);
      const result = await engine.images.build({
        context: tarOf({ Dockerfile: dockerfile }),
        tags: [tag],
        labels: label,
        // Steps need no network; the suite must not depend on the engine's bridge.
        network: 'none',
        onLog: (line) => lines.push(line),
        ...extra,
      });
      return { ...result, lines };
    };

    const run = async (cmd: string[]): Promise<string> => {
      const { id: cid } = await engine.containers.create({ image: base, cmd, labels: label, network: 'none' });
      containers.add(cid);
      await engine.containers.start({ id: cid });
      return cid;
    };

    beforeAll(async () => {
      engine = await factories.create();
      await engine.images.importRootfs({ rootfs: createReadStream(await busyboxTarball()), image: base });
    });

    afterAll(async () => {
      if (engine === undefined) return;
      for (const cid of containers) await engine.containers.remove({ id: cid, force: true });
      for (const image of images) await engine.images.remove({ image, force: true });
      await engine.close();
    });

    test('ping answers and info reports the engine version', async () => {
      await engine.ping();
      const info = await engine.info();
      expect(info.serverVersion).not.toBe('');
      expect(info.apiVersion).toMatch(/^\d+\.\d+$/);
      expect(typeof engine.capabilities.buildkit).toBe('boolean');
    });

    test('an engine whose socket does not exist fails fast with ENGINE_UNAVAILABLE', async () => {
      const down = factories.createUnavailable();
      const started = Date.now();
      await expectCode(down.ping(), 'ENGINE_UNAVAILABLE');
      await expectCode(down.images.build({ context: tarOf({ Dockerfile: 'FROM scratch\n' }) }), 'ENGINE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    test('builds a Dockerfile, streaming readable step and output lines, and reports the image id', async () => {
      const result = await build(`FROM ${base}\nRUN echo hello-${id} && echo to-stderr >&2\n`);
      expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(result.lines.some((l) => /^#\d+ \[2\/2\] RUN echo hello-/.test(l))).toBe(true);
      expect(result.lines.some((l) => new RegExp(`^#\\d+ (\\d+\\.\\d+ )?hello-${id}$`).test(l))).toBe(true);
      expect(result.lines.some((l) => /^#\d+ DONE \d+\.\d+s$/.test(l))).toBe(true);
      const image = await engine.images.inspect({ image: result.tags[0] as string });
      expect(image.id).toBe(result.imageId);
    });

    test('passes build args and stops at the target stage', async () => {
      const dockerfile = `FROM ${base} AS first\nARG WORD\nRUN echo "word=$WORD"\nFROM first AS second\nRUN exit 9\n`;
      const result = await build(dockerfile, { buildArgs: { WORD: `arg-${id}` }, target: 'first' });
      expect(result.lines.some((l) => l.endsWith(`word=arg-${id}`))).toBe(true);
      expect(result.lines.some((l) => l.includes('exit 9'))).toBe(false);
    });

    test('a failing RUN rejects with ENGINE_BUILD_FAILED carrying the error and the log', async () => {
      const err = await expectCode(build(`FROM ${base}\nRUN echo before-fail-${id} && exit 7\n`), 'ENGINE_BUILD_FAILED');
      const detail = (err as { detail: { error: string; log: string[] } }).detail;
      expect(detail.error).toMatch(/exit code: 7/);
      expect(detail.log.some((l) => l.includes(`before-fail-${id}`))).toBe(true);
    });

    test('a Dockerfile syntax error rejects with ENGINE_BUILD_FAILED', async () => {
      await expectCode(build(`FROM ${base}\nRUNX nope\n`), 'ENGINE_BUILD_FAILED');
    });

    test('an unchanged rebuild reports CACHED steps and the same image id', async () => {
      const dockerfile = `FROM ${base}\nRUN echo cache-${id}\n`;
      const first = await build(dockerfile);
      const second = await build(dockerfile);
      expect(second.imageId).toBe(first.imageId);
      expect(second.lines.some((l) => /^#\d+ CACHED$/.test(l))).toBe(true);
    });

    test('cancelling a build returns promptly with ENGINE_CANCELLED and leaves no containers', async () => {
      const before = (await engine.containers.list()).length;
      const controller = new AbortController();
      const started = Date.now();
      const pending = build(`FROM ${base}\nRUN echo start-${id} && sleep 30\n`, {
        signal: controller.signal,
        onLog: (line) => {
          if (line.endsWith(`start-${id}`)) controller.abort();
        },
      });
      await expectCode(pending, 'ENGINE_CANCELLED');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await engine.containers.list()).length).toBe(before);
    });

    test('runs a container: exit code, stdout and stderr apart, removal', async () => {
      const cid = await run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
      const result = await engine.containers.wait({ id: cid });
      expect(result.exitCode).toBe(3);
      expect(await collectLogs(engine.containers.logs({ id: cid }))).toEqual({ stdout: 'out\n', stderr: 'err\n' });
      expect((await engine.containers.list({ labels: label })).map((c) => c.id)).toContain(cid);
      await engine.containers.remove({ id: cid });
      await engine.containers.remove({ id: cid });
      expect((await engine.containers.list({ labels: label })).map((c) => c.id)).not.toContain(cid);
    });

    test('stops a long-running container; a cancelled wait returns ENGINE_CANCELLED, a timed-out one ENGINE_TIMEOUT', async () => {
      const cid = await run(['sleep', '60']);
      const controller = new AbortController();
      const waiting = engine.containers.wait({ id: cid, signal: controller.signal });
      controller.abort();
      await expectCode(waiting, 'ENGINE_CANCELLED');
      await expectCode(engine.containers.wait({ id: cid, signal: AbortSignal.timeout(200) }), 'ENGINE_TIMEOUT');
      await engine.containers.stop({ id: cid, timeoutSeconds: 1 });
      const result = await engine.containers.wait({ id: cid });
      expect(result.exitCode).not.toBe(0);
      await engine.containers.stop({ id: cid, timeoutSeconds: 1 });
    });

    test('reports ENGINE_NOT_FOUND for unknown images and containers', async () => {
      await expectCode(engine.images.inspect({ image: `127.0.0.1:5999/conformance-${id}/absent:1` }), 'ENGINE_NOT_FOUND');
      await expectCode(engine.containers.start({ id: `absent-${id}` }), 'ENGINE_NOT_FOUND');
      await expectCode(engine.containers.create({ image: `127.0.0.1:5999/conformance-${id}/absent:1` }), 'ENGINE_NOT_FOUND');
    });

    test('an already aborted signal fails the call with ENGINE_CANCELLED', async () => {
      const controller = new AbortController();
      controller.abort();
      await expectCode(engine.ping({ signal: controller.signal }), 'ENGINE_CANCELLED');
    });

    test('creates and removes networks and volumes; removing twice is not an error', async () => {
      const network = await engine.resources.createNetwork({ name: `slipway-test-${id}`, labels: label });
      expect(network.id).not.toBe('');
      await expectCode(engine.resources.createNetwork({ name: `slipway-test-${id}` }), 'ENGINE_CONFLICT');
      await engine.resources.removeNetwork({ name: `slipway-test-${id}` });
      await engine.resources.removeNetwork({ name: `slipway-test-${id}` });
      const volume = await engine.resources.createVolume({ name: `slipway-test-${id}`, labels: label });
      expect(volume.name).toBe(`slipway-test-${id}`);
      await engine.resources.removeVolume({ name: volume.name });
      await engine.resources.removeVolume({ name: volume.name });
    });

    test('copies a tar into a volume through a created container, reads it back, and publishes ports', async () => {
      const volume = `slipway-test-arch-${id}`;
      await engine.resources.createVolume({ name: volume, labels: label });
      try {
        const { id: holder } = await engine.containers.create({ image: base, cmd: ['true'], labels: label, mounts: [{ type: 'volume', source: volume, target: '/workspace' }] });
        containers.add(holder);
        await engine.containers.putArchive({ id: holder, path: '/workspace', tar: tarOf({ 'note.txt': `archived-${id}` }) });
        const chunks: Buffer[] = [];
        for await (const chunk of await engine.containers.getArchive({ id: holder, path: '/workspace/note.txt' })) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks).toString('latin1')).toContain(`archived-${id}`);
        await expectCode(engine.containers.putArchive({ id: holder, path: '/no/such/dir', tar: tarOf({ 'x': 'y' }) }), 'ENGINE_NOT_FOUND');

        // (Privileged containers cannot start on these sandboxed machines: runc may not apply all capabilities.)
        const { id: reader } = await engine.containers.create({
          image: base,
          cmd: ['cat', '/workspace/note.txt'],
          labels: label,
          expose: ['8080'],
          ports: ['127.0.0.1::8080', '9090/udp'],
          mounts: [{ type: 'volume', source: volume, target: '/workspace' }],
        });
        containers.add(reader);
        await engine.containers.start({ id: reader });
        expect((await engine.containers.wait({ id: reader })).exitCode).toBe(0);
        expect((await collectLogs(engine.containers.logs({ id: reader }))).stdout).toBe(`archived-${id}`);
      } finally {
        for (const cid of containers) await engine.containers.remove({ id: cid, force: true });
        containers.clear();
        await engine.resources.removeVolume({ name: volume, force: true });
      }
    });

    test('pushes a built image to a Slipway registry with X-Registry-Auth credentials and pulls it back', async () => {
      const server = await buildTestServer();
      try {
        const hostPort = `127.0.0.1:${await listenLocal(server.app)}`;
        const built = await build(`FROM ${base}\nRUN echo push-${id} > /pushed\n`);
        const target = `${hostPort}/engine/test:1`;
        images.add(target);
        await engine.images.tag({ source: built.imageId, target });
        await expectCode(
          engine.images.push({ image: target, auth: { username: 'admin', password: 'wrong', serveraddress: hostPort } }),
          'ENGINE_PUSH_FAILED',
        );
        const inFlight = new AbortController();
        const aborted = engine.images.push({ image: target, auth: { username: 'admin', password: ADMIN_PASSWORD, serveraddress: hostPort }, signal: inFlight.signal });
        inFlight.abort();
        await expectCode(aborted, 'ENGINE_CANCELLED');
        const pushed = await engine.images.push({ image: target, auth: { username: 'admin', password: ADMIN_PASSWORD, serveraddress: hostPort } });
        expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        const res = await fetch(`http://${hostPort}/v2/engine/test/manifests/1`, {
          headers: { authorization: BASIC_AUTH, accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('docker-content-digest')).toBe(pushed.digest);
        await engine.images.remove({ image: target });
        await expectCode(engine.images.inspect({ image: target }), 'ENGINE_NOT_FOUND');
        const auth = { username: 'admin', password: ADMIN_PASSWORD, serveraddress: hostPort };
        const pulled = await engine.images.pull({ image: target, auth });
        expect(pulled.id).toBe(built.imageId);
        expect(pulled.repoDigests).toContain(`${hostPort}/engine/test@${pushed.digest}`);
        await expectCode(engine.images.pull({ image: `${hostPort}/engine/absent:1`, auth }), 'ENGINE_NOT_FOUND');
      } finally {
        await server.close();
      }
    });

    checkSkipList();
  });
}
