import type { StatusResponse, Timestamp, Vertex, VertexLog } from './buildkit-status.js';

interface VertexState {
  readonly num: number;
  announced: boolean;
  isCached: boolean;
  isDone: boolean;
  started?: Timestamp;
}

function seconds(from: Timestamp, to: Timestamp): number {
  return to.seconds - from.seconds + (to.nanos - from.nanos) / 1e9;
}

/**
 * Turns BuildKit status updates into the lines `docker build --progress=plain` prints:
 * `#3 [2/3] RUN echo hi`, `#3 0.123 hi`, `#3 CACHED`, `#3 DONE 0.4s`, `#3 ERROR: ...`.
 * Vertexes are numbered in order of first appearance; each update is reported once even
 * though BuildKit resends a vertex whenever one of its fields changes.
 */
export class BuildProgressFormatter {
  private readonly vertexes = new Map<string, VertexState>();
  private readonly finishedStatuses = new Set<string>();

  /** The lines for one decoded `StatusResponse`, in the order they should be shown. */
  format(status: StatusResponse): string[] {
    const lines: string[] = [];
    for (const vertex of status.vertexes) lines.push(...this.vertexLines(vertex));
    for (const s of status.statuses) {
      const state = this.state(s.vertex);
      const key = `${s.vertex}\u0000${s.id}`;
      if (s.completed === undefined || this.finishedStatuses.has(key)) continue;
      this.finishedStatuses.add(key);
      lines.push(`#${state.num} ${s.id} done`);
    }
    for (const log of status.logs) lines.push(...this.logLines(log));
    for (const w of status.warnings) lines.push(`#${this.state(w.vertex).num} WARN: ${w.short}`);
    return lines;
  }

  private state(digest: string): VertexState {
    let state = this.vertexes.get(digest);
    if (state === undefined) {
      state = { num: this.vertexes.size + 1, announced: false, isCached: false, isDone: false };
      this.vertexes.set(digest, state);
    }
    return state;
  }

  private vertexLines(vertex: Vertex): string[] {
    const state = this.state(vertex.digest);
    const lines: string[] = [];
    if (!state.announced && vertex.name !== '') {
      state.announced = true;
      lines.push(`#${state.num} ${vertex.name}`);
    }
    if (vertex.started !== undefined && state.started === undefined) state.started = vertex.started;
    if (vertex.cached && !state.isCached) {
      state.isCached = true;
      lines.push(`#${state.num} CACHED`);
    }
    if (vertex.completed !== undefined && !state.isDone) {
      state.isDone = true;
      if (vertex.error !== '') lines.push(`#${state.num} ERROR: ${vertex.error}`);
      else if (!state.isCached) lines.push(`#${state.num} DONE ${this.elapsed(state, vertex.completed).toFixed(1)}s`);
    }
    return lines;
  }

  private logLines(log: VertexLog): string[] {
    const state = this.state(log.vertex);
    const at = log.timestamp === undefined ? '' : `${this.elapsed(state, log.timestamp).toFixed(3)} `;
    const text = log.msg.toString('utf8').replace(/\r?\n$/, '');
    return text.split(/\r?\n/).map((line) => `#${state.num} ${at}${line}`);
  }

  private elapsed(state: VertexState, at: Timestamp): number {
    return state.started === undefined ? 0 : Math.max(0, seconds(state.started, at));
  }
}
