import type { Readable, Writable } from 'node:stream';

export interface TerminalLineOptions {
  readonly input: Readable & { setRawMode?: (mode: boolean) => unknown; isTTY?: boolean };
  readonly output: Writable;
  readonly question: string;
  /** When true nothing typed is echoed (passwords). */
  readonly isSecret: boolean;
}

const ENTER = new Set(['\r', '\n', '\u0004']);
const BACKSPACE = new Set(['\u007f', '\b']);
const CTRL_C = '\u0003';

function abortError(): Error {
  const err = new Error('prompt cancelled');
  err.name = 'AbortError';
  return err;
}

/**
 * Reads one line from a terminal in raw mode, echoing typed characters unless `isSecret`.
 * Ctrl-C rejects with an AbortError, which run-cli turns into exit 130.
 */
export function readTerminalLine(options: TerminalLineOptions): Promise<string> {
  const { input, output, question, isSecret } = options;
  output.write(question);
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === CTRL_C) return finish(abortError());
        if (ENTER.has(ch)) return finish();
        if (BACKSPACE.has(ch)) {
          if (line.length > 0 && !isSecret) output.write('\b \b');
          line = line.slice(0, -1);
        } else if (ch >= ' ') {
          line += ch;
          if (!isSecret) output.write(ch);
        }
      }
    };
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}
