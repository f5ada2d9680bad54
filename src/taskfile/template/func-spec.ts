/**
 * How a template function declares its Go signature, so arguments are checked and converted the
 * way text/template does it through reflection: a literal `3` passed where Go wants a string is
 * `expected string; found 3`, a map value of the wrong type is `wrong type for value; expected
 * string; got int`, a missing value is `invalid value; expected string`, and nil reaches `any`,
 * `list` and `map` parameters as null.
 *
 * Parameter types: `any` (interface{}), `string`, `int`, `float` (float64), `bool`, `map`
 * (map[string]interface{}), `list` ([]interface{}), `time` (time.Time), and `value`
 * (reflect.Value: the raw value, `undefined` included, for builtins such as `eq` and `len`).
 */
import type { GoMap } from './values.js';

export type ParamType = 'any' | 'string' | 'int' | 'float' | 'bool' | 'map' | 'list' | 'time' | 'value';

type TypeOf<T extends ParamType> = T extends 'string'
  ? string
  : T extends 'int' | 'float'
    ? number
    : T extends 'bool'
      ? boolean
      : T extends 'map'
        ? GoMap | null
        : T extends 'list'
          ? unknown[] | null
          : T extends 'time'
            ? Date
            : unknown;

type ArgsOf<P extends readonly ParamType[]> = { -readonly [K in keyof P]: P[K] extends ParamType ? TypeOf<P[K]> : never };

export interface FuncSpec {
  readonly params: readonly ParamType[];
  /** Element type of a trailing variadic parameter. */
  readonly variadic: ParamType | null;
  readonly call: (...args: unknown[]) => unknown;
  /** Set on the Go builtins; `and`/`or` short-circuit only when builtin (a same-named func replaces them). */
  readonly isBuiltin?: boolean;
}

/** A function with fixed parameters. */
export function fixed<const P extends readonly ParamType[]>(params: P, call: (...args: ArgsOf<P>) => unknown): FuncSpec {
  return { params, variadic: null, call: call as (...args: unknown[]) => unknown };
}

/** A function whose last parameter is `...rest` of type `rest`. */
export function variadic<const P extends readonly ParamType[], R extends ParamType>(
  params: P,
  rest: R,
  call: (...args: [...ArgsOf<P>, ...TypeOf<R>[]]) => unknown,
): FuncSpec {
  return { params, variadic: rest, call: call as (...args: unknown[]) => unknown };
}

/**
 * An error a function reports (Go's non-nil error result, or a recovered panic); execution turns
 * it into `error calling NAME: MESSAGE`.
 */
export class FuncError extends Error {}

export type FuncTable = ReadonlyMap<string, FuncSpec>;
