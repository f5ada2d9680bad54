/** Sprig v2.22 string functions (strings.go and the goutils/xstrings helpers it wraps). */
import { fixed, FuncError, variadic, type FuncSpec } from '../func-spec.js';
import { goQuote } from '../lexer.js';
import { compareStrings } from '../values.js';
import { strslice, strval } from './convert.js';

const isGoSpace = (ch: string): boolean => /^\s$/u.test(ch);

/** Go's strings.Title: upper-cases letters that start a word (after a separator). */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const isSeparator = /^[\x00-\x7f]$/.test(prev) ? !/^[A-Za-z0-9_]$/.test(prev) : isGoSpace(prev);
    out += isSeparator ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

/** goutils.Uncapitalize: lower-cases the first letter of each whitespace-separated word. */
function untitle(s: string): string {
  let prevSpace = true;
  let out = '';
  for (const ch of s) {
    out += prevSpace ? ch.toLowerCase() : ch;
    prevSpace = isGoSpace(ch);
  }
  return out;
}

/** Go's s[start:end] on bytes, panicking like the runtime when out of range. */
function byteSlice(s: string, start: number, end: number | null): string {
  const b = Buffer.from(s, 'utf8');
  const e = end ?? b.length;
  if (end !== null && (e > b.length || e < 0)) throw new FuncError(`runtime error: slice bounds out of range [:${e}] with length ${b.length}`);
  if (start < 0 || start > e) throw new FuncError(`runtime error: slice bounds out of range [${start}:${e}]`);
  return b.subarray(start, e).toString('utf8');
}

function substr(start: number, end: number, s: string): string {
  if (start < 0) return byteSlice(s, 0, end);
  if (end < 0 || end > Buffer.byteLength(s)) return byteSlice(s, start, null);
  return byteSlice(s, start, end);
}

/** v2.22 trunc: no negative counts (those came in v3). */
function trunc(c: number, s: string): string {
  return Buffer.byteLength(s) <= c ? s : byteSlice(s, 0, c);
}

function abbrev(width: number, s: string): string {
  if (width < 4 || Buffer.byteLength(s) <= width) return s;
  return `${byteSlice(s, 0, width - 3)}...`;
}

function indent(spaces: number, v: string): string {
  if (spaces < 0) throw new FuncError('strings: negative Repeat count');
  const pad = ' '.repeat(spaces);
  return pad + v.replaceAll('\n', `\n${pad}`);
}

/** strings.Replace(s, old, new, -1): an empty `old` inserts `new` around every rune. */
function replaceAll(old: string, repl: string, s: string): string {
  if (old !== '') return s.split(old).join(repl);
  return [...s].reduce((acc, ch) => acc + ch + repl, repl);
}

/** Splits like xstrings v1.2: separators, lower->Upper, and the last capital of an acronym. */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  const chars = [...s];
  chars.forEach((ch, i) => {
    if (ch === '_' || ch === '-' || isGoSpace(ch)) {
      if (cur !== '') out.push(cur);
      cur = '';
      return;
    }
    const prev = chars[i - 1] ?? '';
    const next = chars[i + 1] ?? '';
    const isUpper = ch !== ch.toLowerCase();
    const prevLowerOrDigit = prev !== '' && (prev !== prev.toUpperCase() || /\d/.test(prev));
    const acronymEnd = prev !== prev.toLowerCase() && next !== next.toUpperCase();
    if (cur !== '' && isUpper && (prevLowerOrDigit || acronymEnd)) {
      out.push(cur);
      cur = '';
    }
    cur += ch;
  });
  if (cur !== '') out.push(cur);
  return out;
}

const delimited = (sep: string) => (s: string): string => words(s).map((w) => w.toLowerCase()).join(sep);

/** xstrings.ToCamelCase: drops each `_` before a non-`_` and upper-cases what follows. */
function camelcase(s: string): string {
  const chars = [...s];
  let out = '';
  let i = 0;
  while (i < chars.length && chars[i] === '_') out += chars[i++];
  let upperNext = true;
  for (; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (ch === '_' && i + 1 < chars.length && chars[i + 1] !== '_') {
      upperNext = true;
      continue;
    }
    out += upperNext ? ch.toUpperCase() : ch;
    upperNext = false;
  }
  return out;
}

function swapcase(s: string): string {
  return [...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');
}

function initials(s: string): string {
  return s.split(/\s+/u).filter((w) => w !== '').map((w) => [...w][0] ?? '').join('');
}

function cat(...v: unknown[]): string {
  return v.filter((x) => x !== null && x !== undefined).map(strval).join(' ');
}

function splitMap(parts: string[]): Record<string, string> {
  return Object.fromEntries(parts.map((p, i) => [`_${i}`, p]));
}

/** strings.Split: an empty separator splits into runes. */
function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  const parts = sep === '' ? [...s] : s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  const head = parts.slice(0, n - 1);
  return [...head, parts.slice(n - 1).join(sep)];
}

function sortAlpha(list: unknown): string[] {
  return Array.isArray(list) ? strslice(list).sort(compareStrings) : [strval(list)];
}

export const STRING_FUNCS: ReadonlyArray<[string, FuncSpec]> = [
  ['trim', fixed(['string'], (s) => s.replace(/^\s+|\s+$/gu, ''))],
  ['trimAll', fixed(['string', 'string'], (a, b) => trimCutset(b, a))],
  ['trimall', fixed(['string', 'string'], (a, b) => trimCutset(b, a))],
  ['trimPrefix', fixed(['string', 'string'], (a, b) => (b.startsWith(a) ? b.slice(a.length) : b))],
  ['trimSuffix', fixed(['string', 'string'], (a, b) => (a !== '' && b.endsWith(a) ? b.slice(0, -a.length) : b))],
  ['upper', fixed(['string'], (s) => s.toUpperCase())],
  ['lower', fixed(['string'], (s) => s.toLowerCase())],
  ['title', fixed(['string'], title)],
  ['untitle', fixed(['string'], untitle)],
  ['repeat', fixed(['int', 'string'], (n, s) => {
    if (n < 0) throw new FuncError('strings: negative Repeat count');
    return s.repeat(n);
  })],
  ['substr', fixed(['int', 'int', 'string'], substr)],
  ['nospace', fixed(['string'], (s) => s.replace(/\s/gu, ''))],
  ['trunc', fixed(['int', 'string'], trunc)],
  ['abbrev', fixed(['int', 'string'], abbrev)],
  ['initials', fixed(['string'], initials)],
  ['swapcase', fixed(['string'], swapcase)],
  ['contains', fixed(['string', 'string'], (sub, s) => s.includes(sub))],
  ['hasPrefix', fixed(['string', 'string'], (p, s) => s.startsWith(p))],
  ['hasSuffix', fixed(['string', 'string'], (p, s) => s.endsWith(p))],
  ['quote', variadic([], 'any', (...v) => v.filter((x) => x !== null).map((x) => goQuote(strval(x))).join(' '))],
  ['squote', variadic([], 'any', (...v) => v.filter((x) => x !== null).map((x) => `'${strval(x)}'`).join(' '))],
  ['cat', variadic([], 'any', cat)],
  ['indent', fixed(['int', 'string'], indent)],
  ['nindent', fixed(['int', 'string'], (n, s) => `\n${indent(n, s)}`)],
  ['replace', fixed(['string', 'string', 'string'], replaceAll)],
  ['plural', fixed(['string', 'string', 'int'], (one, many, n) => (n === 1 ? one : many))],
  ['snakecase', fixed(['string'], delimited('_'))],
  ['kebabcase', fixed(['string'], delimited('-'))],
  ['camelcase', fixed(['string'], camelcase)],
  ['split', fixed(['string', 'string'], (sep, s) => splitMap(goSplit(s, sep)))],
  ['splitn', fixed(['string', 'int', 'string'], (sep, n, s) => splitMap(goSplit(s, sep, n)))],
  ['splitList', fixed(['string', 'string'], (sep, s) => goSplit(s, sep))],
  ['join', fixed(['string', 'any'], (sep, v) => strslice(v).join(sep))],
  ['sortAlpha', fixed(['any'], sortAlpha)],
  ['toString', fixed(['any'], strval)],
  ['toStrings', fixed(['any'], strslice)],
];

/** strings.Trim(s, cutset). */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(cutset);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a] ?? '')) a++;
  while (b > a && set.has(chars[b - 1] ?? '')) b--;
  return chars.slice(a, b).join('');
}
