/**
 * Keeps problem positions pointing at the file the user wrote while the text is transformed
 * (comment lines removed, alias block cut out, aliases and templates expanded): a line map gives,
 * for every line of the current text, the 1-based line of the original file.
 */
export type LineMap = readonly number[];

const MAX_CELLS = 4_000_000;

/**
 * For each line of `after`, the index of the `before` line it most likely came from: equal lines
 * are matched by a longest common subsequence; a changed or inserted line maps into the changed
 * region between the surrounding matches. Falls back to index-by-index for very large texts.
 */
export function alignLines(before: readonly string[], after: readonly string[]): number[] {
  const n = before.length;
  const m = after.length;
  if (n === m || n * m > MAX_CELLS) return after.map((_, j) => Math.min(j, Math.max(n - 1, 0)));
  const lcs = new Int32Array((n + 1) * (m + 1));
  const at = (i: number, j: number): number => lcs[i * (m + 1) + j]!;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = before[i] === after[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out = new Array<number>(m);
  let i = 0;
  let j = 0;
  while (j < m) {
    if (i < n && before[i] === after[j]) out[j++] = i++;
    else if (i < n && at(i + 1, j) > at(i, j + 1)) i++;
    else out[j++] = Math.min(i, n - 1);
  }
  return out;
}

/** The line map of `after`, given the line map of `before`. */
export function followLines(beforeText: string, beforeMap: LineMap, afterText: string): number[] {
  const before = beforeText.split('\n');
  const after = afterText.split('\n');
  return alignLines(before, after).map((i) => beforeMap[i] ?? beforeMap[beforeMap.length - 1] ?? 1);
}

/** The original line of a 1-based line of the current text. */
export function originalLine(map: LineMap, line: number): number {
  return map[line - 1] ?? map[map.length - 1] ?? line;
}
