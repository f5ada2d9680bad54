import type { CallOptions, ContainerEngine, EngineCapabilities, EngineInfo } from '../container-engine.js';
import { EngineError } from '../engine-error.js';
import { DockerContainers } from './docker-containers.js';
import { DockerHttp, readBody } from './docker-http.js';
import { DockerImages } from './docker-images.js';
import { DockerResources } from './docker-resources.js';

export interface DockerEngineOptions {
  /** Path of the Engine API socket; a `unix://` prefix is accepted. */
  readonly socket: string;
  /** Use BuildKit (`/build?version=2`); false selects the classic builder. @defaultValue true */
  readonly buildkit?: boolean;
}

interface InfoResponse {
  ServerVersion?: string;
  OSType?: string;
  Architecture?: string;
  Containers?: number;
  Images?: number;
  SecurityOptions?: string[] | null;
}

/** A socket path from `unix:///run/x.sock` or a plain path. */
export function socketPath(socket: string): string {
  return socket.startsWith('unix://') ? socket.slice('unix://'.length) : socket;
}

/**
 * The ContainerEngine port over the Docker Engine API on a unix socket (node:http, no
 * client library; see docs/engine.md). Works with dockerd and podman's compatible socket.
 */
export class DockerEngine implements ContainerEngine {
  readonly name = 'docker';
  readonly capabilities: EngineCapabilities;
  readonly images: DockerImages;
  readonly containers: DockerContainers;
  readonly resources: DockerResources;
  private readonly http: DockerHttp;

  constructor(options: DockerEngineOptions) {
    const buildkit = options.buildkit ?? true;
    this.http = new DockerHttp(socketPath(options.socket));
    this.capabilities = Object.freeze({ buildkit, rootless: false, multiPlatform: false });
    this.images = new DockerImages(this.http, { builderVersion: buildkit ? '2' : '1' });
    this.containers = new DockerContainers(this.http);
    this.resources = new DockerResources(this.http);
  }

  async ping(options: CallOptions = {}): Promise<void> {
    const res = await this.http.send({ method: 'GET', path: '/_ping', signal: options.signal });
    const body = (await readBody(res)).toString('utf8');
    if (body !== 'OK') throw new EngineError('UNAVAILABLE', `engine answered ping with ${JSON.stringify(body.slice(0, 100))}`);
  }

  async info(options: CallOptions = {}): Promise<EngineInfo> {
    const [info, version] = await Promise.all([
      this.http.json<InfoResponse>({ method: 'GET', path: '/info', signal: options.signal }),
      this.http.json<{ ApiVersion?: string }>({ method: 'GET', path: '/version', signal: options.signal }),
    ]);
    return {
      serverVersion: info.ServerVersion ?? '',
      apiVersion: version.ApiVersion ?? '',
      os: info.OSType ?? '',
      arch: info.Architecture ?? '',
      containers: info.Containers ?? 0,
      images: info.Images ?? 0,
      isRootless: (info.SecurityOptions ?? []).some((o) => o.includes('name=rootless')),
    };
  }

  async close(): Promise<void> {
    // One connection per call: nothing pooled to release.
  }
}
