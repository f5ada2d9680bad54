/**
 * A minimal ustar header writer (POSIX.1-1988 ustar plus pax extended headers from POSIX.1-2001),
 * enough for build contexts: regular files, directories and symlinks. Names that do not fit the
 * 100-byte name field (nor the 155-byte prefix split), link targets over 100 bytes and sizes of
 * 8 GiB or more go into a pax `x` header before the entry, as GNU tar and Docker do.
 */

export const BLOCK_SIZE = 512;

export const TarEntryType = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  directory: '5',
} as const;
export type TarEntryType = (typeof TarEntryType)[keyof typeof TarEntryType];

export interface TarHeader {
  /** Archive path with `/` separators; directories without a trailing slash (one is added). */
  readonly name: string;
  readonly type: TarEntryType;
  /** Permission bits (`st_mode & 0o7777`). */
  readonly mode: number;
  readonly sizeBytes: number;
  readonly mtimeSeconds: number;
  readonly linkname?: string;
  readonly uid?: number;
  readonly gid?: number;
}

const OCTAL_11_MAX = 0o77777777777;

/** The header block(s) for one entry: a pax header when needed, then the ustar header. */
export function encodeTarHeader(header: TarHeader): Buffer {
  const name = header.type === TarEntryType.directory ? `${header.name}/` : header.name;
  const pax: Record<string, string> = {};
  const split = splitName(name);
  if (split === null) pax.path = name;
  const linkname = header.linkname ?? '';
  if (Buffer.byteLength(linkname) > 100) pax.linkpath = linkname;
  if (header.sizeBytes > OCTAL_11_MAX) pax.size = String(header.sizeBytes);
  const block = ustarBlock(header, split ?? { prefix: '', name: name.slice(0, 99) }, linkname);
  if (Object.keys(pax).length === 0) return block;
  const paxData = encodePaxRecords(pax);
  const paxHeader = ustarBlock(
    { name: 'PaxHeader', type: 'x' as TarEntryType, mode: 0o644, sizeBytes: paxData.length, mtimeSeconds: header.mtimeSeconds },
    { prefix: '', name: 'PaxHeader' },
    '',
  );
  return Buffer.concat([paxHeader, paxData, Buffer.alloc(padding(paxData.length)), block]);
}

/** Zero bytes that round `sizeBytes` up to a whole block. */
export function padding(sizeBytes: number): number {
  const rest = sizeBytes % BLOCK_SIZE;
  return rest === 0 ? 0 : BLOCK_SIZE - rest;
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(BLOCK_SIZE * 2);
}

/** Splits a path over the ustar prefix (155) and name (100) fields, or null when it cannot. */
function splitName(name: string): { prefix: string; name: string } | null {
  if (Buffer.byteLength(name) <= 100 && isAscii(name)) return { prefix: '', name };
  if (!isAscii(name)) return null;
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { prefix, name: rest };
  }
  return null;
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function ustarBlock(header: TarHeader, names: { prefix: string; name: string }, linkname: string): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  block.write(names.name, 0, 100, 'utf8');
  writeOctal(block, header.mode & 0o7777, 100, 8);
  writeOctal(block, header.uid ?? 0, 108, 8);
  writeOctal(block, header.gid ?? 0, 116, 8);
  writeOctal(block, header.sizeBytes > OCTAL_11_MAX ? 0 : header.sizeBytes, 124, 12);
  writeOctal(block, Math.max(0, Math.min(header.mtimeSeconds, OCTAL_11_MAX)), 136, 12);
  block.write(header.type, 156, 1, 'ascii');
  block.write(linkname, 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write(names.prefix, 345, 155, 'utf8');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

function writeOctal(block: Buffer, value: number, offset: number, length: number): void {
  block.write(`${Math.floor(value).toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

/** pax records are `"<len> <key>=<value>\n"`, where len counts the whole record including itself. */
function encodePaxRecords(records: Record<string, string>): Buffer {
  const parts = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    const bodyBytes = Buffer.byteLength(body);
    let len = bodyBytes + String(bodyBytes).length;
    if (String(len).length + bodyBytes !== len) len = String(len).length + bodyBytes;
    return `${len}${body}`;
  });
  return Buffer.from(parts.join(''), 'utf8');
}
