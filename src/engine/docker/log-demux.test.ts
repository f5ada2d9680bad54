import { describe, expect, it } from 'vitest';
import { demuxLogs } from './log-demux.js';

function frame(stream: number, text: string): Buffer {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

async function collect(pieces: Buffer[]): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const chunk of demuxLogs((async function* () { yield* pieces; })())) out.push([chunk.stream, chunk.data.toString()]);
  return out;
}

describe('demuxLogs', () => {
  it('separates stdout and stderr frames', async () => {
    expect(await collect([Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])])).toEqual([
      ['stdout', 'out\n'],
      ['stderr', 'err\n'],
    ]);
  });

  it('reassembles frames split across chunks, even inside the header', async () => {
    const all = Buffer.concat([frame(2, 'hello'), frame(1, 'world')]);
    const pieces = [all.subarray(0, 3), all.subarray(3, 10), all.subarray(10)];
    expect(await collect(pieces)).toEqual([
      ['stderr', 'hello'],
      ['stdout', 'world'],
    ]);
  });

  it('fails when the stream ends inside a frame', async () => {
    await expect(collect([frame(1, 'abc').subarray(0, 9)])).rejects.toThrow(/inside a frame/);
  });
});
