import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeStatusResponse, decodeTraceAux, readFields, readVarint } from './buildkit-status.js';

/** The `aux` payloads of a real `POST /build?version=2` response captured from dockerd 20.10. */
function traces(fixture: string): string[] {
  return readFileSync(new URL(`./testdata/${fixture}.jsonl`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.includes('moby.buildkit.trace'))
    .map((l) => (JSON.parse(l) as { aux: string }).aux);
}

describe('protobuf wire reading', () => {
  it('reads single- and multi-byte varints', () => {
    expect(readVarint(Buffer.from([0x01]), 0)).toEqual({ value: 1n, next: 1 });
    expect(readVarint(Buffer.from([0xac, 0x02]), 0)).toEqual({ value: 300n, next: 2 });
  });

  it('rejects a truncated varint', () => {
    expect(() => readVarint(Buffer.from([0x80]), 0)).toThrow(/truncated/);
  });

  it('skips fixed-width fields and keeps the ones it knows', () => {
    // field 9 fixed64, field 10 fixed32, then field 3 "ab"
    const buf = Buffer.from([0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x55, 1, 2, 3, 4, 0x1a, 2, 0x61, 0x62]);
    const fields = readFields(buf);
    expect(fields.map((f) => f.num)).toEqual([3]);
    expect(fields[0]?.bytes.toString()).toBe('ab');
  });

  it('rejects a length-delimited field longer than the buffer', () => {
    expect(() => readFields(Buffer.from([0x0a, 5, 0x61]))).toThrow(/truncated/);
  });

  it('decodes an empty message as empty lists', () => {
    expect(decodeStatusResponse(Buffer.alloc(0))).toEqual({ vertexes: [], statuses: [], logs: [], warnings: [] });
  });
});

describe('BuildKit StatusResponse from a real engine', () => {
  it('decodes vertex names, digests, inputs and timestamps', () => {
    const all = traces('build-ok').map(decodeTraceAux);
    const names = all.flatMap((s) => s.vertexes.map((v) => v.name));
    expect(names).toContain('[2/2] RUN echo hi && echo err >&2');
    const run = all.flatMap((s) => s.vertexes).find((v) => v.name.startsWith('[2/2] RUN') && v.completed !== undefined);
    expect(run?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run?.inputs).toHaveLength(1);
    expect(run?.started?.seconds).toBeGreaterThan(1_600_000_000);
    expect(run?.error).toBe('');
  });

  it('decodes logs with their stream and bytes', () => {
    const logs = traces('build-ok').flatMap((a) => decodeTraceAux(a).logs);
    expect(logs.map((l) => [l.stream, l.msg.toString()])).toEqual([
      [1, 'hi\n'],
      [2, 'err\n'],
    ]);
  });

  it('decodes statuses of the export step', () => {
    const statuses = traces('build-ok').flatMap((a) => decodeTraceAux(a).statuses);
    expect(statuses.some((s) => s.id.startsWith('writing image sha256:') && s.completed !== undefined)).toBe(true);
  });

  it('decodes cached vertexes of a rebuild', () => {
    const cached = traces('build-cached').flatMap((a) => decodeTraceAux(a).vertexes.filter((v) => v.cached));
    expect(cached.some((v) => v.name.startsWith('[2/2] RUN'))).toBe(true);
  });

  it('decodes the error of a failing step', () => {
    const failed = traces('build-run-fails').flatMap((a) => decodeTraceAux(a).vertexes.filter((v) => v.error !== ''));
    expect(failed[0]?.error).toMatch(/exit code: 7/);
  });
});
