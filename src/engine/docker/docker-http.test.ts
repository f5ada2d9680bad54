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

  it('publishes ports in docker run -p syntax, exposes ports, sets privileged and network aliases', () => {
    const body = createBody({ image: 'img', network: 'net1', privileged: true, ports: ['8080:80', '127.0.0.1::443', '53/udp'], expose: ['9000'], networkAliases: ['db'] });
    expect(body).toMatchObject({
      ExposedPorts: { '80/tcp': {}, '443/tcp': {}, '53/udp': {}, '9000/tcp': {} },
      NetworkingConfig: { EndpointsConfig: { net1: { Aliases: ['db'] } } },
      HostConfig: {
        Privileged: true,
        PortBindings: {
          '80/tcp': [{ HostIp: '', HostPort: '8080' }],
          '443/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
          '53/udp': [{ HostIp: '', HostPort: '' }],
        },
      },
    });
    expect(createBody({ image: 'img' })).not.toHaveProperty('ExposedPorts');
  });
});
