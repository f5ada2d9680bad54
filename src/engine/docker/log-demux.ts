import type { LogChunk } from '../container-engine.js';

const HEADER_BYTES = 8;

/**
 * Splits the engine's multiplexed log stream (containers without a TTY) into chunks:
 * each frame is an 8-byte header `[stream, 0, 0, 0, size uint32 BE]` and `size` bytes.
 * Stream 1 is stdout, 2 stderr (0, stdin, is reported as stdout).
 */
export async function* demuxLogs(source: AsyncIterable<Buffer | string>): AsyncGenerator<LogChunk> {
  let buf = Buffer.alloc(0);
  for await (const piece of source) {
    buf = Buffer.concat([buf, typeof piece === 'string' ? Buffer.from(piece) : piece]);
    while (buf.length >= HEADER_BYTES) {
      const size = buf.readUInt32BE(4);
      if (buf.length < HEADER_BYTES + size) break;
      const data = buf.subarray(HEADER_BYTES, HEADER_BYTES + size);
      yield { stream: buf[0] === 2 ? 'stderr' : 'stdout', data: Buffer.from(data) };
      buf = buf.subarray(HEADER_BYTES + size);
    }
  }
  if (buf.length > 0) throw new Error(`log stream ended inside a frame (${buf.length} bytes left)`);
}
