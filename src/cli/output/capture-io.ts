import type { Io, Stdin } from './io.js';

/** Test support: an Io whose output is captured and whose stdin answers from a script. */
export interface CapturedIo {
  readonly io: Io;
  stdout(): string;
  stderr(): string;
  /** The questions prompts asked, in order. */
  readonly prompts: string[];
  /** Status lines drawn with `progress` (only with `stderrIsTty`). */
  progressLines(): string[];
}

export interface CaptureOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly isTty?: boolean;
  readonly stdinIsTty?: boolean;
  /** Answers for prompts, in order; a prompt with none left fails the test. */
  readonly answers?: readonly string[];
  readonly stdinText?: string;
  /** When true the Io has `progress`, as on a terminal; its lines are captured by `progressLines()`. */
  readonly stderrIsTty?: boolean;
  /** Cancels the command, as Ctrl-C does. */
  readonly signal?: AbortSignal;
}

export function captureIo(options: CaptureOptions = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const prompts: string[] = [];
  const progress: string[] = [];
  const answers = [...(options.answers ?? [])];
  const stdin: Stdin = {
    isTty: options.stdinIsTty ?? false,
    prompt: async (question) => {
      prompts.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected prompt: ${question}`);
      return answer;
    },
    readAll: async () => options.stdinText ?? '',
  };
  const io: Io = {
    out: (text) => void out.push(text),
    err: (text) => void err.push(text.endsWith('\n') ? text : `${text}\n`),
    isTty: options.isTty ?? false,
    env: options.env ?? {},
    cwd: '/',
    stdin,
    signal: options.signal ?? new AbortController().signal,
    writeOut: (chunk) => void out.push(Buffer.from(chunk).toString('utf8')),
    ...(options.stderrIsTty ? { progress: (line: string) => void progress.push(line) } : {}),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join(''), prompts, progressLines: () => [...progress] };
}
