import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('runs the work once for concurrent callers of one key, and they share its result', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    let release!: (n: number) => void;
    const work = (): Promise<number> => {
      runs++;
      return new Promise((resolve) => (release = resolve));
    };
    const both = Promise.all([flights.run('k', work), flights.run('k', work)]);
    release(7);
    expect(await both).toEqual([7, 7]);
    expect(runs).toBe(1);
    expect(flights.size).toBe(0);
  });

  it('shares a failure, then runs the work again for the next caller', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const failing = async (): Promise<number> => {
      runs++;
      throw new Error('upstream down');
    };
    const results = await Promise.allSettled([flights.run('k', failing), flights.run('k', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await flights.run('k', async () => 1)).toBe(1);
    expect(runs).toBe(1);
  });

  it('runs different keys independently', async () => {
    const flights = new SingleFlight<string>();
    expect(await Promise.all([flights.run('a', async () => 'A'), flights.run('b', async () => 'B')])).toEqual(['A', 'B']);
  });
});
