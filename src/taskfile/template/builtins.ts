/**
 * Go text/template's predefined functions. `and`/`or` are listed for arity checks and name lookup;
 * their short-circuit evaluation happens in the executor. Errors carry Go's messages
 * (`index out of range: 5`, `incompatible types for comparison`, `len of type int`, ...).
 */
import { fixed, FuncError, variadic, type FuncSpec } from './func-spec.js';
import { formatValue, sprint, sprintf, sprintln } from './go-fmt.js';
import { compareStrings, deepEqual, goLen, isGoMap, isTrue, kindOf, typeName } from './values.js';

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

/** indirectInterface: a nil interface is no value at all. */
function unboxNil(v: unknown): unknown {
  return v === null ? undefined : v;
}

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : 'invalid';
}

function eqOne(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if (a !== undefined && b !== undefined) throw new FuncError('incompatible types for comparison');
    return false;
  }
  if (k1 !== 'invalid') return k1 === 'int' ? BigInt(a as number) === BigInt(b as number) : a === b;
  if (a === undefined || b === undefined) return a === b;
  const nonComparable = [a, b].find((x) => Array.isArray(x) || isGoMap(x) || typeof x === 'function');
  if (nonComparable !== undefined) throw new FuncError(`non-comparable type ${formatValue(nonComparable)}: ${typeName(nonComparable)}`);
  return deepEqual(a, b);
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  const a = unboxNil(arg1);
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  return rest.some((b) => eqOne(a, unboxNil(b)));
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const a = unboxNil(arg1);
  const b = unboxNil(arg2);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) throw new FuncError('incompatible types for comparison');
  switch (k1) {
    case 'bool': throw new FuncError('invalid type for comparison');
    case 'string': return compareStrings(a as string, b as string) < 0;
    case 'int': return BigInt(a as number) < BigInt(b as number);
    default: return (a as number) < (b as number);
  }
}

function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq(a, b);
}

function indexArg(index: unknown, cap: number): number {
  const i = unboxNil(index);
  if (i === undefined) throw new FuncError('cannot index slice/array with nil');
  if (kindOf(i) !== 'int') throw new FuncError(`cannot index slice/array with type ${typeName(i)}`);
  const x = Number(i);
  if (x < 0 || x > cap) throw new FuncError(`index out of range: ${x}`);
  return x;
}

function indexOne(item: unknown, index: unknown): unknown {
  if (item === null) throw new FuncError('index of nil pointer');
  if (typeof item === 'string' || Array.isArray(item)) {
    const bytes = typeof item === 'string' ? Buffer.from(item, 'utf8') : null;
    const len = bytes ? bytes.length : (item as unknown[]).length;
    const x = indexArg(index, len);
    if (x >= len) throw new FuncError(`index out of range: ${x}`);
    return bytes ? bytes[x] : (item as unknown[])[x] ?? null;
  }
  if (isGoMap(item)) {
    const key = unboxNil(index) ?? '';
    if (typeof key !== 'string') throw new FuncError(`value has type ${typeName(key)}; should be string`);
    return Object.hasOwn(item, key) ? (item[key] ?? null) : null;
  }
  throw new FuncError(`can't index item of type ${typeName(item)}`);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  let v = unboxNil(item);
  if (v === undefined) throw new FuncError('index of untyped nil');
  for (const i of indexes) v = indexOne(v, i);
  return v;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  const v = unboxNil(item);
  if (v === undefined) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  if (typeof v === 'string' && indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
  if (typeof v !== 'string' && !Array.isArray(v)) throw new FuncError(`can't slice item of type ${typeName(v)}`);
  const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : null;
  const len = bytes ? bytes.length : (v as unknown[]).length;
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, len)));
  const [i = 0, j = len, k = len] = idx;
  if (i > j) throw new FuncError(`invalid slice index: ${i} > ${j}`);
  if (indexes.length === 3 && j > k) throw new FuncError(`invalid slice index: ${j} > ${k}`);
  return bytes ? bytes.subarray(i, j).toString('utf8') : (v as unknown[]).slice(i, j);
}

function len(item: unknown): number {
  if (item === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  if (item === null) throw new FuncError('len of nil pointer');
  const n = goLen(item);
  if (n === null) throw new FuncError(`len of type ${typeName(item)}`);
  return n;
}

/** text/template's evalArgs for html/js/urlquery: a lone string as is, else Sprint with <no value>. */
function evalArgs(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' };

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const fixedEscape = ({ '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' } as Record<string, string>)[ch];
    if (fixedEscape !== undefined) out += fixedEscape;
    else if (ch < ' ' || /^[\p{C}\p{Zl}\p{Zp}]$/u.test(ch)) out += `\\u${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function call(fn: unknown, ...args: unknown[]): unknown {
  const f = unboxNil(fn);
  if (f === undefined) throw new FuncError('call of nil');
  if (typeof f !== 'function') throw new FuncError(`non-function of type ${typeName(f)}`);
  const result: unknown = (f as (...a: unknown[]) => unknown)(...args.map((a) => a ?? null));
  return result === undefined ? null : result;
}

function builtin(spec: FuncSpec): FuncSpec {
  return { ...spec, isBuiltin: true };
}

/** The predefined functions, by name. */
export const BUILTINS: ReadonlyMap<string, FuncSpec> = new Map<string, FuncSpec>([
  ['and', builtin(variadic(['value'], 'value', (a) => a))],
  ['or', builtin(variadic(['value'], 'value', (a) => a))],
  ['not', builtin(fixed(['value'], (a) => !isTrue(a)))],
  ['len', builtin(fixed(['value'], len))],
  ['index', builtin(variadic(['value'], 'value', index))],
  ['slice', builtin(variadic(['value'], 'value', slice))],
  ['print', builtin(variadic([], 'any', (...a) => sprint(a)))],
  ['printf', builtin(variadic(['string'], 'any', (f, ...a) => sprintf(f, a)))],
  ['println', builtin(variadic([], 'any', (...a) => sprintln(a)))],
  ['html', builtin(variadic([], 'any', (...a) => evalArgs(a).replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c] ?? c)))],
  ['js', builtin(variadic([], 'any', (...a) => jsEscape(evalArgs(a))))],
  ['urlquery', builtin(variadic([], 'any', (...a) => queryEscape(evalArgs(a))))],
  ['eq', builtin(variadic(['value'], 'value', eq))],
  ['ne', builtin(fixed(['value', 'value'], (a, b) => !eq(a, b)))],
  ['lt', builtin(fixed(['value', 'value'], lt))],
  ['le', builtin(fixed(['value', 'value'], le))],
  ['gt', builtin(fixed(['value', 'value'], (a, b) => !le(a, b)))],
  ['ge', builtin(fixed(['value', 'value'], (a, b) => !lt(a, b)))],
  ['call', builtin(variadic(['value'], 'value', call))],
]);
