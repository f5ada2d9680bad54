import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, open, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, listTar, tarNames } from '../../test/helpers/tar.js';
import { listContextEntries } from './context-validation.js';
import { packLocalContext } from './local-context.js';

const run = promisify(execFile);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-ctx-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(rel: string, content = rel): Promise<void> {
  await mkdir(join(dir, rel, '..'), { recursive: true });
  await writeFile(join(dir, rel), content);
}

async function pack(options: Parameters<typeof packLocalContext>[1] = {}): Promise<Buffer> {
  return collect(await packLocalContext(dir, options));
}

describe('packLocalContext', () => {
  it('packs files, folders and symlinks in name order with modes, mtimes and link targets', async () => {
    await put('Dockerfile', 'FROM busybox\n');
    await put('b/z.txt', 'zzz');
    await put('a.sh', '#!/bin/sh\n');
    await chmod(join(dir, 'a.sh'), 0o755);
    await symlink('b/z.txt', join(dir, 'link'));
    await utimes(join(dir, 'b/z.txt'), 1_700_000_000, 1_700_000_000);
    const entries = await listTar(await pack());
    expect(entries.map((e) => e.header.name)).toEqual(['Dockerfile', 'a.sh', 'b/', 'b/z.txt', 'link']);
    const byName = new Map(entries.map((e) => [e.header.name, e]));
    expect(byName.get('a.sh')?.header.mode).toBe(0o755);
    expect(byName.get('b/z.txt')?.content.toString()).toBe('zzz');
    expect(byName.get('b/z.txt')?.header.mtime?.getTime()).toBe(1_700_000_000_000);
    expect(byName.get('link')?.header.type).toBe('symlink');
    expect(byName.get('link')?.header.linkname).toBe('b/z.txt');
    expect(byName.get('b/')?.header.type).toBe('directory');
  });

  it('refuses a symlink that points outside the folder, unless .dockerignore leaves it out', async () => {
    await put('Dockerfile');
    await symlink('/etc/passwd', join(dir, 'passwd'));
    await expect(pack()).rejects.toMatchObject({ code: 'SOURCE_INVALID', detail: { entry: 'passwd' } });
    await put('.dockerignore', 'passwd\n');
    expect(await tarNames(await pack())).toEqual(['.dockerignore', 'Dockerfile']);
  });

  it('produces an archive that GNU tar lists, and the same bytes twice', async () => {
    await put('Dockerfile');
    await put('src/app.js', 'console.log(1)');
    const tar = await pack();
    await writeFile(join(dir, '..', `${dir.split('/').pop()}.tar`), tar);
    const { stdout } = await run('tar', ['-tvf', join(dir, '..', `${dir.split('/').pop()}.tar`)]);
    await rm(join(dir, '..', `${dir.split('/').pop()}.tar`));
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/).pop())).toEqual(['Dockerfile', 'src/', 'src/app.js']);
    expect(lines[2]).toMatch(/^-rw-r--r-- 0\/0 +14 /);
    expect((await pack()).equals(tar)).toBe(true);
  });

  it('applies .dockerignore: last match wins, ! re-includes, ** and comments, Dockerfile and .dockerignore kept', async () => {
    await put('Dockerfile');
    await put('.dockerignore', '\uFEFF# build outputs\n\n*.log\n!keep.log\nlogs\n!logs/important.txt\n**/*.tmp\nDockerfile\n.dockerignore\nsecret/\n');
    for (const f of ['a.log', 'keep.log', 'logs/x.txt', 'logs/important.txt', 'deep/er/x.tmp', 'x.tmp', 'sub/b.log', 'secret/key', 'app.js']) await put(f);
    const names = await tarNames(await pack());
    expect(names).toEqual(['.dockerignore', 'Dockerfile', 'app.js', 'deep/', 'deep/er/', 'keep.log', 'logs/', 'logs/important.txt', 'sub/', 'sub/b.log']);
  });

  it('skips an ignored folder without descending when no rule re-includes anything', async () => {
    await put('Dockerfile');
    await put('.dockerignore', 'node_modules\n');
    await put('node_modules/x/index.js');
    expect(await tarNames(await pack())).toEqual(['.dockerignore', 'Dockerfile']);
  });

  it('keeps a Dockerfile that lives inside an ignored folder', async () => {
    await put('docker/app.Dockerfile');
    await put('docker/other');
    await put('.dockerignore', 'docker\n');
    expect(await tarNames(await pack({ dockerfile: 'docker/app.Dockerfile' }))).toEqual(['.dockerignore', 'docker/', 'docker/app.Dockerfile']);
  });

  it('uses <dockerfile>.dockerignore over .dockerignore when the Dockerfile has another name', async () => {
    await put('prod.Dockerfile');
    await put('prod.Dockerfile.dockerignore', '*.md\n');
    await put('.dockerignore', '*.txt\n');
    await put('a.md');
    await put('a.txt');
    const names = await tarNames(await pack({ dockerfile: 'prod.Dockerfile' }));
    expect(names).toEqual(['.dockerignore', 'a.txt', 'prod.Dockerfile', 'prod.Dockerfile.dockerignore']);
  });

  it('packs a Dockerfile from outside the folder last, under the given name, with <basename>.dockerignore applied', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'slipway-ctx-outside-'));
    try {
      await writeFile(join(outside, 'app.Dockerfile'), 'FROM scratch\n');
      await put('app.Dockerfile.dockerignore', '*.log\n');
      await put('a.log');
      await put('b.txt');
      const tar = await pack({ externalDockerfile: { path: join(outside, 'app.Dockerfile'), name: '0123abcd_app.Dockerfile' } });
      expect(await tarNames(tar)).toEqual(['app.Dockerfile.dockerignore', 'b.txt', '0123abcd_app.Dockerfile']);
      expect((await listContextEntries(Readable.from([tar]))).at(-1)).toMatchObject({ name: '0123abcd_app.Dockerfile', sizeBytes: 13 });
      await expect(packLocalContext(dir, { externalDockerfile: { path: join(outside, 'missing'), name: 'x_missing' } })).rejects.toMatchObject({ code: 'SOURCE_DOCKERFILE_MISSING' });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('leaves VCS folders out at any depth', async () => {
    await put('Dockerfile');
    for (const f of ['.git/HEAD', '.hg/x', '.svn/x', '.bzr/x', 'vendor/lib/.git/config', 'vendor/lib/a.c', '.gitignore']) await put(f);
    expect(await tarNames(await pack())).toEqual(['.gitignore', 'Dockerfile', 'vendor/', 'vendor/lib/', 'vendor/lib/a.c']);
  });

  it('stores names longer than the ustar fields through pax headers', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(150)}.txt`;
    const split = `${'p'.repeat(80)}/${'q'.repeat(90)}`;
    await put('Dockerfile');
    await put(long, 'long');
    await put(split, 'split');
    await put('ünïcödé.txt', 'u');
    const tar = await pack();
    const names = await tarNames(tar);
    expect(names).toContain(long);
    expect(names).toContain(split);
    expect(names).toContain('ünïcödé.txt');
    expect((await listContextEntries(Readable.from([tar]))).map((e) => e.name)).toEqual(names);
  });

  it('rejects a missing folder, a file, a missing Dockerfile and a Dockerfile outside the context', async () => {
    await put('file.txt');
    await expect(packLocalContext(join(dir, 'nope'))).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    await expect(packLocalContext(join(dir, 'file.txt'))).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    await expect(packLocalContext(dir)).rejects.toMatchObject({ code: 'SOURCE_DOCKERFILE_MISSING' });
    await expect(packLocalContext(dir, { dockerfile: '../Dockerfile' })).rejects.toMatchObject({ code: 'SOURCE_DOCKERFILE_MISSING' });
    expect(await tarNames(await pack({ dockerfile: null }))).toEqual(['file.txt']);
  });

  it('reports progress in bytes and ends at the archive size', async () => {
    await put('Dockerfile');
    await put('big.bin', Buffer.alloc(300_000, 7).toString());
    const seen: number[] = [];
    const tar = await pack({ onProgress: (bytes) => seen.push(bytes) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(tar.length);
  });

  it('stops when the signal aborts', async () => {
    await put('Dockerfile');
    const controller = new AbortController();
    const stream = await packLocalContext(dir, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(collect(stream)).rejects.toThrow('stop');
  });

  it('streams a 50 MB file: output starts before the file is read and a paused reader stops the reading', async () => {
    await put('Dockerfile');
    const size = 50 * 1024 * 1024;
    const handle = await open(join(dir, 'big.bin'), 'w');
    await handle.truncate(size);
    await handle.close();
    let progress = 0;
    const stream = await packLocalContext(dir, { onProgress: (bytes) => (progress = bytes) });
    const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let total = 0;
    while (total < 1024 * 1024) total += ((await iterator.next()).value as Buffer).length;
    await sleep(100); // a consumer that stops reading: backpressure must stop the packing too
    expect(progress).toBeLessThan(4 * 1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) total += next.value.length;
    expect(total).toBe(512 + 512 + 512 + size + 1024);
    // Not a precise measure (freed chunks linger until GC), but a whole-file buffer would show.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(size);
  });
});
