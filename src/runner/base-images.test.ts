import { describe, expect, it } from 'vitest';
import { digestFromRepoDigests, parseBaseImages } from './base-images.js';

describe('parseBaseImages', () => {
  it('substitutes build args, skips stage references and marks the last stage runtime', () => {
    const dockerfile = ['ARG BASE=127.0.0.1:5000/library/busybox', 'ARG TAG', 'FROM --platform=linux/amd64 $BASE:${TAG:-1} AS build', 'RUN make', 'FROM build AS again', `FROM 127.0.0.1:5000/runtime@sha256:${'b'.repeat(64)}`, 'COPY --from=build /out /'].join('\n');
    expect(parseBaseImages(dockerfile, { TAG: '2' })).toEqual([
      { registry: '127.0.0.1:5000', repository: 'library/busybox', tag: '2', digest: null, isRuntime: false },
      { registry: '127.0.0.1:5000', repository: 'runtime', tag: null, digest: `sha256:${'b'.repeat(64)}`, isRuntime: true },
    ]);
  });

  it('uses the target stage as runtime and ignores scratch', () => {
    const out = parseBaseImages('FROM scratch AS a\nFROM alpine AS b\nFROM busybox\n', {}, 'b');
    expect(out.map((b) => [b.repository, b.isRuntime])).toEqual([
      ['alpine', true],
      ['busybox', false],
    ]);
  });
});

describe('digestFromRepoDigests', () => {
  it('finds the digest of a base among RepoDigests, Docker Hub names with or without prefixes', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(digestFromRepoDigests({ registry: '127.0.0.1:5000', repository: 'library/busybox' }, [`other/x@sha256:${'b'.repeat(64)}`, `127.0.0.1:5000/library/busybox@${d}`])).toBe(d);
    expect(digestFromRepoDigests({ registry: '', repository: 'node' }, [`node@${d}`])).toBe(d);
    expect(digestFromRepoDigests({ registry: 'docker.io', repository: 'library/node' }, [`docker.io/library/node@${d}`])).toBe(d);
    expect(digestFromRepoDigests({ registry: '127.0.0.1:5000', repository: 'app' }, [`127.0.0.1:5001/app@${d}`])).toBeNull();
  });
});
