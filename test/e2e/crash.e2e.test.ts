import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { basic, randomBlob, sha256, startSlipway, tempDir, type SlipwayProcess } from '../helpers/e2e.js';

const PASSWORD = 'crash-test-password';
const AUTH = basic('admin', PASSWORD);
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const PUSHES = 48;
const KILL_AFTER_ACKS = 16;
const CONCURRENCY = 8;

interface Push {
  readonly index: number;
  readonly layer: Buffer;
  readonly layerDigest: string;
  blobAcked: boolean;
  manifestDigest?: string;
}

/** Chunked push of one layer (POST, two PATCHes, PUT), then its manifest under tag t<index>. */
async function push(url: string, p: Push, config: { digest: string; size: number }, onBlobAck: () => void): Promise<void> {
  const started = await fetch(`${url}/v2/crash/app/blobs/uploads/`, { method: 'POST', headers: { authorization: AUTH } });
  const location = started.headers.get('location')!;
  const half = Math.floor(p.layer.length / 2);
  for (const [start, end] of [
    [0, half],
    [half, p.layer.length],
  ] as const) {
    const res = await fetch(`${url}${location}`, {
      method: 'PATCH',
      headers: { authorization: AUTH, 'content-type': 'application/octet-stream', 'content-range': `${start}-${end - 1}` },
      body: p.layer.subarray(start, end),
    });
    if (res.status !== 202) throw new Error(`PATCH ${res.status}`);
  }
  const done = await fetch(`${url}${location}?digest=${p.layerDigest}`, { method: 'PUT', headers: { authorization: AUTH } });
  if (done.status !== 201) throw new Error(`PUT ${done.status}`);
  p.blobAcked = true;
  onBlobAck();
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: p.layerDigest, size: p.layer.length }],
    }),
  );
  const put = await fetch(`${url}/v2/crash/app/manifests/t${p.index}`, { method: 'PUT', headers: { authorization: AUTH, 'content-type': OCI_MANIFEST }, body: manifest });
  if (put.status === 201) p.manifestDigest = sha256(manifest);
}

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

describe('crash safety', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('keeps every acknowledged push intact and shows no partial blob after SIGKILL during concurrent pushes', async () => {
    const dir = await tempDir('crash');
    cleanups.push(() => dir.remove());
    const dataDir = join(dir.path, 'data');
    let server: SlipwayProcess = await startSlipway({ dataDir, password: PASSWORD });
    cleanups.push(() => server.kill('SIGKILL'));

    const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const config = { digest: sha256(configBytes), size: configBytes.length };
    const posted = await fetch(`${server.url}/v2/crash/app/blobs/uploads/?digest=${config.digest}`, { method: 'POST', headers: { authorization: AUTH }, body: configBytes });
    expect(posted.status).toBe(201);

    // An upload session left half-done before the crash, to resume afterwards.
    const resumable = randomBlob(3 * 1024 * 1024 + 7);
    const session = await fetch(`${server.url}/v2/crash/resume/blobs/uploads/`, { method: 'POST', headers: { authorization: AUTH } });
    const sessionLocation = session.headers.get('location')!;
    const firstHalf = 1024 * 1024 + 3;
    const firstPatch = await fetch(`${server.url}${sessionLocation}`, {
      method: 'PATCH',
      headers: { authorization: AUTH, 'content-type': 'application/octet-stream', 'content-range': `0-${firstHalf - 1}` },
      body: resumable.subarray(0, firstHalf),
    });
    expect(firstPatch.status).toBe(202);

    const pushes: Push[] = Array.from({ length: PUSHES }, (_, index) => {
      const layer = randomBlob(64 * 1024 + ((index * 97_003) % (3 * 1024 * 1024)));
      return { index, layer, layerDigest: sha256(layer), blobAcked: false };
    });
    let acks = 0;
    let killed: Promise<unknown> | undefined;
    const onAck = (): void => {
      acks++;
      if (acks === KILL_AFTER_ACKS) killed = server.kill('SIGKILL');
    };
    const queue = [...pushes];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let p = queue.shift(); p; p = queue.shift()) await push(server.url, p, config, onAck).catch(() => undefined);
      }),
    );
    await killed;
    expect(acks).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(pushes.some((p) => !p.blobAcked)).toBe(true); // the kill really interrupted pushes

    server = await startSlipway({ dataDir, password: PASSWORD });
    for (const p of pushes) {
      const res = await fetch(`${server.url}/v2/crash/app/blobs/${p.layerDigest}`, { headers: { authorization: AUTH } });
      if (p.blobAcked) expect(res.status).toBe(200);
      if (res.status === 200) expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(p.layerDigest);
      else expect(res.status).toBe(404);
      if (p.manifestDigest) {
        const m = await fetch(`${server.url}/v2/crash/app/manifests/t${p.index}`, { headers: { authorization: AUTH, accept: OCI_MANIFEST } });
        expect(m.headers.get('docker-content-digest')).toBe(p.manifestDigest);
      }
    }

    // Every blob file in storage holds exactly the content its name promises.
    let checked = 0;
    for await (const file of files(join(dataDir, 'storage', 'blobs'))) {
      const hex = file.split('/').at(-1)!;
      expect(createHash('sha256').update(await readFile(file)).digest('hex')).toBe(hex);
      checked++;
    }
    expect(checked).toBeGreaterThan(KILL_AFTER_ACKS);

    // The session acknowledged before the crash resumes where it stopped.
    const status = await fetch(`${server.url}${sessionLocation}`, { headers: { authorization: AUTH } });
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${firstHalf - 1}`);
    const rest = await fetch(`${server.url}${sessionLocation}?digest=${sha256(resumable)}`, {
      method: 'PUT',
      headers: { authorization: AUTH, 'content-type': 'application/octet-stream', 'content-range': `${firstHalf}-${resumable.length - 1}` },
      body: resumable.subarray(firstHalf),
    });
    expect(rest.status).toBe(201);
    const resumed = await fetch(`${server.url}/v2/crash/resume/blobs/${sha256(resumable)}`, { headers: { authorization: AUTH } });
    expect(sha256(Buffer.from(await resumed.arrayBuffer()))).toBe(sha256(resumable));
  }, 180_000);
});
