import { decodeTraceAux } from './buildkit-status.js';
import { BuildProgressFormatter } from './build-progress.js';

/** What one JSON line of a `/build` response contributed. */
export interface BuildStreamStep {
  /** Readable log lines, in order. */
  readonly lines: string[];
  /** Set when the engine reported the built image (`moby.image.id` or a classic `aux.ID`). */
  readonly imageId?: string;
  /** Set when the engine reported the build failed (`{"error": ...}`). */
  readonly error?: string;
}

interface BuildLine {
  id?: unknown;
  aux?: unknown;
  stream?: unknown;
  status?: unknown;
  error?: unknown;
  errorDetail?: { message?: unknown };
}

function auxImageId(aux: unknown): string | undefined {
  if (typeof aux !== 'object' || aux === null) return undefined;
  const id = (aux as { ID?: unknown }).ID;
  return typeof id === 'string' ? id : undefined;
}

function streamLines(text: string): string[] {
  const trimmed = text.replace(/\r?\n$/, '');
  return trimmed === '' ? [] : trimmed.split(/\r?\n/);
}

/**
 * Reads the JSON-lines body of `POST /build`, BuildKit (`version=2`) or classic (`version=1`):
 * `{"id":"moby.buildkit.trace","aux":"<base64>"}` progress, `{"stream":...}` text,
 * `{"aux":{"ID":...}}` image ids and `{"error":...}` failures. One instance per build.
 */
export class BuildStreamParser {
  private readonly progress = new BuildProgressFormatter();

  /** Parses one line of the body; blank lines and unparseable lines yield nothing or raw text. */
  parse(raw: string): BuildStreamStep {
    if (raw.trim() === '') return { lines: [] };
    let msg: BuildLine;
    try {
      msg = JSON.parse(raw) as BuildLine;
    } catch {
      return { lines: [raw] };
    }
    return this.step(msg);
  }

  private step(msg: BuildLine): BuildStreamStep {
    if (typeof msg.error === 'string' || typeof msg.errorDetail?.message === 'string') {
      const error = typeof msg.error === 'string' ? msg.error : String(msg.errorDetail?.message);
      return { lines: [`ERROR: ${error}`], error };
    }
    if (msg.id === 'moby.buildkit.trace' && typeof msg.aux === 'string') {
      return { lines: this.progress.format(decodeTraceAux(msg.aux)) };
    }
    const imageId = auxImageId(msg.aux);
    if (imageId !== undefined) return { lines: [], imageId };
    if (typeof msg.stream === 'string') return { lines: streamLines(msg.stream) };
    if (typeof msg.status === 'string') return { lines: [msg.status] };
    return { lines: [] };
  }
}
