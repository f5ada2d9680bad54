import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TarEntry } from './tar-writer.js';

const run = promisify(execFile);

/** Where Debian's busybox-static puts its binary. */
export const DEFAULT_BUSYBOX_PATH = '/bin/busybox';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

function missing(path: string, why: string): Error {
  return new Error(`${path} ${why}: install Debian's busybox-static package (apt-get install busybox-static)`);
}

/** The applet names `busybox --list` prints (sh, echo, ls, ...). */
async function applets(busyboxPath: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(busyboxPath, ['--list'], { maxBuffer: 1024 * 1024 }));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw missing(busyboxPath, code === 'ENOENT' ? 'is missing' : 'does not run (`busybox --list` failed)');
  }
  const names = stdout.split('\n').map((s) => s.trim()).filter((s) => s !== '' && s !== 'busybox' && !s.includes('/'));
  if (!names.includes('sh')) throw missing(busyboxPath, 'has no sh applet');
  return names;
}

/**
 * A busybox root filesystem as sorted tar entries: bin/busybox, one bin/<applet> symlink per
 * applet, etc/passwd and etc/group, and the usual empty directories. No engine involved.
 */
export async function busyboxRootfs(busyboxPath: string = DEFAULT_BUSYBOX_PATH): Promise<TarEntry[]> {
  const names = await applets(busyboxPath);
  let binary: Buffer;
  try {
    binary = await readFile(busyboxPath);
  } catch {
    throw missing(busyboxPath, 'cannot be read');
  }
  const entries: TarEntry[] = [
    { type: 'dir', path: 'bin', mode: 0o755 },
    { type: 'file', path: 'bin/busybox', mode: 0o755, data: binary },
    ...names.map((name): TarEntry => ({ type: 'symlink', path: `bin/${name}`, target: '/bin/busybox' })),
    { type: 'dir', path: 'etc', mode: 0o755 },
    { type: 'file', path: 'etc/group', mode: 0o644, data: Buffer.from(GROUP) },
    { type: 'file', path: 'etc/passwd', mode: 0o644, data: Buffer.from(PASSWD) },
    { type: 'dir', path: 'root', mode: 0o700 },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
  ];
  // Parents come before children either way; sorting by path makes the layer reproducible.
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
