import { expect } from 'vitest';
import type { NewRun, RunQueue, RunStore } from '../../src/queue/run-queue.js';

export type QueueUnderTest = RunQueue & RunStore;

/** A clock tests move by hand, so lease expiry needs no sleeps. */
export class TestClock {
  private ms = Date.parse('2026-03-01T12:00:00.000Z');
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Ctx {
  queue: QueueUnderTest;
  clock: TestClock;
  /** Another instance over the same storage, as a second process would open it. */
  openPeer(): Promise<QueueUnderTest>;
}

export const POOL = 'default';
export const TTL_MS = 30_000;

export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return { runType: 'QuickBuild', trigger: 'Manual', request: { tags: ['app:{{.Run.ID}}'], dockerfile: 'Dockerfile' }, ...overrides };
}

/** Asserts that `promise` rejects with an AppError of `code`. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

