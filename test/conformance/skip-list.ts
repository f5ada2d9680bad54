import { it } from 'vitest';

/** Test titles an adapter may not run, each with the reason it gives (hono's skip lists). */
export type SkipList = Readonly<Record<string, string>>;

export type ConformanceTest = (title: string, fn: () => Promise<void>) => void;

/**
 * Returns an `it` that skips the titles in `skip`, showing the reason in the report, and
 * remembers every title so `checkSkipList` can reject reasons for tests that do not exist.
 */
export function conformanceTests(skip: SkipList = {}): { test: ConformanceTest; checkSkipList(): void } {
  const titles = new Set<string>();
  const test: ConformanceTest = (title, fn) => {
    titles.add(title);
    const reason = skip[title];
    if (reason === undefined) it(title, fn);
    else it.skip(`${title} [skipped: ${reason}]`, fn);
  };
  return {
    test,
    checkSkipList() {
      it('names only existing tests in its skip list', () => {
        const unknown = Object.keys(skip).filter((title) => !titles.has(title));
        if (unknown.length > 0) throw new Error(`skip list names unknown tests: ${unknown.join('; ')}`);
      });
    },
  };
}
