/**
 * Sprig v2.22 integer math (int64 results through cast.ToInt64), float rounding helpers, and
 * conversions. Division or modulo by zero fails like Go's runtime panic.
 */
import { fixed, FuncError, variadic, type FuncSpec } from '../func-spec.js';
import { parseGoInt } from '../literals.js';
import { toFloat64, toInt64 } from './convert.js';

function divisor(b: unknown): number {
  const d = toInt64(b);
  if (d === 0) throw new FuncError('runtime error: integer divide by zero');
  return d;
}

/** Sprig's round: rounds half away from zero at `roundOn` (0.5 by default) of the next digit. */
function round(a: unknown, places: number, ...rOpt: number[]): number {
  const roundOn = rOpt[0] ?? 0.5;
  const pow = 10 ** places;
  const digit = pow * toFloat64(a);
  const frac = digit - Math.trunc(digit);
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

function untilStep(start: number, stop: number, step: number): number[] {
  const v: number[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) v.push(i);
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) v.push(i);
  return v;
}

function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) return 0;
  const n = parseGoInt(s.replace(/^\+/, '').replace(/^(-?)0+(?=\d)/, '$1'));
  return n === null ? 0 : Number(n);
}

export const MATH_FUNCS: ReadonlyArray<[string, FuncSpec]> = [
  ['add1', fixed(['any'], (i) => toInt64(i) + 1)],
  ['add', variadic([], 'any', (...v) => v.reduce<number>((acc, x) => acc + toInt64(x), 0))],
  ['sub', fixed(['any', 'any'], (a, b) => toInt64(a) - toInt64(b))],
  ['div', fixed(['any', 'any'], (a, b) => Math.trunc(toInt64(a) / divisor(b)))],
  ['mod', fixed(['any', 'any'], (a, b) => toInt64(a) % divisor(b))],
  ['mul', variadic(['any'], 'any', (a, ...v) => v.reduce<number>((acc, x) => acc * toInt64(x), toInt64(a)))],
  ['max', variadic(['any'], 'any', (a, ...v) => Math.max(toInt64(a), ...v.map(toInt64)))],
  ['biggest', variadic(['any'], 'any', (a, ...v) => Math.max(toInt64(a), ...v.map(toInt64)))],
  ['min', variadic(['any'], 'any', (a, ...v) => Math.min(toInt64(a), ...v.map(toInt64)))],
  ['floor', fixed(['any'], (a) => Math.floor(toFloat64(a)))],
  ['ceil', fixed(['any'], (a) => Math.ceil(toFloat64(a)))],
  ['round', variadic(['any', 'int'], 'float', round)],
  ['atoi', fixed(['string'], atoi)],
  ['int', fixed(['any'], toInt64)],
  ['int64', fixed(['any'], toInt64)],
  ['float64', fixed(['any'], toFloat64)],
  ['until', fixed(['int'], (n) => untilStep(0, n, n < 0 ? -1 : 1))],
  ['untilStep', fixed(['int', 'int', 'int'], untilStep)],
];
