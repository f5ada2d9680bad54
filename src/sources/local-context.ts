import { createReadStream, type Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { AppError, Errors } from '../core/errors/index.js';
import { checkEntry } from './context-validation.js';
import { createIgnoreRules, type IgnoreRules } from './dockerignore.js';
import { encodeTarHeader, endOfArchive, padding, TarEntryType, type TarHeader } from '../core/tar/tar-header.js';

export interface PackLocalOptions {
  /**
   * The Dockerfile, relative to the context folder (or absolute, inside it). It must exist and is
   * always packed, even when .dockerignore matches it. `null` packs a context with no Dockerfile
   * (a task file's context).
   * @defaultValue 'Dockerfile'
   */
  readonly dockerfile?: string | null;
  /**
   * A Dockerfile outside the folder (ACR's `-f` resolves against the current folder): packed
   * last, under `name` at the root, as ACR does with `<uuid>_<basename>`. `dockerfile` is then
   * ignored; the ignore file is `<basename>.dockerignore` or `.dockerignore` at the root.
   */
  readonly externalDockerfile?: { readonly path: string; readonly name: string };
  readonly signal?: AbortSignal;
  /** Called with the total bytes of tar emitted so far, for a progress bar. */
  readonly onProgress?: (bytes: number) => void;
}

/** Names of version-control folders never packed, at any depth (ACR and the Docker CLI agree on these). */
export const VCS_FOLDERS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', '.bzr']);

const READ_CHUNK_BYTES = 64 * 1024;

interface WalkState {
  readonly root: string;
  readonly rules: IgnoreRules;
  /** Archive paths packed whatever the rules say: the Dockerfile and the ignore file in use. */
  readonly alwaysPaths: readonly string[];
  readonly external: { readonly path: string; readonly name: string; readonly stats: Stats } | null;
}

/** A directory whose header is written only once something inside it is packed. */
interface PendingDir {
  readonly rel: string;
  readonly stats: Stats;
  isWritten: boolean;
}

/**
 * Packs a folder as an uncompressed tar stream, the way `docker build` sends a context: the
 * .dockerignore rules (Docker's semantics, see docs/sources.md), VCS folders left out, symlinks
 * stored as links, modes and mtimes as on disk, uid/gid 0, entries sorted by name. Files are read
 * as the stream is consumed, never held whole. Rejects up front with SOURCE_NOT_FOUND (no folder,
 * or not a folder) or SOURCE_DOCKERFILE_MISSING.
 */
export async function packLocalContext(dir: string, options: PackLocalOptions = {}): Promise<Readable> {
  const root = resolve(dir);
  await assertFolder(root, dir);
  const external = options.externalDockerfile === undefined ? null : await externalFile(options.externalDockerfile);
  const dockerfile = external !== null ? null : options.dockerfile === undefined ? 'Dockerfile' : options.dockerfile;
  const dockerfileRel = dockerfile === null ? null : await findDockerfile(root, dockerfile);
  const ignoreFile = await findIgnoreFile(root, dockerfileRel ?? (external === null ? null : basename(external.path)));
  const rules = createIgnoreRules(ignoreFile === null ? '' : await readFile(join(root, ignoreFile), 'utf8'));
  const alwaysPaths = [dockerfileRel, ignoreFile].filter((p): p is string => p !== null);
  const state: WalkState = { root, rules, alwaysPaths, external };
  const out = Readable.from(withProgress(packEntries(state, options.signal), options.onProgress), { objectMode: false });
  if (options.signal) {
    const signal = options.signal;
    if (signal.aborted) out.destroy(signal.reason as Error);
    else signal.addEventListener('abort', () => out.destroy(signal.reason as Error), { once: true });
  }
  return out;
}

async function assertFolder(root: string, given: string): Promise<void> {
  const stats = await stat(root).catch(() => null);
  if (stats === null) {
    throw new AppError(Errors.SOURCE_NOT_FOUND, { message: `context folder "${given}" does not exist`, detail: { path: given } });
  }
  if (!stats.isDirectory()) {
    throw new AppError(Errors.SOURCE_NOT_FOUND, { message: `context "${given}" is not a folder`, detail: { path: given } });
  }
}

async function externalFile(file: { path: string; name: string }): Promise<WalkState['external']> {
  const stats = await stat(file.path).catch(() => null);
  if (stats === null || !stats.isFile()) {
    throw new AppError(Errors.SOURCE_DOCKERFILE_MISSING, { message: `Dockerfile "${file.path}" not found`, detail: { dockerfile: file.path } });
  }
  return { ...file, stats };
}

async function findDockerfile(root: string, dockerfile: string): Promise<string> {
  const full = resolve(root, dockerfile);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new AppError(Errors.SOURCE_DOCKERFILE_MISSING, {
      message: `Dockerfile "${dockerfile}" is not inside the context folder`,
      detail: { dockerfile },
    });
  }
  const stats = await stat(full).catch(() => null);
  if (stats === null || !stats.isFile()) {
    throw new AppError(Errors.SOURCE_DOCKERFILE_MISSING, {
      message: `Dockerfile "${dockerfile}" not found in the context`,
      detail: { dockerfile },
    });
  }
  return rel.split(sep).join('/');
}

/**
 * The ignore file in force: `<dockerfile>.dockerignore` beside the Dockerfile (Docker/BuildKit),
 * then `<basename>.dockerignore` at the root when the Dockerfile has another name (ACR), then
 * `.dockerignore`. Returns its archive path, or null.
 */
async function findIgnoreFile(root: string, dockerfileRel: string | null): Promise<string | null> {
  const candidates: string[] = [];
  if (dockerfileRel !== null) {
    candidates.push(`${dockerfileRel}.dockerignore`);
    const base = posix.basename(dockerfileRel);
    if (base !== 'Dockerfile') candidates.push(`${base}.dockerignore`);
  }
  candidates.push('.dockerignore');
  for (const candidate of candidates) {
    const stats = await stat(join(root, candidate)).catch(() => null);
    if (stats?.isFile()) return candidate;
  }
  return null;
}

async function* packEntries(state: WalkState, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  yield* walk(state, '', [], signal);
  if (state.external !== null) {
    const { path, name, stats } = state.external;
    yield encodeTarHeader({ name, mode: stats.mode & 0o7777, mtimeSeconds: Math.floor(stats.mtimeMs / 1000), type: TarEntryType.file, sizeBytes: stats.size });
    yield* fileData(path, name, stats.size);
  }
  yield endOfArchive();
}

async function* walk(state: WalkState, relDir: string, parents: PendingDir[], signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  const names = (await readdir(join(state.root, relDir))).sort(compareBytes);
  for (const name of names) {
    signal?.throwIfAborted();
    if (VCS_FOLDERS.has(name)) continue;
    const rel = relDir === '' ? name : `${relDir}/${name}`;
    const stats = await lstat(join(state.root, rel)).catch(() => null);
    if (stats === null) continue; // removed while we walk
    const isIgnored = !state.alwaysPaths.includes(rel) && state.rules.ignores(rel);
    if (stats.isDirectory()) yield* walkDir(state, { rel, stats, isWritten: false }, { parents, isIgnored, signal });
    else if (!isIgnored) yield* writeEntry(state, rel, stats, parents);
  }
}

/**
 * An ignored folder is still walked when a `!` rule or a forced path may re-include something
 * inside it (Docker does the same); its header is then written only if something is.
 */
async function* walkDir(
  state: WalkState,
  dir: PendingDir,
  how: { parents: PendingDir[]; isIgnored: boolean; signal: AbortSignal | undefined },
): AsyncGenerator<Buffer> {
  const mustDescend = !how.isIgnored || state.rules.hasExceptions || state.alwaysPaths.some((p) => p.startsWith(`${dir.rel}/`));
  if (!mustDescend) return;
  const chain = [...how.parents, dir];
  if (!how.isIgnored) yield* writeHeaders(chain);
  yield* walk(state, dir.rel, chain, how.signal);
}

async function* writeEntry(state: WalkState, rel: string, stats: Stats, parents: PendingDir[]): AsyncGenerator<Buffer> {
  const header = headerFor(rel, stats, stats.isSymbolicLink() ? await readlink(join(state.root, rel)) : undefined);
  if (header === null) return; // sockets, FIFOs and devices do not belong in a context
  // Fail here, naming the link, rather than have the server refuse the upload later.
  if (header.type === TarEntryType.symlink) checkEntry({ ...header, linkname: header.linkname ?? '' });
  yield* writeHeaders(parents);
  yield encodeTarHeader(header);
  if (header.type === TarEntryType.file) yield* fileData(join(state.root, rel), rel, header.sizeBytes);
}

/** Headers of the not yet written directories in `dirs` (the parents of an entry, outermost first). */
function* writeHeaders(dirs: PendingDir[]): Generator<Buffer> {
  for (const dir of dirs) {
    if (dir.isWritten) continue;
    dir.isWritten = true;
    const header = headerFor(dir.rel, dir.stats, undefined);
    if (header !== null) yield encodeTarHeader(header);
  }
}

function headerFor(rel: string, stats: Stats, linkname: string | undefined): TarHeader | null {
  const base = { name: rel, mode: stats.mode & 0o7777, mtimeSeconds: Math.floor(stats.mtimeMs / 1000) };
  if (stats.isDirectory()) return { ...base, type: TarEntryType.directory, sizeBytes: 0 };
  if (stats.isSymbolicLink()) return { ...base, type: TarEntryType.symlink, sizeBytes: 0, linkname: linkname ?? '' };
  if (stats.isFile()) return { ...base, type: TarEntryType.file, sizeBytes: stats.size };
  return null;
}

/** Exactly `sizeBytes` of the file, then padding; a file that shrank while packing is an error. */
async function* fileData(path: string, rel: string, sizeBytes: number): AsyncGenerator<Buffer> {
  let read = 0;
  if (sizeBytes > 0) {
    const stream = createReadStream(path, { start: 0, end: sizeBytes - 1, highWaterMark: READ_CHUNK_BYTES });
    for await (const chunk of stream) {
      read += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  if (read !== sizeBytes) {
    throw new AppError(Errors.SOURCE_INVALID, { message: `file "${rel}" changed while the context was packed`, detail: { entry: rel } });
  }
  const pad = padding(sizeBytes);
  if (pad > 0) yield Buffer.alloc(pad);
}

async function* withProgress(source: AsyncIterable<Buffer>, onProgress: ((bytes: number) => void) | undefined): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    yield chunk;
    onProgress?.(total);
  }
}

/** Byte order of the UTF-8 names, so the archive order does not depend on the locale. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
