import type { CallOptions, EngineResources, NetworkOptions, ResourceOptions } from '../container-engine.js';
import { ignoreNotFound } from './docker-containers.js';
import type { DockerHttp } from './docker-http.js';

/** Networks and volumes over the Docker Engine API. */
export class DockerResources implements EngineResources {
  constructor(private readonly http: DockerHttp) {}

  async createNetwork(o: NetworkOptions): Promise<{ readonly id: string }> {
    const res = await this.http.json<{ Id: string }>({
      method: 'POST',
      path: '/networks/create',
      body: { Name: o.name, Driver: o.driver ?? 'bridge', EnableIPv6: o.ipv6 ?? false, CheckDuplicate: true, Labels: o.labels ?? {} },
      signal: o.signal,
    });
    return { id: res.Id };
  }

  async removeNetwork(o: CallOptions & { readonly name: string }): Promise<void> {
    await ignoreNotFound(this.http.call({ method: 'DELETE', path: `/networks/${encodeURIComponent(o.name)}`, signal: o.signal }));
  }

  async createVolume(o: ResourceOptions): Promise<{ readonly name: string }> {
    const res = await this.http.json<{ Name: string }>({
      method: 'POST',
      path: '/volumes/create',
      body: { Name: o.name, Driver: 'local', Labels: o.labels ?? {} },
      signal: o.signal,
    });
    return { name: res.Name };
  }

  async removeVolume(o: CallOptions & { readonly name: string; readonly force?: boolean }): Promise<void> {
    await ignoreNotFound(
      this.http.call({ method: 'DELETE', path: `/volumes/${encodeURIComponent(o.name)}`, query: { force: o.force }, signal: o.signal }),
    );
  }
}
