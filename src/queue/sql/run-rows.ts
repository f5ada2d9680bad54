import type { Selectable, Updateable } from 'kysely';
import type { RunsTable } from '../../metadata/sql/schema.js';
import { isRunStatus } from '../../tasks/run-state.js';
import type { BaseImageRecord, ImageDescriptor, JsonObject, RunRecord, RunStepRecord, RunTrigger, RunType } from '../run-queue.js';

/** Every column but `secret_request`: what read APIs may select. */
export const PUBLIC_COLUMNS = [
  'id', 'run_id', 'run_type', 'status', 'trigger', 'task_name', 'platform', 'agent_cpu', 'request', 'pool',
  'priority', 'idempotency_key', 'create_time', 'start_time', 'finish_time', 'updated_time', 'lease_owner',
  'lease_expires_at', 'heartbeat_at', 'attempts', 'max_attempts', 'cancel_requested', 'output_images',
  'output_refs', 'base_images', 'error_code', 'run_error_message', 'billed_seconds', 'cost', 'log_size_bytes', 'steps',
] as const satisfies ReadonlyArray<keyof RunsTable>;

export type PublicRunRow = Pick<Selectable<RunsTable>, (typeof PUBLIC_COLUMNS)[number]>;

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  return JSON.parse(text) as T;
}

export function toRunRecord(row: PublicRunRow): RunRecord {
  if (!isRunStatus(row.status)) throw new Error(`runs row ${row.run_id} has unknown status ${row.status}`);
  return {
    runId: row.run_id,
    runType: row.run_type as RunType,
    status: row.status,
    trigger: row.trigger as RunTrigger,
    taskName: row.task_name,
    platform: row.platform,
    agentCpu: row.agent_cpu,
    request: parseJson<JsonObject>(row.request, {}),
    pool: row.pool,
    priority: row.priority,
    idempotencyKey: row.idempotency_key,
    createTime: row.create_time,
    startTime: row.start_time,
    finishTime: row.finish_time,
    lastUpdatedTime: row.updated_time,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    heartbeatAt: row.heartbeat_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    isCancelRequested: row.cancel_requested !== 0,
    outputImages: parseJson<ImageDescriptor[]>(row.output_images, []),
    baseImages: parseJson<BaseImageRecord[]>(row.base_images, []),
    errorCode: row.error_code,
    runErrorMessage: row.run_error_message,
    billedSeconds: row.billed_seconds,
    cost: row.cost,
    logSizeBytes: row.log_size_bytes,
    steps: parseJson<RunStepRecord[]>(row.steps, []),
  };
}

/** `' repo:tag repo@digest '`: each image by tag and by digest, space-delimited at both ends. */
export function outputRefs(images: readonly ImageDescriptor[]): string {
  const refs = images.flatMap((image) => [
    ...(image.tag === null ? [] : [`${image.repository}:${image.tag}`]),
    ...(image.digest === null ? [] : [`${image.repository}@${image.digest}`]),
  ]);
  return ` ${refs.join(' ')} `;
}

/** A LIKE pattern matching `ref` as one whole entry of `output_refs`, with `\` as the escape. */
export function outputRefPattern(ref: string): string {
  return `% ${ref.replace(/[\\%_]/g, (c) => `\\${c}`)} %`;
}

/** The columns `complete` and `fail` write from an agent's results. */
export function resultColumns(results: {
  readonly outputImages?: readonly ImageDescriptor[];
  readonly baseImages?: readonly BaseImageRecord[];
  readonly billedSeconds?: number;
  readonly cost?: number;
  readonly logSizeBytes?: number;
  readonly steps?: readonly RunStepRecord[];
}): Updateable<RunsTable> {
  return {
    ...(results.outputImages === undefined
      ? {}
      : { output_images: JSON.stringify(results.outputImages), output_refs: outputRefs(results.outputImages) }),
    ...(results.baseImages === undefined ? {} : { base_images: JSON.stringify(results.baseImages) }),
    ...(results.billedSeconds === undefined ? {} : { billed_seconds: results.billedSeconds }),
    ...(results.cost === undefined ? {} : { cost: results.cost }),
    ...(results.logSizeBytes === undefined ? {} : { log_size_bytes: results.logSizeBytes }),
    ...(results.steps === undefined ? {} : { steps: JSON.stringify(results.steps) }),
  };
}
