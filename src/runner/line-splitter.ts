import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a byte stream cut into arbitrary chunks (container logs) into whole lines, so a secret
 * split across two chunks is still one piece of text when the redactor sees it. UTF-8 characters
 * split across chunks are decoded whole. A line without a newline is emitted at `end`.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const lines = (this.pending + this.decoder.write(chunk)).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest !== '') this.onLine(rest.replace(/\r$/, ''));
  }
}
