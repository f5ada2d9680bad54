import { describe, expect, it } from 'vitest';
import { createBody } from './docker-containers.js';
import { queryString } from './docker-http.js';

describe('queryString', () => {
  it('repeats array values, writes booleans as 1/0 and leaves out undefined', () => {
    expect(queryString({ t: ['a:1', 'b:2'], nocache: true, pull: false, target: undefined })).toBe('?t=a%3A1&t=b%3A2&nocache=1&pull=0');
    expect(queryString({})).toBe('');
  });
});

describe('container create body', () => {
  it('maps env, mounts, network and limits onto the Engine API shape', () => {
    const body = createBody({
      image: 'img',
      cmd: ['sh'],
      env: { A: '1' },
      mounts: [{ type: 'volume', source: 'v', target: '/w' }, { type: 'tmpfs', target: '/t' }],
      network: 'none',
      limits: { memoryBytes: 1024, cpus: 0.5, pids: 10 },
    });
    expect(body).toMatchObject({
      Image: 'img',
      Cmd: ['sh'],
      Env: ['A=1'],
      HostConfig: {
        NetworkMode: 'none',
        Memory: 1024,
        NanoCpus: 500_000_000,
        PidsLimit: 10,
        Mounts: [
          { Type: 'volume', Source: 'v', Target: '/w', ReadOnly: false },
          { Type: 'tmpfs', Target: '/t', ReadOnly: false },
        ],
      },
    });
  });
});
