import type { Generated } from 'kysely';

/** Table types shared by every SQL dialect (times are ISO-8601 UTC strings). */
export interface Database {
  repositories: { id: Generated<number>; name: string; created_at: string };
  blobs: { digest: string; size_bytes: number; created_at: string; touched_at: string };
  repository_blobs: { repository_id: number; digest: string; linked_at: string };
  manifests: {
    repository_id: number;
    digest: string;
    media_type: string;
    size_bytes: number;
    artifact_type: string | null;
    subject_digest: string | null;
    annotations: string | null;
    created_at: string;
  };
  manifest_references: { repository_id: number; manifest_digest: string; child_digest: string };
  tags: { repository_id: number; name: string; manifest_digest: string; created_at: string; updated_at: string };
  uploads: { id: string; repository: string; created_at: string; updated_at: string };
  registry_events: {
    seq: Generated<number>;
    id: string;
    action: string;
    repository: string;
    occurred_at: string;
    payload: string;
  };
  users: { name: string; password_hash: string; is_admin: number; created_at: string };
}
