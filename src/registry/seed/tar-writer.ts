import { TarEntryType, encodeTarHeader, endOfArchive, padding } from '../../core/tar/tar-header.js';

/**
 * A whole, deterministic archive in memory, for image layers: regular files, directories and
 * symbolic links owned by 0:0 with one fixed mtime, in the order given (callers sort them so
 * equal input gives equal bytes). Headers come from the one tar encoder in core/tar.
 */
export type TarEntry =
  | { readonly type: 'file'; readonly path: string; readonly mode: number; readonly data: Buffer }
  | { readonly type: 'dir'; readonly path: string; readonly mode: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

export function writeTar(entries: readonly TarEntry[], options: { mtimeSeconds?: number } = {}): Buffer {
  const mtimeSeconds = options.mtimeSeconds ?? 0;
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.type === 'file') {
      parts.push(encodeTarHeader({ name: entry.path, type: TarEntryType.file, mode: entry.mode, sizeBytes: entry.data.length, mtimeSeconds }));
      parts.push(entry.data, Buffer.alloc(padding(entry.data.length)));
    } else if (entry.type === 'dir') {
      parts.push(encodeTarHeader({ name: entry.path.replace(/\/$/, ''), type: TarEntryType.directory, mode: entry.mode, sizeBytes: 0, mtimeSeconds }));
    } else {
      parts.push(encodeTarHeader({ name: entry.path, type: TarEntryType.symlink, mode: 0o777, sizeBytes: 0, mtimeSeconds, linkname: entry.target }));
    }
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}
