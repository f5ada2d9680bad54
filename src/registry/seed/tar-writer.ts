/**
 * A minimal, deterministic ustar writer for image layers (POSIX.1-1988 `ustar` headers):
 * regular files, directories and symbolic links, owned by 0:0, with one fixed mtime.
 * Entries are written in the order given; callers sort them so equal input gives equal bytes.
 */

const BLOCK = 512;

export type TarEntry =
  | { readonly type: 'file'; readonly path: string; readonly mode: number; readonly data: Buffer }
  | { readonly type: 'dir'; readonly path: string; readonly mode: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

const TYPE_FLAG = { file: '0', symlink: '2', dir: '5' } as const;

function writeString(header: Buffer, value: string, offset: number, length: number): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: "${value}" is longer than ${length} bytes`);
  bytes.copy(header, offset);
}

/** Octal number, zero-padded, NUL-terminated, as ustar numeric fields are. */
function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  writeString(header, `${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
}

/** Splits a long path into ustar's prefix (155 bytes) and name (100 bytes). */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  const cut = path.lastIndexOf('/', path.length - 2);
  if (cut <= 0) throw new Error(`tar: path too long: ${path}`);
  return { prefix: path.slice(0, cut), name: path.slice(cut + 1) };
}

function header(entry: TarEntry, mtimeSeconds: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const path = entry.type === 'dir' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const { prefix, name } = splitPath(path);
  writeString(h, name, 0, 100);
  writeOctal(h, entry.type === 'symlink' ? 0o777 : entry.mode, 100, 8);
  writeOctal(h, 0, 108, 8); // uid
  writeOctal(h, 0, 116, 8); // gid
  writeOctal(h, entry.type === 'file' ? entry.data.length : 0, 124, 12);
  writeOctal(h, mtimeSeconds, 136, 12);
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  writeString(h, TYPE_FLAG[entry.type], 156, 1);
  if (entry.type === 'symlink') writeString(h, entry.target, 157, 100);
  writeString(h, 'ustar\0', 257, 6);
  writeString(h, '00', 263, 2);
  writeString(h, 'root', 265, 32);
  writeString(h, 'root', 297, 32);
  writeString(h, prefix, 345, 155);
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, `${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** The whole archive: headers, file data padded to 512 bytes, and the two zero end blocks. */
export function writeTar(entries: readonly TarEntry[], options: { mtimeSeconds?: number } = {}): Buffer {
  const mtime = options.mtimeSeconds ?? 0;
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry, mtime));
    if (entry.type === 'file' && entry.data.length > 0) {
      parts.push(entry.data);
      const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
      if (pad > 0) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
