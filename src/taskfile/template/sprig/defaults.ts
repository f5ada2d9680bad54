/** Sprig v2.22 default/flow/reflection functions (defaults.go, reflect.go), plus Helm's `required`. */
import { fixed, FuncError, variadic, type FuncSpec } from '../func-spec.js';
import { deepEqual, isEmptyValue, isGoMap, reflectKindName, typeName } from '../values.js';
import { marshalJson } from './json.js';

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Date) return new Date(v.getTime());
  if (isGoMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

export const DEFAULT_FUNCS: ReadonlyArray<[string, FuncSpec]> = [
  // default: the pipeline value (the last argument) unless it is empty or absent.
  ['default', variadic(['any'], 'any', (d, ...given) => (given.length === 0 || isEmptyValue(given[0]) ? d : given[0]))],
  ['empty', fixed(['any'], isEmptyValue)],
  ['coalesce', variadic([], 'any', (...v) => v.find((x) => !isEmptyValue(x)) ?? null)],
  ['ternary', fixed(['any', 'any', 'bool'], (vt, vf, v) => (v ? vt : vf))],
  ['toJson', fixed(['any'], (v) => marshalJson(v) ?? '')],
  ['toPrettyJson', fixed(['any'], (v) => marshalJson(v, '  ') ?? '')],
  // Helm's required (not in Sprig, so not in ACR): fails when the value is nil or "".
  ['required', fixed(['string', 'any'], (warn, v) => {
    if (v === null || v === '') throw new FuncError(warn);
    return v;
  })],
  ['fail', fixed(['string'], (msg) => {
    throw new FuncError(msg);
  })],
  ['deepCopy', fixed(['any'], deepCopy)],
  ['typeOf', fixed(['any'], typeName)],
  ['typeIs', fixed(['string', 'any'], (t, v) => t === typeName(v))],
  ['kindOf', fixed(['any'], reflectKindName)],
  ['kindIs', fixed(['string', 'any'], (k, v) => k === reflectKindName(v))],
  ['deepEqual', fixed(['any', 'any'], deepEqual)],
];
