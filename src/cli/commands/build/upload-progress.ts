import type { Io } from '../../output/io.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export interface ProgressReporter {
  readonly update: (bytes: number) => void;
  readonly done: (totalBytes: number) => void;
}

/**
 * "Sending context: 12.3 MiB (4.1 MiB/s)" redrawn on stderr at most every 100 ms when stderr is a
 * terminal; without one, a single "Sent context" line once the upload is done.
 */
export function progressReporter(io: Io, now: () => number): ProgressReporter {
  const started = now();
  let lastDrawn = -Infinity;
  const line = (verb: string, bytes: number): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    return `${verb} context: ${formatBytes(bytes)} (${formatBytes(Math.round(bytes / seconds))}/s)`;
  };
  return {
    update: (bytes) => {
      if (!io.progress || now() - lastDrawn < 100) return;
      lastDrawn = now();
      io.progress(line('Sending', bytes));
    },
    done: (totalBytes) => {
      if (io.progress) io.progress(`${line('Sent', totalBytes)}\n`);
      else io.err(`Sent context: ${formatBytes(totalBytes)}`);
    },
  };
}
