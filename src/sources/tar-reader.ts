import { BLOCK_SIZE, padding } from '../core/tar/tar-header.js';

/**
 * An incremental tar header reader: it is fed the archive in chunks of any size and calls back
 * with each entry's header as soon as the header's last byte has arrived, so a caller can vet
 * every header before passing the bytes that hold it on. Reads ustar, GNU (`ustar  `) and v7
 * headers, pax `x` headers (path, linkpath, size), pax `g` globals (skipped) and GNU `L`/`K`
 * long names. File data is skipped, never buffered.
 */

export interface TarEntryHeader {
  readonly name: string;
  /** The type flag character; `'0'` for a v7 regular file (NUL flag). */
  readonly type: string;
  readonly linkname: string;
  readonly sizeBytes: number;
  readonly mode: number;
  readonly mtimeSeconds: number;
}

/** Thrown for bytes that are not a well-formed tar; the caller maps it to its own error. */
export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

/** pax extended (`x`) and global (`g`) headers, GNU long name (`L`) and long link (`K`). */
const META_TYPES: ReadonlySet<string> = new Set(['x', 'g', 'L', 'K']);

/** Metadata entries larger than this are refused (a pax header or GNU long name is a few KiB). */
const MAX_META_BYTES = 1024 * 1024;

type State =
  | { readonly kind: 'header' }
  | { readonly kind: 'data'; remaining: number }
  | { readonly kind: 'meta'; readonly type: string; readonly sizeBytes: number; readonly chunks: Buffer[]; remaining: number }
  | { readonly kind: 'end' };

export class TarReader {
  private state: State = { kind: 'header' };
  private pending: Buffer = Buffer.alloc(0);
  private pax: Record<string, string> = {};
  private longName: string | undefined;
  private longLink: string | undefined;
  private headersSeen = 0;
  private zeroBlocks = 0;

  constructor(private readonly onEntry: (entry: TarEntryHeader) => void) {}

  /** Feeds the next bytes; throws TarFormatError (or whatever onEntry throws). */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) offset += this.consume(chunk, offset);
  }

  /** Call at end of input: throws when the archive is empty or stops inside an entry. */
  finish(): void {
    if (this.headersSeen === 0) throw new TarFormatError('not a tar archive (no entries)');
    if (this.state.kind === 'data' || this.state.kind === 'meta' || this.pending.length > 0) {
      throw new TarFormatError('tar archive is truncated');
    }
  }

  private consume(chunk: Buffer, offset: number): number {
    const state = this.state;
    if (state.kind === 'end') return chunk.length - offset;
    if (state.kind === 'data') {
      const n = Math.min(state.remaining, chunk.length - offset);
      state.remaining -= n;
      if (state.remaining === 0) this.state = { kind: 'header' };
      return n;
    }
    if (state.kind === 'meta') {
      const n = Math.min(state.remaining, chunk.length - offset);
      state.chunks.push(chunk.subarray(offset, offset + n));
      state.remaining -= n;
      if (state.remaining === 0) this.finishMeta(state);
      return n;
    }
    const need = BLOCK_SIZE - this.pending.length;
    const take = Math.min(need, chunk.length - offset);
    this.pending = Buffer.concat([this.pending, chunk.subarray(offset, offset + take)]);
    if (this.pending.length === BLOCK_SIZE) {
      const block = this.pending;
      this.pending = Buffer.alloc(0);
      this.readHeader(block);
    }
    return take;
  }

  private readHeader(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.zeroBlocks += 1;
      if (this.headersSeen === 0) throw new TarFormatError('not a tar archive (starts with zero bytes)');
      if (this.zeroBlocks === 2) this.state = { kind: 'end' };
      return;
    }
    this.zeroBlocks = 0;
    if (!checksumMatches(block)) {
      throw new TarFormatError(this.headersSeen === 0 ? 'not a tar archive' : 'tar header checksum mismatch');
    }
    this.headersSeen += 1;
    const type = String.fromCharCode(block[156] ?? 0);
    const sizeBytes = readNumber(block, 124, 12);
    if (META_TYPES.has(type)) {
      if (sizeBytes > MAX_META_BYTES) throw new TarFormatError(`tar metadata entry of ${sizeBytes} bytes is too large`);
      this.state = { kind: 'meta', type, sizeBytes, chunks: [], remaining: sizeBytes + padding(sizeBytes) };
      if (sizeBytes === 0) this.finishMeta(this.state);
      return;
    }
    const entry = this.entryFrom(block, type, sizeBytes);
    this.onEntry(entry);
    const dataBytes = hasData(entry.type) ? entry.sizeBytes + padding(entry.sizeBytes) : 0;
    this.state = dataBytes > 0 ? { kind: 'data', remaining: dataBytes } : { kind: 'header' };
  }

  private entryFrom(block: Buffer, type: string, headerSize: number): TarEntryHeader {
    const isUstar = block.toString('latin1', 257, 262) === 'ustar';
    const prefix = isUstar ? readString(block, 345, 155) : '';
    const baseName = readString(block, 0, 100);
    const name = this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const linkname = this.pax.linkpath ?? this.longLink ?? readString(block, 157, 100);
    const sizeBytes = this.pax.size === undefined ? headerSize : Number(this.pax.size);
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new TarFormatError(`bad size for ${name}`);
    this.pax = {};
    this.longName = undefined;
    this.longLink = undefined;
    return {
      name,
      type: type === '\u0000' ? '0' : type,
      linkname,
      sizeBytes,
      mode: readNumber(block, 100, 8),
      mtimeSeconds: readNumber(block, 136, 12),
    };
  }

  private finishMeta(state: Extract<State, { kind: 'meta' }>): void {
    const data = Buffer.concat(state.chunks).subarray(0, state.sizeBytes);
    if (state.type === 'x') this.pax = { ...this.pax, ...parsePax(data) };
    else if (state.type === 'L') this.longName = cString(data);
    else if (state.type === 'K') this.longLink = cString(data);
    this.state = { kind: 'header' };
  }
}

/** Types whose size field counts data blocks that follow (hard links, symlinks, dirs have none). */
function hasData(type: string): boolean {
  return type !== '1' && type !== '2' && type !== '5' && type !== '3' && type !== '4' && type !== '6';
}

function checksumMatches(block: Buffer): boolean {
  const stored = readNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK_SIZE; i += 1) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** Octal (NUL/space terminated) or GNU base-256 (high bit of the first byte set). */
function readNumber(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i += 1) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError('not a tar archive (bad number field)');
  return parseInt(text, 8);
}

function readString(block: Buffer, offset: number, length: number): string {
  return cString(block.subarray(offset, offset + length));
}

function cString(data: Buffer): string {
  const end = data.indexOf(0);
  return data.toString('utf8', 0, end === -1 ? data.length : end);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const len = space === -1 ? NaN : parseInt(data.toString('ascii', offset, space), 10);
    if (!Number.isSafeInteger(len) || len <= 0 || offset + len > data.length) {
      throw new TarFormatError('malformed pax header');
    }
    const record = data.toString('utf8', space + 1, offset + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    offset += len;
  }
  return out;
}
