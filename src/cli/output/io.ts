import { readTerminalLine } from './terminal.js';

/** Standard input, as commands may use it: a TTY check, a prompt and the whole stream. */
export interface Stdin {
  readonly isTty: boolean;
  /** Asks on stderr and reads one line; `secret` turns echo off (passwords). */
  prompt(question: string, options?: { readonly secret?: boolean }): Promise<string>;
  /** Reads stdin to its end (`--password-stdin`). */
  readAll(): Promise<string>;
}

/** Where a command writes: data to `out`, status and errors to `err`. Injected so tests capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (status lines and colour only then). */
  readonly isTty: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Absent means: not a TTY, nothing to read. */
  readonly stdin?: Stdin;
  /** Cancels the command's I/O; without it, client commands abort on SIGINT while they run. */
  readonly signal?: AbortSignal;
  /** Writes bytes to stdout as they are, with no newline added (streamed run logs). */
  readonly writeOut?: (chunk: Uint8Array) => void;
  /** Redraws a one-line status on stderr; present only when stderr is a terminal (upload progress). */
  readonly progress?: (line: string) => void;
}

/** Raw stdout for streamed bytes: `writeOut` when the Io has it, else `out` fed by a streaming UTF-8 decoder. */
export function rawOut(io: Io): (chunk: Uint8Array) => void {
  if (io.writeOut) return io.writeOut;
  const decoder = new TextDecoder();
  return (chunk) => {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') io.out(text);
  };
}

/** Stdin of a command that has none: not a TTY, empty, and prompting fails. */
export const NO_STDIN: Stdin = {
  isTty: false,
  prompt: () => Promise.reject(new Error('cannot prompt: stdin is not a terminal')),
  readAll: () => Promise.resolve(''),
};

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTty: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
    writeOut: (chunk) => void process.stdout.write(chunk),
    ...(process.stderr.isTTY ? { progress: (line: string) => void process.stderr.write(`\r\u001b[K${line}`) } : {}),
    stdin: {
      isTty: Boolean(process.stdin.isTTY),
      prompt: (question, options) => readTerminalLine({ input: process.stdin, output: process.stderr, question, isSecret: options?.secret ?? false }),
      readAll: readAllStdin,
    },
  };
}
