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
    stdin: {
      isTty: Boolean(process.stdin.isTTY),
      prompt: (question, options) => readTerminalLine({ input: process.stdin, output: process.stderr, question, isSecret: options?.secret ?? false }),
      readAll: readAllStdin,
    },
  };
}
