import { AppError } from '../../core/errors/index.js';
import type { OpContext } from '../../core/context.js';
import type { RepoName } from '../../oci/index.js';
import type { ManifestRecord, MetadataStore, Page, TagRecord } from '../../metadata/metadata-store.js';
import { OciErrors } from '../http/oci-errors.js';
import { RegistryAction, recordEvent } from '../events/registry-events.js';

/** Repositories as a whole: the catalog, tag lists, and deleting everything of one. */
export class RepositoryService {
  constructor(private readonly meta: MetadataStore) {}

  catalog(_ctx: OpContext, page: Page): Promise<string[]> {
    return page.limit === 0 ? Promise.resolve([]) : this.meta.repositories.list(page);
  }

  async tags(_ctx: OpContext, repo: RepoName, page: Page): Promise<string[]> {
    await this.mustExist(repo);
    return page.limit === 0 ? [] : this.meta.tags.list(repo, page);
  }

  async tagDetails(_ctx: OpContext, repo: RepoName): Promise<TagRecord[]> {
    await this.mustExist(repo);
    return this.meta.tags.listDetailed(repo);
  }

  async manifests(_ctx: OpContext, repo: RepoName): Promise<Array<ManifestRecord & { tags: string[] }>> {
    await this.mustExist(repo);
    return this.meta.manifests.list(repo);
  }

  /** Deletes the repository; one `delete` event per manifest it held (as ACR does). */
  async delete(ctx: OpContext, repo: RepoName): Promise<{ manifests: number; tags: number }> {
    return this.meta.withTransaction(async (tx) => {
      const manifests = await tx.manifests.list(repo);
      if (!(await tx.repositories.delete(repo))) throw new AppError(OciErrors.NAME_UNKNOWN, { detail: { name: repo } });
      for (const m of manifests) await recordEvent(tx, ctx, RegistryAction.delete, { repository: repo, digest: m.digest, mediaType: m.mediaType });
      return { manifests: manifests.length, tags: manifests.reduce((n, m) => n + m.tags.length, 0) };
    });
  }

  private async mustExist(repo: RepoName): Promise<void> {
    if (!(await this.meta.repositories.exists(repo))) throw new AppError(OciErrors.NAME_UNKNOWN, { detail: { name: repo } });
  }
}
