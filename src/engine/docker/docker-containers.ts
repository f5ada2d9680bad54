import type {
  CallOptions,
  ContainerRef,
  ContainerRunner,
  ContainerSummary,
  CreateContainerOptions,
  LogChunk,
  Mount,
  WaitResult,
} from '../container-engine.js';
import { isEngineError } from '../engine-error.js';
import type { Readable } from 'node:stream';
import type { DockerHttp } from './docker-http.js';
import { demuxLogs } from './log-demux.js';

interface ContainerListItem {
  Id: string;
  Names?: string[] | null;
  Image: string;
  State: string;
  Labels?: Record<string, string> | null;
}

function toDockerMount(m: Mount): Record<string, unknown> {
  return { Type: m.type, Target: m.target, ReadOnly: m.readOnly ?? false, ...(m.type === 'tmpfs' ? {} : { Source: m.source }) };
}

/** `[ip:][hostPort:]containerPort[/proto]` → the engine's port key and binding. */
function portBinding(spec: string): { key: string; binding: { HostIp: string; HostPort: string } } {
  const [main = '', proto = 'tcp'] = spec.split('/');
  const parts = main.split(':');
  const containerPort = parts.pop() ?? '';
  const hostPort = parts.pop() ?? '';
  const hostIp = parts.join(':');
  return { key: `${containerPort}/${proto}`, binding: { HostIp: hostIp, HostPort: hostPort } };
}

function portKey(spec: string): string {
  const [port = '', proto = 'tcp'] = spec.split('/');
  return `${port}/${proto}`;
}

/** `POST /containers/create` body from the port's options. */
export function createBody(o: CreateContainerOptions): Record<string, unknown> {
  const limits = o.limits ?? {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  const exposed: Record<string, Record<string, never>> = {};
  for (const spec of o.ports ?? []) {
    const { key, binding } = portBinding(spec);
    (bindings[key] ??= []).push(binding);
    exposed[key] = {};
  }
  for (const spec of o.expose ?? []) exposed[portKey(spec)] = {};
  const aliases = o.networkAliases ?? [];
  return {
    Image: o.image,
    Cmd: o.cmd,
    Entrypoint: o.entrypoint,
    Env: o.env === undefined ? undefined : Object.entries(o.env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: o.workdir,
    Labels: o.labels,
    User: o.user,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    ...(Object.keys(exposed).length === 0 ? {} : { ExposedPorts: exposed }),
    ...(aliases.length === 0 || o.network === undefined ? {} : { NetworkingConfig: { EndpointsConfig: { [o.network]: { Aliases: aliases } } } }),
    HostConfig: {
      Mounts: (o.mounts ?? []).map(toDockerMount),
      NetworkMode: o.network,
      Privileged: o.privileged ?? false,
      ...(Object.keys(bindings).length === 0 ? {} : { PortBindings: bindings }),
      Memory: limits.memoryBytes,
      NanoCpus: limits.cpus === undefined ? undefined : Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
    },
  };
}

/** Treats the engine's NOT_FOUND as success, for idempotent removals. */
export async function ignoreNotFound(action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (err) {
    if (isEngineError(err) && err.kind === 'NOT_FOUND') return;
    throw err;
  }
}

/** The ContainerRunner role over the Docker Engine API. */
export class DockerContainers implements ContainerRunner {
  constructor(private readonly http: DockerHttp) {}

  async create(o: CreateContainerOptions): Promise<{ readonly id: string }> {
    const res = await this.http.json<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      query: { name: o.name },
      body: createBody(o),
      signal: o.signal,
    });
    return { id: res.Id };
  }

  async start(o: ContainerRef): Promise<void> {
    await this.http.call({ method: 'POST', path: `/containers/${encodeURIComponent(o.id)}/start`, signal: o.signal });
  }

  async wait(o: ContainerRef): Promise<WaitResult> {
    const res = await this.http.json<{ StatusCode: number; Error?: { Message?: string } | null }>({
      method: 'POST',
      path: `/containers/${encodeURIComponent(o.id)}/wait`,
      signal: o.signal,
    });
    const error = res.Error?.Message;
    return { exitCode: res.StatusCode, ...(error ? { error } : {}) };
  }

  async *logs(o: ContainerRef & { readonly follow?: boolean }): AsyncIterable<LogChunk> {
    const res = await this.http.send({
      method: 'GET',
      path: `/containers/${encodeURIComponent(o.id)}/logs`,
      query: { stdout: true, stderr: true, follow: o.follow ?? false },
      signal: o.signal,
    });
    yield* demuxLogs(res as AsyncIterable<Buffer>);
  }

  async stop(o: ContainerRef & { readonly timeoutSeconds?: number }): Promise<void> {
    await this.http.call({ method: 'POST', path: `/containers/${encodeURIComponent(o.id)}/stop`, query: { t: o.timeoutSeconds }, signal: o.signal });
  }

  async remove(o: ContainerRef & { readonly force?: boolean }): Promise<void> {
    await ignoreNotFound(
      this.http.call({ method: 'DELETE', path: `/containers/${encodeURIComponent(o.id)}`, query: { force: o.force, v: true }, signal: o.signal }),
    );
  }

  async putArchive(o: ContainerRef & { readonly path: string; readonly tar: Readable }): Promise<void> {
    await this.http.call({
      method: 'PUT',
      path: `/containers/${encodeURIComponent(o.id)}/archive`,
      query: { path: o.path },
      headers: { 'content-type': 'application/x-tar' },
      body: o.tar,
      signal: o.signal,
    });
  }

  async getArchive(o: ContainerRef & { readonly path: string }): Promise<Readable> {
    return this.http.send({ method: 'GET', path: `/containers/${encodeURIComponent(o.id)}/archive`, query: { path: o.path }, signal: o.signal });
  }

  async list(o: CallOptions & { readonly labels?: Readonly<Record<string, string>> } = {}): Promise<ContainerSummary[]> {
    const labels = Object.entries(o.labels ?? {}).map(([k, v]) => `${k}=${v}`);
    const items = await this.http.json<ContainerListItem[]>({
      method: 'GET',
      path: '/containers/json',
      query: { all: true, filters: labels.length === 0 ? undefined : JSON.stringify({ label: labels }) },
      signal: o.signal,
    });
    return items.map((c) => ({ id: c.Id, names: c.Names ?? [], image: c.Image, state: c.State, labels: c.Labels ?? {} }));
  }
}
