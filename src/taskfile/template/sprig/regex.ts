/**
 * Sprig v2.22 regex functions with Go regexp semantics on top of JS RegExp: successive
 * non-overlapping matches where an empty match right after a previous match is skipped,
 * ReplaceAllString's `$1`/`${name}` expansion (`$1x` names group "1x"), and Regexp.Split.
 * Patterns are RE2 syntax translated for the common differences: `(?P<name>`, leading `(?flags)`,
 * `\A`, `\z`, `\Q...\E` and `[[:alpha:]]` classes. Other RE2/JS differences are documented in
 * docs/taskfile-templates.md.
 */
import { fixed, FuncError, type FuncSpec } from '../func-spec.js';
import { goQuote } from '../lexer.js';

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

function translate(pattern: string): { source: string; flags: string } {
  let source = pattern;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    flags = [...new Set((lead[1] ?? '').replace('U', ''))].join('');
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\\Q([\s\S]*?)(\\E|$)/g, (_, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .replaceAll('(?P<', '(?<')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => (neg === '' && POSIX[name] !== undefined ? POSIX[name] : m))
    .replaceAll('\\A', '(?<![\\s\\S])')
    .replaceAll('\\z', '(?![\\s\\S])');
  return { source, flags };
}

function compile(pattern: string): RegExp {
  const { source, flags } = translate(pattern);
  try {
    return new RegExp(source, `${flags}g`);
  } catch (e) {
    const quoted = /^[^`\x00-\x1f]*$/.test(pattern) ? `\`${pattern}\`` : goQuote(pattern);
    throw new FuncError(`regexp: Compile(${quoted}): error parsing regexp: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function runeWidth(s: string, i: number): number {
  const cp = s.codePointAt(i);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}

/** Regexp.FindAll...Index semantics; n < 0 means all. */
function findAll(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m === null) break;
    const end = m.index + m[0].length;
    let accept = true;
    if (end === pos) {
      if (m.index === prevEnd) accept = false;
      pos += pos < s.length ? runeWidth(s, pos) : 1;
    } else pos = end;
    prevEnd = end;
    if (accept) out.push(m);
  }
  return out;
}

/** Regexp.Expand for ReplaceAllString templates. */
function expand(template: string, m: RegExpExecArray): string {
  let out = '';
  let rest = template;
  for (let k = rest.indexOf('$'); k !== -1; k = rest.indexOf('$')) {
    out += rest.slice(0, k);
    rest = rest.slice(k + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (ref === null) {
      out += '$';
      continue;
    }
    rest = rest.slice(ref[0].length);
    const name = ref[1] ?? ref[2] ?? '';
    const num = /^\d+$/.test(name) && !(name.length > 1 && name.startsWith('0')) ? Number(name) : -1;
    out += (num >= 0 ? m[num] : m.groups?.[name]) ?? '';
  }
  return out + rest;
}

/** Regexp.ReplaceAllString / ReplaceAllLiteralString. */
function replaceAll(re: RegExp, src: string, repl: (m: RegExpExecArray) => string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    re.lastIndex = searchPos;
    const m = re.exec(src);
    if (m === null) break;
    const end = m.index + m[0].length;
    out += src.slice(lastMatchEnd, m.index);
    if (end > lastMatchEnd || m.index === 0) out += repl(m);
    lastMatchEnd = end;
    const width = searchPos < src.length ? runeWidth(src, searchPos) : 1;
    searchPos = searchPos + width > end ? searchPos + width : end;
  }
  return out + src.slice(lastMatchEnd);
}

/** Regexp.Split (a nil result is an empty list: Go prints a typed nil slice as []). */
function split(re: RegExp, pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (pattern.length > 0 && s.length === 0) return [''];
  const parts: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(re, s, n)) {
    if (n > 0 && parts.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) parts.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) parts.push(s.slice(beg));
  return parts;
}

function regexMatch(pattern: string, s: string): boolean {
  try {
    return findAll(compile(pattern), s, 1).length > 0;
  } catch {
    return false;
  }
}

export const REGEX_FUNCS: ReadonlyArray<[string, FuncSpec]> = [
  ['regexMatch', fixed(['string', 'string'], regexMatch)],
  ['regexFind', fixed(['string', 'string'], (p, s) => findAll(compile(p), s, 1)[0]?.[0] ?? '')],
  ['regexFindAll', fixed(['string', 'string', 'int'], (p, s, n) => findAll(compile(p), s, n).map((m) => m[0]))],
  ['regexReplaceAll', fixed(['string', 'string', 'string'], (p, s, r) => replaceAll(compile(p), s, (m) => expand(r, m)))],
  ['regexReplaceAllLiteral', fixed(['string', 'string', 'string'], (p, s, r) => replaceAll(compile(p), s, () => r))],
  ['regexSplit', fixed(['string', 'string', 'int'], (p, s, n) => split(compile(p), p, s, n))],
];
