/**
 * The Sprig v2.22 text function map as acb configures it (b64enc replaced by ACR's version), plus
 * the few later or Helm functions noted in docs/taskfile-templates.md (`get`, `required`).
 */
import type { FuncSpec } from '../func-spec.js';
import { DEFAULT_FUNCS } from './defaults.js';
import { DICT_FUNCS } from './dicts.js';
import { ENCODING_FUNCS } from './encoding.js';
import { LIST_FUNCS } from './lists.js';
import { MATH_FUNCS } from './math.js';
import { osDateFuncs } from './os-dates.js';
import { REGEX_FUNCS } from './regex.js';
import { STRING_FUNCS } from './strings.js';

export function createSprigFuncs(deps: { readonly env: NodeJS.ProcessEnv }): Map<string, FuncSpec> {
  return new Map<string, FuncSpec>([
    ...STRING_FUNCS, ...DEFAULT_FUNCS, ...ENCODING_FUNCS, ...MATH_FUNCS, ...LIST_FUNCS, ...DICT_FUNCS, ...REGEX_FUNCS,
    ...osDateFuncs(deps.env),
  ]);
}
