/**
 * How plain JS data maps onto Go's reflect kinds for template purposes.
 *
 * - `undefined` is Go's invalid reflect.Value ("no value": a missing map key under
 *   missingkey=default, an empty pipeline); `null` is a nil interface{} (a JSON/YAML null, a missing
 *   key under missingkey=zero before the pipeline unwraps it).
 * - A JS number is an `int` when it is an integer and a `float64` otherwise (JS cannot tell `1.0`
 *   from `1`); a bigint is an `int64`.
 * - Arrays are `[]interface {}`, plain objects are `map[string]interface {}`, Dates are `time.Time`,
 *   functions are `func`, Uint8Arrays are `[]uint8`.
 */

export type GoMap = Record<string, unknown>;

export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'bytes' | 'map' | 'time' | 'func';

export function isGoMap(v: unknown): v is GoMap {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date || v instanceof Uint8Array) return false;
  return true;
}

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined': return 'invalid';
    case 'boolean': return 'bool';
    // Integers beyond 2^53 are most likely float64 in Go (and print as 1e+21 there).
    case 'number': return Number.isSafeInteger(v) ? 'int' : 'float';
    case 'bigint': return 'int';
    case 'string': return 'string';
    case 'function': return 'func';
    case 'symbol': return 'invalid';
    case 'object':
      if (v === null) return 'nil';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Date) return 'time';
      if (v instanceof Uint8Array) return 'bytes';
      return 'map';
  }
}

/** Go's %T spelling of a value's dynamic type. */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid': case 'nil': return '<nil>';
    case 'bool': return 'bool';
    case 'int': return typeof v === 'bigint' ? 'int64' : 'int';
    case 'float': return 'float64';
    case 'string': return 'string';
    case 'slice': return '[]interface {}';
    case 'bytes': return '[]uint8';
    case 'map': return 'map[string]interface {}';
    case 'time': return 'time.Time';
    case 'func': return 'func(...interface {}) interface {}';
  }
}

/** Go's reflect Kind name (Sprig's kindOf). */
export function reflectKindName(v: unknown): string {
  const k = kindOf(v);
  const names: Record<Kind, string> = {
    invalid: 'invalid', nil: 'invalid', bool: 'bool', int: typeof v === 'bigint' ? 'int64' : 'int', float: 'float64',
    string: 'string', slice: 'slice', bytes: 'slice', map: 'map', time: 'struct', func: 'func',
  };
  return names[k];
}

/** Length for strings (UTF-8 bytes, like Go), slices and maps; null when the kind has no length. */
export function goLen(v: unknown): number | null {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Array.isArray(v)) return v.length;
  if (v instanceof Uint8Array) return v.length;
  if (isGoMap(v)) return Object.keys(v).length;
  return null;
}

/** text/template's isTrue: empty strings, collections and zero numbers are false; nil is false. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid': case 'nil': return false;
    case 'bool': return v === true;
    case 'int': case 'float': return typeof v === 'bigint' ? v !== 0n : v !== 0;
    case 'string': case 'slice': case 'bytes': case 'map': return (goLen(v) ?? 0) > 0;
    case 'time': case 'func': return true;
  }
}

/** Integer value of an int-kind value (bigints beyond 2^53 lose precision). */
export function toNumber(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN;
}

/** Sprig's empty(): Go zero values and empty collections are empty; a Date or func is not. */
export function isEmptyValue(v: unknown): boolean {
  return !isTrue(v);
}

/** Go's reflect.DeepEqual for template data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (kindOf(a) !== kindOf(b)) return false;
  if (typeof a === 'bigint' || typeof b === 'bigint') return toNumber(a) === toNumber(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (isGoMap(a) && isGoMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Go's sort.Strings order (byte-wise on UTF-8, which equals code point order). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done === true) return cb.done === true ? 0 : -1;
    if (cb.done === true) return 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareStrings);
}
