/**
 * Go literal syntax used inside actions: interpreted and raw strings (strconv.Unquote), character
 * constants, and numbers (decimal, 0x/0o/0b/legacy-octal integers, `_` separators, decimal and hex
 * floats), with the classification Go's parse.NumberNode makes (an integral float is also an int).
 */
import type { NumberValue } from './nodes.js';
import { goQuote } from './lexer.js';

const SIMPLE: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\',
};

/** Reads one (possibly escaped) rune at `i` of `s`; null on a syntax error. */
function readRune(s: string, i: number, quote: string): { ch: string; next: number } | null {
  const c = s[i];
  if (c === undefined) return null;
  if (c !== '\\') {
    const cp = s.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    return c === quote || c === '\n' ? null : { ch, next: i + ch.length };
  }
  const e = s[i + 1] ?? '';
  const simple = SIMPLE[e];
  if (simple !== undefined) return { ch: simple, next: i + 2 };
  if (e === quote) return { ch: e, next: i + 2 };
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const hex = s.slice(i + 2, i + 2 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) return null;
    const cp = parseInt(hex, 16);
    if (e !== 'x' && (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))) return null;
    return { ch: String.fromCodePoint(cp), next: i + 2 + hexLen };
  }
  const oct = s.slice(i + 1, i + 4);
  if (/^[0-7]{3}$/.test(oct) && parseInt(oct, 8) <= 255) return { ch: String.fromCodePoint(parseInt(oct, 8)), next: i + 4 };
  return null;
}

/** strconv.Unquote for "..." and `...` literals; null on invalid syntax. */
export function unquoteString(text: string): string | null {
  if (text.startsWith('`')) return text.endsWith('`') && text.length >= 2 ? text.slice(1, -1).replaceAll('\r', '') : null;
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return null;
  const body = text.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; ) {
    const r = readRune(body, i, '"');
    if (r === null) return null;
    out += r.ch;
    i = r.next;
  }
  return out;
}

const INT_SYNTAX = [
  { re: /^0[xX](_?[0-9a-fA-F])+$/, radix: 16, skip: 2 },
  { re: /^0[oO](_?[0-7])+$/, radix: 8, skip: 2 },
  { re: /^0[bB](_?[01])+$/, radix: 2, skip: 2 },
  { re: /^0(_?[0-7])+$/, radix: 8, skip: 1 },
  { re: /^(0|[1-9](_?[0-9])*)$/, radix: 10, skip: 0 },
] as const;

const INT64_MAX = 2n ** 63n - 1n;

export function parseGoInt(text: string): bigint | null {
  const neg = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  for (const { re, radix, skip } of INT_SYNTAX) {
    if (!re.test(body)) continue;
    const digits = body.slice(skip).replaceAll('_', '');
    let v = 0n;
    for (const d of digits) v = v * BigInt(radix) + BigInt(parseInt(d, radix));
    return neg ? -v : v;
  }
  return null;
}

const DEC_FLOAT = /^[+-]?(\d(_?\d)*\.?(\d(_?\d)*)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$/;
const HEX_FLOAT = /^[+-]?0[xX](_?[0-9a-fA-F])*\.?([0-9a-fA-F](_?[0-9a-fA-F])*)?[pP][+-]?\d(_?\d)*$/;

function parseGoFloat(text: string): number | null {
  if (DEC_FLOAT.test(text) && /\d/.test(text)) return Number(text.replaceAll('_', ''));
  if (!HEX_FLOAT.test(text)) return null;
  const neg = text.startsWith('-');
  const m = /0[xX]([0-9a-fA-F_]*)\.?([0-9a-fA-F_]*)[pP]([+-]?[\d_]+)/.exec(text);
  if (m === null) return null;
  const intPart = (m[1] ?? '').replaceAll('_', '');
  const frac = (m[2] ?? '').replaceAll('_', '');
  const mantissa = parseInt(intPart + frac || '0', 16);
  const v = mantissa * 2 ** (Number((m[3] ?? '0').replaceAll('_', '')) - 4 * frac.length);
  return neg ? -v : v;
}

function fromInt(text: string, v: bigint): NumberValue {
  return { text, isInt: true, isFloat: true, int: Number(v), float: Number(v) };
}

/** Classifies a number or char-constant token like parse.newNumber; a string is the error message. */
export function parseNumber(text: string, isChar: boolean): NumberValue | string {
  if (isChar) {
    const r = readRune(text, 1, "'");
    if (r === null) return 'invalid syntax';
    if (text.slice(r.next) !== "'") return `malformed character constant: ${text}`;
    return fromInt(text, BigInt(r.ch.codePointAt(0) ?? 0));
  }
  if (text.endsWith('i') && !/^[+-]?0[xX]/.test(text)) return `complex number ${goQuote(text)} is not supported`;
  const i = parseGoInt(text);
  if (i !== null) {
    if (i > INT64_MAX || i < -INT64_MAX - 1n) return `integer overflow: ${goQuote(text)}`;
    return fromInt(text, i);
  }
  const f = parseGoFloat(text);
  if (f === null || Number.isNaN(f)) return `illegal number syntax: ${goQuote(text)}`;
  if (!/[.eEpP]/.test(text)) return `integer overflow: ${goQuote(text)}`;
  const isInt = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
  return { text, isInt, isFloat: true, int: isInt ? f : 0, float: f };
}
