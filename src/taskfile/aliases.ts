import { errorAt, type Diagnostic, type Position } from './diagnostics.js';
import { IMAGE_ALIASES } from './image-aliases.js';
import type { DecodedObject } from './yaml-reader.js';

/** The alias defaults acb adds where the task defines none (2.5.3); there is no `$TaskName`. */
export const RUN_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  ID: '{{.Run.ID}}',
  SharedVolume: '{{.Run.SharedVolume}}',
  Registry: '{{.Run.Registry}}',
  RegistryName: '{{.Run.RegistryName}}',
  Date: '{{.Run.Date}}',
  OS: '{{.Run.OS}}',
  Architecture: '{{.Run.Architecture}}',
  Commit: '{{.Run.Commit}}',
  Branch: '{{.Run.Branch}}',
});

export const DEFAULT_DIRECTIVE = '$';

export interface AliasSet {
  readonly map: Readonly<Record<string, string>>;
  readonly directive: string;
}

/** One `src` file's aliases, or the problem reading it. */
export type SrcLoader = (src: string, at: Position) => Record<string, string> | Diagnostic;

const ALNUM_KEY = /^[a-zA-Z0-9]+$/;
const ALNUM_CHAR = /^[a-zA-Z0-9]$/;

/**
 * The alias map with "first definition wins": inline `values`, then `src` files from last to first,
 * then the run and image defaults; followed by acb's directive and key validation.
 */
export function buildAliasSet(block: DecodedObject | undefined, loadSrc: SrcLoader): { aliases: AliasSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const map: Record<string, string> = {};
  const add = (entries: Record<string, string>, at: Position): void => {
    for (const [k, v] of Object.entries(entries)) {
      if (!ALNUM_KEY.test(k)) diagnostics.push(errorAt(at, 'alias key names only support alphanumeric characters', `\`${k}\` is not made of letters and digits only`));
      if (!Object.hasOwn(map, k)) map[k] = v;
    }
  };
  const values = (block?.values.values ?? {}) as Record<string, string>;
  add(values, block?.keyAt.values ?? block?.at ?? { line: 0, column: 0 });
  const srcs = (block?.values.src ?? []) as string[];
  const srcAt = block?.itemAt.src ?? [];
  for (let i = srcs.length - 1; i >= 0; i--) {
    const at = srcAt[i] ?? block?.at ?? { line: 0, column: 0 };
    const loaded = loadSrc(srcs[i]!, at);
    if (isDiagnostic(loaded)) diagnostics.push(loaded);
    else add(loaded, at);
  }
  add({ ...RUN_ALIASES, ...IMAGE_ALIASES }, { line: 0, column: 0 });
  const directive = (block?.values.directive as string | undefined) ?? DEFAULT_DIRECTIVE;
  diagnostics.push(...checkDirective(directive, block?.keyAt.directive ?? { line: 0, column: 0 }));
  return { aliases: { map, directive: directive === '' ? DEFAULT_DIRECTIVE : directive }, diagnostics };
}

function isDiagnostic(value: Record<string, string> | Diagnostic): value is Diagnostic {
  return typeof (value as Diagnostic).severity === 'string' && typeof (value as Diagnostic).line === 'number';
}

function checkDirective(directive: string, at: Position): Diagnostic[] {
  if (directive === '') return [];
  if ([...directive].length !== 1) return [errorAt(at, '$ directive can only be overwritten by a single character')];
  if (ALNUM_CHAR.test(directive)) return [errorAt(at, 'overwritten directives may not be alphanumeric characters')];
  return [];
}

/**
 * acb's substitution state machine (2.5.4) over the text with a sentinel space: `$name` becomes the
 * alias value when `name` (ASCII letters and digits) is known, `$$` is a literal `$`, and anything
 * else is copied verbatim. Case-sensitive; `$ID$Date` chains.
 */
export function substituteAliases(text: string, aliases: AliasSet): string {
  const { map, directive } = aliases;
  let out = '';
  let inAlias = false;
  let name = '';
  for (const ch of `${text} `) {
    if (!inAlias) {
      if (ch === directive) inAlias = true;
      else out += ch;
      continue;
    }
    if (ch === directive && name === '') {
      out += directive;
      inAlias = false;
    } else if (ALNUM_CHAR.test(ch)) {
      name += ch;
    } else if (Object.hasOwn(map, name)) {
      out += map[name];
      if (ch !== directive) {
        out += ch;
        inAlias = false;
      }
      name = '';
    } else {
      out += directive + name + ch;
      name = '';
      inAlias = false;
    }
  }
  return out.slice(0, -1);
}

/**
 * acb's command alias expansion (2.5.5): the `cmd` trimmed and split on single spaces; a first piece
 * that is an alias name is replaced and the pieces re-joined. Otherwise the text is unchanged.
 */
export function expandCommandAlias(cmd: string, map: Readonly<Record<string, string>>): string {
  const pieces = cmd.trim().split(' ');
  const first = pieces[0] ?? '';
  if (!Object.hasOwn(map, first)) return cmd;
  pieces[0] = map[first]!;
  return pieces.join(' ');
}
