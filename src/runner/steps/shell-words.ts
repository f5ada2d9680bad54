/**
 * Splits a command line into words the way a POSIX shell tokenises it, without expanding
 * anything: whitespace separates words; single quotes keep everything literal; double quotes
 * keep whitespace and honour `\"`, `\\`, `\$` and `` \` ``; a backslash outside quotes escapes
 * the next character. acb hands `cmd` to `/bin/sh -c` on the host; Slipway runs the container
 * directly, so `$VAR`, globs, pipes and redirections are passed to the container as text
 * (docs/taskfile.md lists this divergence). Throws on an unterminated quote.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) word += line[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote in: ${line}`);
  if (inWord) words.push(word);
  return words;
}
