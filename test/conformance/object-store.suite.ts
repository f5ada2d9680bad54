import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { StoreError, type StoreErrorKind } from '../../src/core/errors/index.js';
import type { ObjectStore } from '../../src/registry/storage/object-store.js';
import { conformanceTests, type SkipList } from './skip-list.js';

/** Builds a fresh, initialised store; `cleanup` releases whatever it holds (temp dirs). */
export type ObjectStoreFactory = () => Promise<{ store: ObjectStore; cleanup(): Promise<void> }>;

const POLL_DEADLINE_MS = 5_000;

async function expectStoreError(action: Promise<unknown>, kind: StoreErrorKind): Promise<void> {
  const outcome = await action.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(outcome, `expected a StoreError of kind ${kind}`).toBeInstanceOf(StoreError);
  expect((outcome as StoreError).kind).toBe(kind);
}

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out.sort();
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function streamOf(...parts: string[]): Readable {
  return Readable.from(parts.map((p) => Buffer.from(p)));
}

/** Polls `check` until it holds or the deadline passes; no fixed sleeps. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + POLL_DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The ObjectStore contract (src/registry/storage/object-store.ts) that every adapter runs.
 * `skip` maps a test title to the reason this adapter cannot honour it.
 */
export function objectStoreSuite(name: string, factory: ObjectStoreFactory, skip?: SkipList): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    const { test, checkSkipList } = conformanceTests(skip);
    let store: ObjectStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });

    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    describe('missing objects', () => {
      test('stat reports NOT_FOUND for a key that was never written', async () => {
        await expectStoreError(store.stat('never/written'), 'NOT_FOUND');
      });

      test('get reports NOT_FOUND for a key that was never written', async () => {
        await expectStoreError(store.get('never/written'), 'NOT_FOUND');
      });

      test('read rejects with NOT_FOUND instead of returning a stream that fails later', async () => {
        await expectStoreError(store.read('never/written'), 'NOT_FOUND');
      });

      test('stat reports NOT_FOUND for a prefix that only holds other objects', async () => {
        await store.put('dir/child', Buffer.from('x'));
        await expectStoreError(store.stat('dir'), 'NOT_FOUND');
      });
    });

    describe('whole objects', () => {
      test('init can run again without losing objects', async () => {
        await store.put('keep/me', Buffer.from('kept'));
        await store.init();
        expect((await store.get('keep/me')).toString()).toBe('kept');
      });

      test('get returns exactly the bytes put stored, under a nested key', async () => {
        const data = Buffer.from([0, 1, 2, 255, 10, 13]);
        await store.put('a/b/c/d/data', data);
        expect(await store.get('a/b/c/d/data')).toEqual(data);
      });

      test('stat reports the size and modification time of a stored object', async () => {
        await store.put('sized', Buffer.from('12345'));
        const info = await store.stat('sized');
        expect(info.key).toBe('sized');
        expect(info.sizeBytes).toBe(5);
        expect(info.modifiedAt).toBeInstanceOf(Date);
        expect(Number.isNaN(info.modifiedAt.getTime())).toBe(false);
      });

      test('put of an empty buffer stores an empty object', async () => {
        await store.put('empty', Buffer.alloc(0));
        expect((await store.stat('empty')).sizeBytes).toBe(0);
        expect((await store.get('empty')).length).toBe(0);
      });

      test('put replaces a longer object completely, leaving no tail of the old bytes', async () => {
        await store.put('replace/me', Buffer.from('a much longer first version'));
        await store.put('replace/me', Buffer.from('short'));
        expect((await store.get('replace/me')).toString()).toBe('short');
        expect((await store.stat('replace/me')).sizeBytes).toBe(5);
      });

      test('put leaves no temporary objects visible to list', async () => {
        await store.put('only/one', Buffer.from('1'));
        await store.put('only/one', Buffer.from('2'));
        expect(await collect(store.list(''))).toEqual(['only/one']);
      });

      test('stored bytes do not change when the caller mutates its buffers', async () => {
        const data = Buffer.from('original');
        await store.put('isolated', data);
        data.fill(0);
        const first = await store.get('isolated');
        first.fill(0);
        expect((await store.get('isolated')).toString()).toBe('original');
      });
    });

    describe('ranged reads', () => {
      beforeEach(async () => {
        await store.put('range/data', Buffer.from('0123456789'));
      });

      test('read without options streams the whole object', async () => {
        expect((await readAll(await store.read('range/data'))).toString()).toBe('0123456789');
      });

      test('read from an offset streams to the end of the object', async () => {
        expect((await readAll(await store.read('range/data', { offset: 4 }))).toString()).toBe('456789');
      });

      test('read with an offset and a length streams exactly that range', async () => {
        expect((await readAll(await store.read('range/data', { offset: 2, length: 3 }))).toString()).toBe('234');
      });

      test('read with only a length streams the first bytes', async () => {
        expect((await readAll(await store.read('range/data', { length: 4 }))).toString()).toBe('0123');
      });

      test('read at an offset equal to the size streams nothing', async () => {
        expect((await readAll(await store.read('range/data', { offset: 10 }))).length).toBe(0);
      });

      test('read with a zero length streams nothing', async () => {
        expect((await readAll(await store.read('range/data', { offset: 3, length: 0 }))).length).toBe(0);
      });
    });

    describe('resumable writers', () => {
      test('openWriter creates an empty object when the key is absent', async () => {
        const writer = await store.openWriter('uploads/new/data');
        expect(writer.sizeBytes).toBe(0);
        await writer.close();
        expect((await store.stat('uploads/new/data')).sizeBytes).toBe(0);
      });

      test('append resolves with the bytes it appended and sizeBytes grows with each call', async () => {
        const writer = await store.openWriter('uploads/one/data');
        expect(await writer.append(streamOf('abc', 'de'))).toBe(5);
        expect(writer.sizeBytes).toBe(5);
        expect(await writer.append(streamOf('fgh'))).toBe(3);
        expect(writer.sizeBytes).toBe(8);
        await writer.close();
        expect((await store.get('uploads/one/data')).toString()).toBe('abcdefgh');
      });

      test('append of an empty stream appends nothing', async () => {
        const writer = await store.openWriter('uploads/empty/data');
        expect(await writer.append(Readable.from([]))).toBe(0);
        expect(writer.sizeBytes).toBe(0);
        await writer.close();
      });

      test('a later writer resumes where earlier writers stopped', async () => {
        const key = 'uploads/resume/data';
        for (const [piece, sizeBefore] of [['first-', 0], ['second-', 6], ['third', 13]] as const) {
          const writer = await store.openWriter(key);
          expect(writer.sizeBytes).toBe(sizeBefore);
          await writer.append(streamOf(piece));
          await writer.commit();
          await writer.close();
        }
        expect((await store.get(key)).toString()).toBe('first-second-third');
        expect((await store.stat(key)).sizeBytes).toBe(18);
      });

      test('openWriter on an object written by put resumes after its bytes', async () => {
        await store.put('uploads/put/data', Buffer.from('1234'));
        const writer = await store.openWriter('uploads/put/data');
        expect(writer.sizeBytes).toBe(4);
        await writer.append(streamOf('56'));
        await writer.close();
        expect((await store.get('uploads/put/data')).toString()).toBe('123456');
      });

      test('append of a stream that fails midway keeps the bytes written before the failure', async () => {
        const key = 'uploads/broken/data';
        const writer = await store.openWriter(key);
        await writer.append(streamOf('head-'));
        async function* failing(): AsyncGenerator<Buffer> {
          yield Buffer.from('kept');
          // Fail only once the first chunk is in the object, so the expected size is exact.
          await until(async () => (await store.stat(key)).sizeBytes >= 9);
          throw new Error('client went away');
        }
        await expect(writer.append(Readable.from(failing()))).rejects.toThrow();
        expect(writer.sizeBytes).toBe(9);
        expect((await store.stat(key)).sizeBytes).toBe(9);
        expect((await store.get(key)).toString()).toBe('head-kept');
        expect(await writer.append(streamOf('-tail'))).toBe(5);
        expect(writer.sizeBytes).toBe(14);
        await writer.close();
        const resumed = await store.openWriter(key);
        expect(resumed.sizeBytes).toBe(14);
        await resumed.close();
        expect((await store.get(key)).toString()).toBe('head-kept-tail');
      });

      test('commit keeps the object in place and readable', async () => {
        const writer = await store.openWriter('uploads/commit/data');
        await writer.append(streamOf('durable'));
        await writer.commit();
        await writer.close();
        expect((await readAll(await store.read('uploads/commit/data'))).toString()).toBe('durable');
      });

      test('close is idempotent and does not delete what was written', async () => {
        const writer = await store.openWriter('uploads/close/data');
        await writer.append(streamOf('stays'));
        await writer.close();
        await writer.close();
        expect((await store.get('uploads/close/data')).toString()).toBe('stays');
      });
    });

    describe('listing', () => {
      beforeEach(async () => {
        await store.put('repo/a/one', Buffer.from('1'));
        await store.put('repo/a/deep/two', Buffer.from('2'));
        await store.put('repo/b/three', Buffer.from('3'));
        await store.put('repo/ab/four', Buffer.from('4'));
      });

      test('list yields every key under a prefix, at any depth', async () => {
        expect(await collect(store.list('repo/a/'))).toEqual(['repo/a/deep/two', 'repo/a/one']);
      });

      test('list with an empty prefix yields every object', async () => {
        expect(await collect(store.list(''))).toEqual(['repo/a/deep/two', 'repo/a/one', 'repo/ab/four', 'repo/b/three']);
      });

      test('list of a prefix with no objects yields nothing', async () => {
        expect(await collect(store.list('nothing/here/'))).toEqual([]);
      });

      test('list includes objects created by openWriter', async () => {
        const writer = await store.openWriter('repo/c/upload');
        await writer.close();
        expect(await collect(store.list('repo/c/'))).toEqual(['repo/c/upload']);
      });
    });

    describe('deleting', () => {
      test('delete removes one object and leaves its siblings', async () => {
        await store.put('del/one', Buffer.from('1'));
        await store.put('del/two', Buffer.from('2'));
        await store.delete('del/one');
        await expectStoreError(store.stat('del/one'), 'NOT_FOUND');
        expect((await store.get('del/two')).toString()).toBe('2');
      });

      test('delete of an absent object succeeds', async () => {
        await store.delete('never/there');
        await store.put('twice', Buffer.from('x'));
        await store.delete('twice');
        await store.delete('twice');
        await expectStoreError(store.get('twice'), 'NOT_FOUND');
      });

      test('delete of a prefix/ removes the whole tree and nothing beside it', async () => {
        await store.put('tree/x', Buffer.from('x'));
        await store.put('tree/sub/y', Buffer.from('y'));
        await store.put('treehouse/z', Buffer.from('z'));
        await store.put('other/w', Buffer.from('w'));
        await store.delete('tree/');
        expect(await collect(store.list(''))).toEqual(['other/w', 'treehouse/z']);
        await store.delete('tree/');
        await store.delete('absent/tree/');
        expect(await collect(store.list(''))).toEqual(['other/w', 'treehouse/z']);
      });

      test('a key can be written again after its tree was deleted', async () => {
        await store.put('again/data', Buffer.from('old'));
        await store.delete('again/');
        await store.put('again/data', Buffer.from('new'));
        expect((await store.get('again/data')).toString()).toBe('new');
      });
    });

    describe('moving', () => {
      test('move makes the object readable at the target and removes the source', async () => {
        await store.put('uploads/u1/data', Buffer.from('content'));
        await store.move('uploads/u1/data', 'blobs/sha256/ab/abcd/data');
        expect((await store.get('blobs/sha256/ab/abcd/data')).toString()).toBe('content');
        await expectStoreError(store.stat('uploads/u1/data'), 'NOT_FOUND');
      });

      test('move replaces an existing target', async () => {
        await store.put('from', Buffer.from('new'));
        await store.put('to', Buffer.from('old and longer'));
        await store.move('from', 'to');
        expect((await store.get('to')).toString()).toBe('new');
        expect(await collect(store.list(''))).toEqual(['to']);
      });

      test('move reports NOT_FOUND when the source is absent and leaves the target alone', async () => {
        await store.put('target', Buffer.from('untouched'));
        await expectStoreError(store.move('missing/source', 'target'), 'NOT_FOUND');
        expect((await store.get('target')).toString()).toBe('untouched');
      });

      test('move carries bytes appended through a writer', async () => {
        const writer = await store.openWriter('uploads/u2/data');
        await writer.append(streamOf('streamed'));
        await writer.commit();
        await writer.close();
        await store.move('uploads/u2/data', 'blobs/final');
        expect((await store.get('blobs/final')).toString()).toBe('streamed');
      });
    });

    describe('invalid keys', () => {
      for (const bad of ['../x', '/abs', 'a/../b']) {
        test(`every method rejects the key ${bad} with INVALID_ARGUMENT`, async () => {
          await store.put('ok', Buffer.from('ok'));
          await expectStoreError(store.stat(bad), 'INVALID_ARGUMENT');
          await expectStoreError(store.get(bad), 'INVALID_ARGUMENT');
          await expectStoreError(store.put(bad, Buffer.from('x')), 'INVALID_ARGUMENT');
          await expectStoreError(store.read(bad), 'INVALID_ARGUMENT');
          await expectStoreError(store.openWriter(bad), 'INVALID_ARGUMENT');
          await expectStoreError(store.delete(bad), 'INVALID_ARGUMENT');
          await expectStoreError(store.delete(`${bad}/`), 'INVALID_ARGUMENT');
          await expectStoreError(collect(store.list(`${bad}/`)), 'INVALID_ARGUMENT');
          await expectStoreError(store.move('ok', bad), 'INVALID_ARGUMENT');
          await expectStoreError(store.move(bad, 'ok'), 'INVALID_ARGUMENT');
          expect((await store.get('ok')).toString()).toBe('ok');
        });
      }
    });

    checkSkipList();
  });
}
