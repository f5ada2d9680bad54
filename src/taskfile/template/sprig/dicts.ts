/**
 * Sprig v2.22 dict functions over map[string]interface{} (plain objects, mutated in place where Go
 * mutates the map). `keys` and `values` return insertion order, where Go's is random; pipe through
 * `sortAlpha` for a stable order in both. `merge`/`mergeOverwrite` follow mergo's deep merge.
 * `get` is Sprig v3 (not in ACR's v2.22).
 */
import { fixed, variadic, type FuncSpec } from '../func-spec.js';
import { isEmptyValue, isGoMap, type GoMap } from '../values.js';
import { strval } from './convert.js';

function dict(...v: unknown[]): GoMap {
  const d: GoMap = {};
  for (let i = 0; i < v.length; i += 2) d[strval(v[i])] = i + 1 < v.length ? v[i + 1] : '';
  return d;
}

/** mergo.Merge (overwrite false) / MergeWithOverwrite for maps: nested maps merge recursively. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [key, s] of Object.entries(src)) {
    if (s === null || s === undefined) continue;
    const d = dst[key];
    if (isGoMap(s) && isGoMap(d)) mergeInto(d, s, overwrite);
    const dstFilled = Object.hasOwn(dst, key) && !isEmptyValue(d);
    if (dstFilled && (isGoMap(s) || Array.isArray(s))) continue;
    if (!dstFilled || (overwrite && !isEmptyValue(s))) dst[key] = s;
  }
}

const merge = (overwrite: boolean) => (dst: GoMap | null, ...srcs: Array<GoMap | null>): GoMap => {
  const target = dst ?? {};
  for (const src of srcs) if (src) mergeInto(target, src, overwrite);
  return target;
};

export const DICT_FUNCS: ReadonlyArray<[string, FuncSpec]> = [
  ['dict', variadic([], 'any', dict)],
  ['get', fixed(['map', 'string'], (d, k) => (d !== null && Object.hasOwn(d, k) ? (d[k] ?? null) : ''))],
  ['set', fixed(['map', 'string', 'any'], (d, k, v) => {
    const m = d ?? {};
    m[k] = v;
    return m;
  })],
  ['unset', fixed(['map', 'string'], (d, k) => {
    if (d !== null) delete d[k];
    return d;
  })],
  ['hasKey', fixed(['map', 'string'], (d, k) => d !== null && Object.hasOwn(d, k))],
  ['keys', variadic([], 'map', (...ds) => ds.flatMap((d) => (d ? Object.keys(d) : [])))],
  ['values', fixed(['map'], (d) => (d ? Object.values(d) : []))],
  ['pluck', variadic(['string'], 'map', (name, ...ds) => ds.filter((d) => d !== null && Object.hasOwn(d, name)).map((d) => d?.[name] ?? null))],
  ['pick', variadic(['map'], 'string', (d, ...keys) => Object.fromEntries(keys.filter((k) => d !== null && Object.hasOwn(d, k)).map((k) => [k, d?.[k]])))],
  ['omit', variadic(['map'], 'string', (d, ...keys) => Object.fromEntries(Object.entries(d ?? {}).filter(([k]) => !keys.includes(k))))],
  ['merge', variadic(['map'], 'map', merge(false))],
  ['mergeOverwrite', variadic(['map'], 'map', merge(true))],
];
