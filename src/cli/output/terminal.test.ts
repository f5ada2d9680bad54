import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTerminalLine } from './terminal.js';

function terminal(): { input: PassThrough & { setRawMode: (mode: boolean) => void; modes: boolean[] }; output: PassThrough; written: () => string } {
  const modes: boolean[] = [];
  const input = Object.assign(new PassThrough(), { modes, setRawMode: (mode: boolean) => void modes.push(mode) });
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  return { input, output, written: () => Buffer.concat(chunks).toString('utf8') };
}

describe('readTerminalLine', () => {
  it('reads a secret without echoing it, honours backspace, and restores cooked mode', async () => {
    const t = terminal();
    const line = readTerminalLine({ input: t.input, output: t.output, question: 'Password: ', isSecret: true });
    t.input.write('hunter22\u007f\r');
    expect(await line).toBe('hunter2');
    expect(t.written()).toBe('Password: \n');
    expect(t.input.modes).toEqual([true, false]);
  });

  it('echoes a non-secret answer', async () => {
    const t = terminal();
    const line = readTerminalLine({ input: t.input, output: t.output, question: 'Username: ', isSecret: false });
    t.input.write('admin\n');
    expect(await line).toBe('admin');
    expect(t.written()).toBe('Username: admin\n');
  });

  it('rejects with an AbortError on Ctrl-C', async () => {
    const t = terminal();
    const line = readTerminalLine({ input: t.input, output: t.output, question: '? ', isSecret: true });
    t.input.write('ab\u0003');
    await expect(line).rejects.toMatchObject({ name: 'AbortError' });
  });
});
