/**
 * The parts of Go's fmt package templates reach: %v printing of values (Fprint of an action's
 * result), Sprint/Sprintln spacing rules, and Sprintf with the verbs tasks use (%v %+v %#v %T %s %q
 * %d %b %o %O %x %X %c %U %e %E %f %F %g %G %t %%), flags `+ - # 0 space`, widths, precisions,
 * `*` and explicit argument indexes, and Go's error notations (`%!d(string=x)`, `%!s(MISSING)`,
 * `%!(EXTRA int=1)`, `%!(NOVERB)`).
 */
import { formatFloat } from './float-format.js';
import { goQuote, quoteRune } from './lexer.js';
import { isGoMap, kindOf, sortedKeys, typeName } from './values.js';
import { formatGoTime } from './go-time.js';

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | null;
  prec: number | null;
  verb: string;
}

const PLAIN: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false, width: null, prec: null, verb: 'v' };

/** fmt's %v of one value, as an action prints it. */
export function formatValue(v: unknown): string {
  return formatArg(v, PLAIN, 0);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: always spaces between operands, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`;
}

function runeLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, spec: Spec, zeroAllowed = true): string {
  const w = spec.width ?? 0;
  const n = runeLength(s);
  if (n >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - n);
  return (spec.zero && zeroAllowed ? '0' : ' ').repeat(w - n) + s;
}

function badVerb(v: unknown, verb: string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

function formatArg(v: unknown, spec: Spec, depth: number): string {
  if (spec.verb === 'T') return pad(typeName(v), spec);
  switch (kindOf(v)) {
    case 'invalid': case 'nil':
      return spec.verb === 'v' ? pad('<nil>', spec, false) : badVerb(v, spec.verb);
    case 'bool':
      return spec.verb === 'v' || spec.verb === 't' ? pad(String(v), spec, false) : badVerb(v, spec.verb);
    case 'int': return formatIntArg(BigInt(v as number | bigint), v, spec);
    case 'float': return formatFloatArg(v as number, spec);
    case 'string': return formatString(v as string, spec) ?? badVerb(v, spec.verb);
    case 'bytes': return formatString(Buffer.from(v as Uint8Array).toString('utf8'), spec) ?? badVerb(v, spec.verb);
    case 'time': return formatString(formatGoTime(v as Date), spec) ?? badVerb(v, spec.verb);
    case 'slice': return formatSlice(v as unknown[], spec, depth);
    case 'map': return formatMap(v as Record<string, unknown>, spec, depth);
    case 'func': return spec.verb === 'v' ? pad('0xc000010000', spec) : badVerb(v, spec.verb);
  }
}

function formatSlice(list: readonly unknown[], spec: Spec, depth: number): string {
  if (spec.sharp && spec.verb === 'v') return `[]interface {}{${list.map((e) => goSyntax(e)).join(', ')}}`;
  return `[${list.map((e) => formatArg(e, spec, depth + 1)).join(' ')}]`;
}

function formatMap(m: Record<string, unknown>, spec: Spec, depth: number): string {
  if (spec.sharp && spec.verb === 'v') return goSyntax(m);
  const parts = sortedKeys(m).map((k) => `${formatArg(k, spec, depth + 1)}:${formatArg(m[k], spec, depth + 1)}`);
  return `map[${parts.join(' ')}]`;
}

/** %#v, approximately: Go-syntax literals for the JS data model. */
function goSyntax(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid': case 'nil': return 'interface {}(nil)';
    case 'string': return goQuote(v as string);
    case 'slice': return `[]interface {}{${(v as unknown[]).map(goSyntax).join(', ')}}`;
    case 'map': {
      const m = v as Record<string, unknown>;
      return `map[string]interface {}{${sortedKeys(m).map((k) => `${goQuote(k)}:${goSyntax(m[k])}`).join(', ')}}`;
    }
    default: return formatValue(v);
  }
}

function signOf(negative: boolean, spec: Spec): string {
  if (negative) return '-';
  if (spec.plus) return '+';
  return spec.space ? ' ' : '';
}

function formatIntArg(n: bigint, original: unknown, spec: Spec): string {
  switch (spec.verb) {
    case 'v': case 'd': return formatInteger(n, 10, '', spec);
    case 'b': return formatInteger(n, 2, spec.sharp ? '0b' : '', spec);
    case 'o': return formatInteger(n, 8, spec.sharp ? '0' : '', spec);
    case 'O': return formatInteger(n, 8, '0o', spec);
    case 'x': return formatInteger(n, 16, spec.sharp ? '0x' : '', spec);
    case 'X': return formatInteger(n, 16, spec.sharp ? "0X" : "", spec).toUpperCase();
    case 'c': return pad(String.fromCodePoint(Number(n)), spec);
    case 'q': return pad(`'${quoteRune(String.fromCodePoint(Number(n)), "'")}'`, spec);
    case 'U': return pad(`U+${n.toString(16).toUpperCase().padStart(4, '0')}`, spec);
    // Lenient: JS cannot tell an integral float64 from an int, so float verbs format ints too.
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': return formatFloatArg(Number(n), spec);
    default: return badVerb(original, spec.verb);
  }
}

function formatInteger(n: bigint, base: number, prefix: string, spec: Spec): string {
  const negative = n < 0n;
  let digits = (negative ? -n : n).toString(base);
  if (spec.prec !== null) {
    if (spec.prec === 0 && n === 0n) return pad('', { ...spec, zero: false });
    digits = digits.padStart(spec.prec, '0');
  } else if (spec.zero && !spec.minus && spec.width !== null) {
    const sign = signOf(negative, spec);
    digits = digits.padStart(spec.width - sign.length, '0');
  }
  if (prefix === '0' && digits.startsWith('0')) prefix = '';
  return pad(signOf(negative, spec) + prefix + digits, { ...spec, zero: false });
}

function formatFloatArg(x: number, spec: Spec): string {
  const verb = spec.verb;
  let fmt: 'e' | 'E' | 'f' | 'g' | 'G';
  let prec = spec.prec ?? -1;
  if (verb === 'v' || verb === 'g' || verb === 'G') fmt = verb === 'G' ? 'G' : 'g';
  else if (verb === 'e' || verb === 'E' || verb === 'f' || verb === 'F') {
    fmt = verb === 'F' ? 'f' : verb;
    prec = spec.prec ?? 6;
  } else return badVerb(x, verb);
  let num = formatFloat(x, fmt, prec);
  if (!num.startsWith('-') && !num.startsWith('+')) num = `+${num}`;
  if (spec.space && num.startsWith('+') && !spec.plus) num = ` ${num.slice(1)}`;
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !spec.space && !spec.plus) num = num.slice(1);
    return pad(num, spec, false);
  }
  if (spec.plus || !num.startsWith('+')) {
    const w = spec.width ?? 0;
    if (spec.zero && !spec.minus && w > num.length) return num[0] + '0'.repeat(w - num.length) + num.slice(1);
    return pad(num, spec);
  }
  return pad(num.slice(1), spec);
}

function truncateRunes(s: string, prec: number | null): string {
  if (prec === null) return s;
  return [...s].slice(0, prec).join('');
}

function formatString(s: string, spec: Spec): string | null {
  switch (spec.verb) {
    case 'v': case 's': return pad(truncateRunes(s, spec.prec), spec);
    case 'q': {
      const t = truncateRunes(s, spec.prec);
      if (spec.sharp && !/[`\x00-\x08\x0a-\x1f\x7f]/.test(t)) return pad(`\`${t}\``, spec);
      const quoted = spec.plus ? goQuote(t).replace(/[^\x00-\x7f]/gu, (c) => quoteAscii(c)) : goQuote(t);
      return pad(quoted, spec);
    }
    case 'x': case 'X': {
      let bytes = [...Buffer.from(s, 'utf8')];
      if (spec.prec !== null) bytes = bytes.slice(0, spec.prec);
      const hex = bytes.map((b) => (spec.sharp && spec.space ? '0x' : '') + b.toString(16).padStart(2, '0'));
      let out = hex.join(spec.space ? ' ' : '');
      if (spec.sharp && !spec.space && out !== '') out = `0x${out}`;
      return pad(spec.verb === 'X' ? out.toUpperCase() : out, spec);
    }
    default: return null;
  }
}

function quoteAscii(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  const state = { argNum: 0, reordered: false };
  let out = '';
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct === -1) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    const r = formatDirective(format, pct + 1, args, state);
    out += r.text;
    i = r.next;
  }
  if (!state.reordered && state.argNum < args.length) {
    const extra = args.slice(state.argNum).map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

interface ArgState {
  argNum: number;
  reordered: boolean;
}

/** Parses `[n]` at `i`; returns the new index, or null when absent; sets state.argNum. */
function argIndex(format: string, i: number, args: readonly unknown[], state: ArgState): { next: number; ok: boolean } | null {
  if (format[i] !== '[') return null;
  state.reordered = true;
  const close = format.indexOf(']', i);
  const n = close === -1 ? NaN : Number(format.slice(i + 1, close));
  if (!Number.isInteger(n) || n < 1 || n > args.length) return { next: close === -1 ? format.length : close + 1, ok: false };
  state.argNum = n - 1;
  return { next: close + 1, ok: true };
}

function readNumber(format: string, i: number): { n: number | null; next: number } {
  let j = i;
  while (j < format.length && format[j]! >= '0' && format[j]! <= '9') j++;
  return { n: j > i ? Number(format.slice(i, j)) : null, next: j };
}

function formatDirective(format: string, start: number, args: readonly unknown[], state: ArgState): { text: string; next: number } {
  const spec: Spec = { ...PLAIN, verb: '' };
  let i = start;
  for (; i < format.length; i++) {
    const c = format[i];
    if (c === '#') spec.sharp = true;
    else if (c === '0') spec.zero = !spec.minus;
    else if (c === '+') spec.plus = true;
    else if (c === '-') {
      spec.minus = true;
      spec.zero = false;
    } else if (c === ' ') spec.space = true;
    else break;
  }
  let goodIndex = true;
  const idx1 = argIndex(format, i, args, state);
  if (idx1) ({ next: i, ok: goodIndex } = idx1);
  let bad = '';
  if (format[i] === '*') {
    i++;
    const w = takeIntArg(args, state);
    if (w === null) bad += '%!(BADWIDTH)';
    else if (w < 0) {
      spec.minus = true;
      spec.zero = false;
      spec.width = -w;
    } else spec.width = w;
  } else {
    const r = readNumber(format, i);
    spec.width = r.n;
    i = r.next;
  }
  if (format[i] === '.') {
    i++;
    const idx2 = argIndex(format, i, args, state);
    if (idx2) ({ next: i, ok: goodIndex } = idx2);
    if (format[i] === '*') {
      i++;
      const p = takeIntArg(args, state);
      if (p === null || p < 0) bad += '%!(BADPREC)';
      else spec.prec = p;
    } else {
      const r = readNumber(format, i);
      spec.prec = r.n ?? 0;
      i = r.next;
    }
  }
  const idx3 = argIndex(format, i, args, state);
  if (idx3) ({ next: i, ok: goodIndex } = idx3);
  if (i >= format.length) return { text: `${bad}%!(NOVERB)`, next: i };
  const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
  const next = i + verb.length;
  spec.verb = verb;
  if (verb === '%') return { text: `${bad}%`, next };
  if (!goodIndex) return { text: `${bad}%!${verb}(BADINDEX)`, next };
  if (state.argNum >= args.length) return { text: `${bad}%!${verb}(MISSING)`, next };
  const arg = args[state.argNum++];
  return { text: bad + formatArg(arg, spec, 0), next };
}

function takeIntArg(args: readonly unknown[], state: ArgState): number | null {
  if (state.argNum >= args.length) return null;
  const a = args[state.argNum++];
  if (kindOf(a) !== 'int') return null;
  const n = Number(a);
  return Math.abs(n) > 1e6 ? null : n;
}

