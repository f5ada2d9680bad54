import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTar, type TarEntry } from './tar-writer.js';

const entries: TarEntry[] = [
  { type: 'dir', path: 'bin', mode: 0o755 },
  { type: 'file', path: 'bin/tool', mode: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
  { type: 'symlink', path: 'bin/sh', target: '/bin/tool' },
  { type: 'dir', path: 'tmp', mode: 0o1777 },
  { type: 'file', path: `${'deep/'.repeat(25)}file`, mode: 0o644, data: Buffer.alloc(513, 1) },
];

describe('writeTar', () => {
  it('writes the same bytes for the same entries', () => {
    expect(writeTar(entries).equals(writeTar(entries))).toBe(true);
  });

  it('pads every file to 512-byte blocks and ends with two zero blocks', () => {
    const tar = writeTar(entries);
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(tar.length - 1024).every((b) => b === 0)).toBe(true);
  });

  it('produces an archive GNU tar lists and extracts with modes, links and owners intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-tar-'));
    try {
      const file = join(dir, 'layer.tar');
      writeFileSync(file, writeTar(entries));
      const listing = execFileSync('tar', ['-tvf', file, '--numeric-owner'], { encoding: 'utf8' });
      expect(listing).toContain('0/0');
      expect(listing).toContain('1970-01-01');
      execFileSync('tar', ['-xf', file, '-C', dir]);
      expect(readFileSync(join(dir, 'bin/tool'), 'utf8')).toContain('echo hi');
      expect(statSync(join(dir, 'bin/tool')).mode & 0o777).toBe(0o755);
      expect(readlinkSync(join(dir, 'bin/sh'))).toBe('/bin/tool');
      expect(statSync(join(dir, 'tmp')).mode & 0o7777).toBe(0o1777);
      expect(statSync(join(dir, `${'deep/'.repeat(25)}file`)).size).toBe(513);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
