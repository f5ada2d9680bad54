import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BuildStreamParser } from './build-stream.js';

function replay(fixture: string): { lines: string[]; imageId?: string; error?: string } {
  const parser = new BuildStreamParser();
  const out: { lines: string[]; imageId?: string; error?: string } = { lines: [] };
  for (const raw of readFileSync(new URL(`./testdata/${fixture}.jsonl`, import.meta.url), 'utf8').split('\n')) {
    const step = parser.parse(raw);
    out.lines.push(...step.lines);
    if (step.imageId !== undefined) out.imageId = step.imageId;
    if (step.error !== undefined) out.error = step.error;
  }
  return out;
}

describe('BuildKit progress as readable lines', () => {
  it('numbers steps and shows RUN output with its offset, then DONE', () => {
    const { lines, imageId } = replay('build-ok');
    const run = lines.find((l) => l.includes('RUN echo hi'));
    expect(run).toMatch(/^#5 \[2\/2\] RUN echo hi && echo err >&2$/);
    expect(lines).toContain('#1 [internal] load remote build context');
    expect(lines.filter((l) => /^#5 \d+\.\d{3} (hi|err)$/.test(l))).toHaveLength(2);
    expect(lines.some((l) => /^#5 DONE \d+\.\ds$/.test(l))).toBe(true);
    expect(lines).toContain('Successfully tagged 127.0.0.1:5999/cap/out:1');
    expect(imageId).toBe('sha256:5dd9a227cda5e300e1aa63fb6156b235e72cab020e5fc176e0ad35f65880994e');
  });

  it('announces each step once although BuildKit resends vertexes', () => {
    const { lines } = replay('build-ok');
    expect(lines.filter((l) => l === '#1 [internal] load remote build context')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('#5 DONE'))).toHaveLength(1);
  });

  it('reports CACHED for steps of an unchanged rebuild', () => {
    const { lines } = replay('build-cached');
    expect(lines).toContain('#5 CACHED');
    expect(lines.some((l) => l.startsWith('#5 DONE'))).toBe(false);
  });

  it('reports the failing step with ERROR and the build error', () => {
    const { lines, error, imageId } = replay('build-run-fails');
    expect(lines.some((l) => /^#5 \d+\.\d{3} before-fail$/.test(l))).toBe(true);
    expect(lines.some((l) => /^#5 ERROR: .*exit code: 7$/.test(l))).toBe(true);
    expect(error).toMatch(/exit code: 7/);
    expect(imageId).toBeUndefined();
  });

  it('reports a Dockerfile parse error as the build error', () => {
    expect(replay('build-bad-dockerfile').error).toMatch(/unknown instruction: RUNX/);
  });
});

describe('classic builder lines', () => {
  it('passes stream text through line by line and ignores blank lines', () => {
    const parser = new BuildStreamParser();
    expect(parser.parse('{"stream":"Step 1/2 : FROM x\\n ---> abc\\n"}').lines).toEqual(['Step 1/2 : FROM x', ' ---> abc']);
    expect(parser.parse('').lines).toEqual([]);
    expect(parser.parse('{"stream":"\\n"}').lines).toEqual([]);
  });

  it('takes the image id from aux.ID', () => {
    expect(new BuildStreamParser().parse('{"aux":{"ID":"sha256:abc"}}').imageId).toBe('sha256:abc');
  });

  it('turns an error line into a failure with its text', () => {
    const step = new BuildStreamParser().parse('{"errorDetail":{"message":"boom"},"error":"boom"}');
    expect(step.error).toBe('boom');
    expect(step.lines).toEqual(['ERROR: boom']);
  });

  it('keeps text that is not JSON as a line', () => {
    expect(new BuildStreamParser().parse('not json').lines).toEqual(['not json']);
  });
});
