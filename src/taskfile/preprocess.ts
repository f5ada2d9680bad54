/**
 * Text-level steps that run before templates (docs/taskfile.md, acb's templating package):
 * comment-line stripping, FindVersion and the alias-block split. Each returns a line map: for every
 * output line, the 1-based line of the original file it came from, so YAML errors found later can
 * point at what the user wrote.
 */

/** Text plus, per line, the original file line it came from. */
export interface MappedText {
  readonly text: string;
  readonly lines: readonly number[];
}

/** Every line whose trimmed text starts with `#` is removed; the rest is kept verbatim (acb 2.1). */
export function stripCommentLines(text: string): MappedText {
  const kept: string[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim().startsWith('#')) return;
    kept.push(line);
    lines.push(i + 1);
  });
  return { text: kept.join('\n'), lines };
}

/**
 * acb's FindVersion: the first non-blank, non-comment line that (after leading quotes only) starts
 * with `version` and whose key trimmed of spaces and quotes is `version`; its value is everything
 * after the first `:` trimmed of spaces and quotes. Empty when there is none.
 */
export function findVersion(text: string): string {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const unquoted = line.replace(/^["']+/, '');
    if (!unquoted.startsWith('version')) continue;
    const colon = unquoted.indexOf(':');
    if (colon < 0) continue;
    if (trimSet(unquoted.slice(0, colon), ` "'`) !== 'version') continue;
    return trimSet(unquoted.slice(colon + 1), ` "'`);
  }
  return '';
}

function trimSet(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start]!)) start++;
  while (end > start && chars.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** Aliases are on when the raw version string is >= `v1.1.0` in byte order (so `V1.1.0` turns them off). */
export function aliasesEnabled(version: string): boolean {
  return version >= 'v1.1.0';
}

export interface AliasSplit {
  /** The `alias:` block (with its own line map), empty when the file has none. */
  readonly alias: MappedText;
  /** Everything else. */
  readonly rest: MappedText;
}

const ALIAS_START = /^alias\s*:/;
const TOP_LEVEL_KEY = /^[^\s:]+[^:]*:.*$/;
const COMMENT_LINE = /^\s*#/;

/**
 * acb's alias-block separation (2.5.2): comment lines are dropped from both outputs; `alias:` at
 * column 0 opens the block, the next column-0 key closes it; every line is re-emitted with `\n`.
 */
export function splitAliasBlock(input: MappedText): AliasSplit {
  const alias = { text: '', lines: [] as number[] };
  const rest = { text: '', lines: [] as number[] };
  let inside = false;
  // acb reads lines with bufio.Scanner: no extra empty line after a final newline, `\r` dropped.
  const lines = input.text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (COMMENT_LINE.test(line)) return;
    if (!inside && ALIAS_START.test(line)) inside = true;
    else if (inside && TOP_LEVEL_KEY.test(line)) inside = false;
    const target = inside ? alias : rest;
    target.text += `${line}\n`;
    target.lines.push(input.lines[i] ?? i + 1);
  });
  return { alias, rest };
}
