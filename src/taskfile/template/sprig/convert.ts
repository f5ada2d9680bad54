/**
 * Sprig's conversions: strval/strslice (how Sprig turns values into strings) and spf13/cast v1.3's
 * ToInt64/ToFloat64 (how the math functions read their arguments: numbers, numeric strings in Go
 * syntax with base prefixes, booleans; anything else is 0).
 */
import { formatValue } from '../go-fmt.js';
import { formatGoTime } from '../go-time.js';
import { parseGoInt } from '../literals.js';
import { kindOf } from '../values.js';

/** Sprig's strval: strings as is, bytes decoded, errors and Stringers by their text, else %v. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Error) return v.message;
  if (v instanceof Date) return formatGoTime(v);
  return formatValue(v ?? null);
}

/** Sprig's strslice: a list's non-nil elements as strings; nil is []; any other value is [strval(v)]. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

/** cast.ToInt64 with errors swallowed (Sprig ignores them): unconvertible values are 0. */
export function toInt64(v: unknown): number {
  switch (kindOf(v)) {
    case 'int': return Number(v);
    case 'float': return Math.trunc(v as number);
    case 'bool': return v === true ? 1 : 0;
    case 'string': {
      const n = parseGoInt((v as string).trim() === v ? (v as string) : '');
      return n === null ? 0 : Number(BigInt.asIntN(64, n));
    }
    default: return 0;
  }
}

/** cast.ToFloat64 with errors swallowed. */
export function toFloat64(v: unknown): number {
  switch (kindOf(v)) {
    case 'int': case 'float': return Number(v);
    case 'bool': return v === true ? 1 : 0;
    case 'string': {
      const s = v as string;
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : 0;
    }
    default: return 0;
  }
}

/** The reflect.Kind name Sprig puts in its panics ("Cannot find first on type string"). */
export function kindName(v: unknown): string {
  const k = kindOf(v);
  return k === 'int' ? 'int' : k === 'float' ? 'float64' : k === 'time' ? 'struct' : k === 'bytes' ? 'slice' : k;
}
