import { Readable } from 'node:stream';
import { StoreError, StoreErrorKind } from '../../../core/errors/index.js';
import { keySegments } from '../keys.js';
import type { CallOptions, ObjectInfo, ObjectStore, ObjectWriter, ReadOptions } from '../object-store.js';

const BACKEND = 'memory';

interface Entry {
  data: Buffer;
  modifiedAt: Date;
}

function notFound(key: string): StoreError {
  return new StoreError(StoreErrorKind.NOT_FOUND, BACKEND, `no object at ${key}`);
}

/** An object store in a Map, for unit tests; not durable by design. */
export class MemoryObjectStore implements ObjectStore {
  readonly name = BACKEND;
  readonly capabilities = { redirect: false } as const;
  private readonly objects = new Map<string, Entry>();

  async init(): Promise<void> {}
  async close(): Promise<void> {}

  private entry(key: string): Entry {
    keySegments(key, BACKEND);
    const entry = this.objects.get(key);
    if (!entry) throw notFound(key);
    return entry;
  }

  async stat(key: string): Promise<ObjectInfo> {
    const { data, modifiedAt } = this.entry(key);
    return { key, sizeBytes: data.length, modifiedAt };
  }

  async get(key: string): Promise<Buffer> {
    return Buffer.from(this.entry(key).data);
  }

  async put(key: string, data: Buffer): Promise<void> {
    keySegments(key, BACKEND);
    this.objects.set(key, { data: Buffer.from(data), modifiedAt: new Date() });
  }

  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    const { data } = this.entry(key);
    const start = options.offset ?? 0;
    const end = options.length === undefined ? data.length : start + options.length;
    return Readable.from([data.subarray(start, end)]);
  }

  async openWriter(key: string): Promise<ObjectWriter> {
    keySegments(key, BACKEND);
    if (!this.objects.has(key)) this.objects.set(key, { data: Buffer.alloc(0), modifiedAt: new Date() });
    const objects = this.objects;
    return {
      get sizeBytes(): number {
        return objects.get(key)?.data.length ?? 0;
      },
      async append(source: Readable, options: CallOptions = {}): Promise<number> {
        let added = 0;
        for await (const chunk of source) {
          options.signal?.throwIfAborted();
          const entry = objects.get(key);
          if (!entry) throw notFound(key);
          entry.data = Buffer.concat([entry.data, chunk as Buffer]);
          entry.modifiedAt = new Date();
          added += (chunk as Buffer).length;
        }
        return added;
      },
      async commit(): Promise<void> {},
      async close(): Promise<void> {},
    };
  }

  async *list(prefix: string): AsyncIterable<string> {
    if (prefix !== '') keySegments(prefix, BACKEND);
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) yield key;
  }

  async delete(key: string): Promise<void> {
    keySegments(key, BACKEND);
    if (!key.endsWith('/')) {
      this.objects.delete(key);
      return;
    }
    for (const k of [...this.objects.keys()]) if (k.startsWith(key)) this.objects.delete(k);
  }

  async move(from: string, to: string): Promise<void> {
    keySegments(to, BACKEND);
    const entry = this.entry(from);
    this.objects.delete(from);
    this.objects.set(to, entry);
  }
}
