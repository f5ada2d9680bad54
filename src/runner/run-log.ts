import { Readable } from 'node:stream';
import type { ObjectStore, ObjectWriter } from '../registry/storage/object-store.js';
import { StorageLayout } from '../registry/storage/layout.js';

/**
 * A run's log in the object store (`logs/<runId>.log`): lines are redacted, then appended in
 * order as they arrive. `line` never blocks the caller (the engine's `onLog` must not); the
 * appends are chained, and `close` waits for them. A failing append is remembered and the
 * later lines are dropped: a run must not fail because its log could not be written.
 */
export class RunLog {
  private chain: Promise<void> = Promise.resolve();
  private writer: ObjectWriter | undefined;
  private failure: unknown;
  private size = 0;

  private constructor(
    private readonly redact: (text: string) => string,
    private readonly onAppend: () => void,
  ) {}

  /** `onAppend` is called after each line reached the store (a follower may read it now). */
  static async open(objects: ObjectStore, runId: string, redact: (text: string) => string, onAppend: () => void = () => undefined): Promise<RunLog> {
    const log = new RunLog(redact, onAppend);
    log.writer = await objects.openWriter(StorageLayout.runLog(runId));
    log.size = log.writer.sizeBytes;
    return log;
  }

  /** Bytes written so far (after redaction). */
  get sizeBytes(): number {
    return this.size;
  }

  /** The first append error, if any. */
  get error(): unknown {
    return this.failure;
  }

  /** Queues one line (a trailing newline is added; embedded newlines split it). */
  line(text: string): void {
    const data = Buffer.from(`${this.redact(text.replace(/\r?\n$/, ''))}\n`, 'utf8');
    this.chain = this.chain.then(async () => {
      if (this.writer === undefined || this.failure !== undefined) return;
      try {
        this.size += await this.writer.append(Readable.from([data]));
        this.onAppend();
      } catch (err) {
        this.failure = err;
      }
    });
  }

  /** Waits for queued lines, makes them durable and releases the writer. Idempotent. */
  async close(): Promise<void> {
    await this.chain;
    const writer = this.writer;
    this.writer = undefined;
    if (writer === undefined) return;
    try {
      await writer.commit();
    } finally {
      await writer.close();
    }
  }
}
