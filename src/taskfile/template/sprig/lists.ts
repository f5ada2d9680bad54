/**
 * Sprig v2.22 list functions. They accept any slice and return new []interface{} values; a
 * non-list argument fails with Sprig's panic text (`Cannot find first on type string`), a nil list
 * with Go's nil dereference. Sprig's `slice` replaces Go's builtin of the same name, as it does in
 * ACR (functions added to a template take precedence over builtins).
 */
import { fixed, FuncError, variadic, type FuncSpec } from '../func-spec.js';
import { deepEqual, isEmptyValue } from '../values.js';
import { kindName, toInt64 } from './convert.js';

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

function asList(list: unknown, what: string): unknown[] {
  if (list === null || list === undefined) throw new FuncError(NIL_DEREF);
  if (!Array.isArray(list)) throw new FuncError(`${what} ${kindName(list)}`);
  return list;
}

const inList = (haystack: readonly unknown[], needle: unknown): boolean => haystack.some((x) => deepEqual(x, needle));

function sprigSlice(list: unknown, ...indices: unknown[]): unknown {
  if (list === null) throw new FuncError(NIL_DEREF);
  if (!Array.isArray(list)) throw new FuncError(`list should be type of slice or array but ${kindName(list)}`);
  if (list.length === 0) return null;
  const start = indices.length > 0 ? toInt64(indices[0]) : 0;
  const end = indices.length > 1 ? toInt64(indices[1]) : list.length;
  if (start < 0 || end > list.length || start > end) throw new FuncError('reflect: slice index out of range');
  return list.slice(start, end);
}

function concat(...lists: unknown[]): unknown {
  const out: unknown[] = [];
  for (const l of lists) {
    if (l === null) throw new FuncError(NIL_DEREF);
    if (!Array.isArray(l)) throw new FuncError(`Cannot concat type ${kindName(l)} as list`);
    out.push(...l);
  }
  return out;
}

export const LIST_FUNCS: ReadonlyArray<[string, FuncSpec]> = [
  ['list', variadic([], 'any', (...v) => v)],
  ['tuple', variadic([], 'any', (...v) => v)],
  ['first', fixed(['any'], (l) => asList(l, 'Cannot find first on type')[0] ?? null)],
  ['last', fixed(['any'], (l) => asList(l, 'Cannot find last on type').at(-1) ?? null)],
  ['rest', fixed(['any'], (l) => {
    const list = asList(l, 'Cannot find rest on type');
    return list.length === 0 ? null : list.slice(1);
  })],
  ['initial', fixed(['any'], (l) => {
    const list = asList(l, 'Cannot find initial on type');
    return list.length === 0 ? null : list.slice(0, -1);
  })],
  ['append', fixed(['any', 'any'], (l, v) => [...asList(l, 'Cannot push on type'), v])],
  ['push', fixed(['any', 'any'], (l, v) => [...asList(l, 'Cannot push on type'), v])],
  ['prepend', fixed(['any', 'any'], (l, v) => [v, ...asList(l, 'Cannot prepend on type')])],
  ['concat', variadic([], 'any', concat)],
  ['reverse', fixed(['any'], (l) => [...asList(l, 'Cannot find reverse on type')].reverse())],
  ['uniq', fixed(['any'], (l) => asList(l, 'Cannot find uniq on type').reduce<unknown[]>((acc, x) => (inList(acc, x) ? acc : [...acc, x]), []))],
  ['without', variadic(['any'], 'any', (l, ...omit) => asList(l, 'Cannot find without on type').filter((x) => !inList(omit, x)))],
  ['has', fixed(['any', 'any'], (needle, l) => (l === null ? false : inList(asList(l, 'Cannot find has on type'), needle)))],
  ['compact', fixed(['any'], (l) => asList(l, 'Cannot compact on type').filter((x) => !isEmptyValue(x)))],
  ['slice', variadic(['any'], 'any', sprigSlice)],
];
