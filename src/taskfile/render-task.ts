import { isAppError } from '../core/errors/index.js';
import { buildAliasSet, substituteAliases, type AliasSet, type SrcLoader } from './aliases.js';
import { objects } from './decoded-access.js';
import { errorAt, hasErrors, warningAt, type Diagnostic, type Position } from './diagnostics.js';
import { followLines, originalLine, type LineMap } from './line-map.js';
import { aliasesEnabled, findVersion, splitAliasBlock, stripCommentLines, type MappedText } from './preprocess.js';
import { templateData, type RunInfo } from './render-data.js';
import { ALIAS_BLOCK_FIELDS, TASK_FIELDS } from './task-fields.js';
import type { TaskSecret } from './task-plan.js';
import { validateSecrets } from './validate-task.js';
import { readYaml, readYamlStringMap, type DecodedObject, type Locate } from './yaml-reader.js';

/** The template engine's entry point (src/taskfile/template), injected so this module stays testable. */
export type ExecuteTemplate = (
  source: string,
  data: unknown,
  options?: { name?: string; missingKey?: 'default' | 'zero' | 'error'; env?: NodeJS.ProcessEnv },
) => string;

/** Resolves the task's secrets to values (id -> value); ids it leaves out render as empty. */
export type SecretResolver = (secrets: readonly TaskSecret[]) => Promise<Readonly<Record<string, string>>>;

export interface RenderTaskOptions {
  /** The task file's name: the template name and the FILE of messages. */
  readonly file: string;
  readonly text: string;
  readonly run: RunInfo;
  readonly values?: Readonly<Record<string, unknown>>;
  readonly resolveSecrets?: SecretResolver;
  /** Reads an alias `src` file (local paths only); throws when it cannot. */
  readonly readAliasSrc?: (path: string) => string;
  /** The environment Sprig's `env`/`expandenv` see. */
  readonly env?: NodeJS.ProcessEnv;
  readonly execute: ExecuteTemplate;
}

export interface RenderTaskResult {
  /** The task text after comments, aliases and templates; '' when rendering failed. */
  readonly text: string;
  /** Original file line of each line of `text`. */
  readonly lines: LineMap;
  /** The raw version string FindVersion saw (decides aliases). */
  readonly version: string;
  /** The alias set in force (v1.1.0+), else null. */
  readonly aliases: AliasSet | null;
  readonly diagnostics: Diagnostic[];
}

const NO_VALUE = /<no value>/g;

/** Where a line/column of text with line map `lines` is in the original file. */
export function locator(lines: LineMap): Locate {
  return (line, column) => ({ line: originalLine(lines, line), column });
}

interface Stage extends MappedText {
  readonly diagnostics: Diagnostic[];
}

/** acb's exec order (2.6): strip comments, FindVersion, aliases (v1.1.0+), secrets pass, final render. */
export async function renderTask(options: RenderTaskOptions): Promise<RenderTaskResult> {
  const stripped = stripCommentLines(options.text);
  const version = findVersion(stripped.text);
  let source: Stage = { ...stripped, diagnostics: [] };
  let aliases: AliasSet | null = null;
  if (aliasesEnabled(version)) {
    const processed = processAliases(stripped, options);
    aliases = processed.aliases;
    source = processed.stage;
  }
  const base = { version, aliases };
  if (hasErrors(source.diagnostics)) return { ...base, text: '', lines: [], diagnostics: source.diagnostics };
  if (source.text === '') return { ...base, text: '', lines: [], diagnostics: source.diagnostics };
  const secrets = await secretsPass(source, options);
  const diagnostics = [...source.diagnostics, ...secrets.diagnostics];
  if (hasErrors(secrets.diagnostics)) return { ...base, text: '', lines: [], diagnostics };
  const final = render(source, options, secrets.values);
  diagnostics.push(...final.diagnostics);
  return { ...base, text: final.text, lines: final.lines, diagnostics };
}

function processAliases(stripped: MappedText, options: RenderTaskOptions): { aliases: AliasSet | null; stage: Stage } {
  const { alias, rest } = splitAliasBlock(stripped);
  const diagnostics: Diagnostic[] = [];
  let block: DecodedObject | undefined;
  if (alias.text !== '') {
    const rendered = render(alias, options, {});
    diagnostics.push(...rendered.diagnostics);
    if (!hasErrors(rendered.diagnostics)) {
      const read = readYaml(rendered.text, { name: 'alias block', fields: ALIAS_BLOCK_FIELDS, locate: locator(rendered.lines) });
      diagnostics.push(...read.diagnostics.map((d) => (d.severity === 'error' ? { ...d, message: `error during alias unmarshaling: ${d.message}` } : d)));
      block = read.value?.values.alias as DecodedObject | undefined;
    }
  }
  if (hasErrors(diagnostics)) return { aliases: null, stage: { ...rest, diagnostics } };
  const built = buildAliasSet(block, srcLoader(options));
  diagnostics.push(...built.diagnostics);
  const text = substituteAliases(rest.text, built.aliases);
  return { aliases: built.aliases, stage: { text, lines: followLines(rest.text, rest.lines, text), diagnostics } };
}

function srcLoader(options: RenderTaskOptions): SrcLoader {
  return (src, at) => {
    if (/^https?:\/\//i.test(src)) {
      return errorAt(at, `remote alias sources are not fetched: ${src}`, 'download the file into the build context and list its path in `src`');
    }
    if (options.readAliasSrc === undefined) return errorAt(at, `alias source ${src} cannot be read here`);
    let text: string;
    try {
      text = options.readAliasSrc(src);
    } catch (err) {
      return errorAt(at, `failed to read alias source ${src}: ${(err as Error).message}`);
    }
    const read = readYamlStringMap(text);
    const problem = read.diagnostics.find((d) => d.severity === 'error');
    if (problem !== undefined) return errorAt(at, `error during alias unmarshaling: ${src}: ${problem.message}`);
    return read.value;
  };
}

/** Pass one (only when the text mentions `secrets`): render with no secrets, read the `secrets` list, resolve it. */
async function secretsPass(source: Stage, options: RenderTaskOptions): Promise<{ values: Readonly<Record<string, string>>; diagnostics: Diagnostic[] }> {
  if (!source.text.includes('secrets')) return { values: {}, diagnostics: [] };
  const first = render(source, options, {});
  if (hasErrors(first.diagnostics)) return { values: {}, diagnostics: first.diagnostics };
  const read = readYaml(first.text, { name: 'task', fields: TASK_FIELDS, locate: locator(first.lines) });
  const problems = [...read.diagnostics.filter((d) => d.severity === 'error'), ...(read.value ? validateSecrets(read.value) : [])];
  if (problems.length > 0) return { values: {}, diagnostics: problems.map((d) => ({ ...d, message: `failed to parse template to create task: ${d.message}` })) };
  const decoded = read.value ? objects(read.value, 'secrets') : [];
  const secrets: TaskSecret[] = decoded.map((s) => ({ id: String(s.values.id ?? ''), keyvault: (s.values.keyvault as string | undefined) ?? null, clientID: (s.values.clientID as string | undefined) ?? null }));
  if (secrets.length === 0) return { values: {}, diagnostics: [] };
  let values: Readonly<Record<string, string>> = {};
  try {
    values = options.resolveSecrets ? await options.resolveSecrets(secrets) : {};
  } catch (err) {
    // A resolver's own coded error (e.g. TASK_SECRET_UNRESOLVED) is about the run, not the file: let it through.
    if (isAppError(err)) throw err;
    return { values: {}, diagnostics: [errorAt(decoded[0]!.at, `failed to resolve secrets in the task with error: ${(err as Error).message}`)] };
  }
  const missing = decoded.filter((s) => !Object.hasOwn(values, String(s.values.id)));
  return { values, diagnostics: missing.map((s) => warningAt(s.at, `secret \`${String(s.values.id)}\` has no value here; \`{{.Secrets.${String(s.values.id)}}}\` renders as empty`, 'pass --set-secret ID=VALUE to render with a value')) };
}

/** One Go-template render with missingkey=zero and every `<no value>` deleted, plus its line map. */
function render(source: MappedText, options: RenderTaskOptions, secrets: Readonly<Record<string, string>>): { text: string; lines: LineMap; diagnostics: Diagnostic[] } {
  const data = templateData(options.run, options.values ?? {}, secrets);
  let out: string;
  try {
    out = options.execute(source.text, data, { name: options.file, missingKey: 'zero', ...(options.env ? { env: options.env } : {}) }).replace(NO_VALUE, '');
  } catch (err) {
    return { text: '', lines: [], diagnostics: [templateDiagnostic(err, source.lines, options.file)] };
  }
  if (out === '') return { text: '', lines: [], diagnostics: [errorAt({ line: 1, column: 1 }, 'rendered template was empty')] };
  return { text: out, lines: followLines(source.text, source.lines, out), diagnostics: [] };
}

function templateDiagnostic(err: unknown, lines: LineMap, file: string): Diagnostic {
  const e = err as { phase?: string; line?: number; column?: number; message?: string };
  const at: Position = typeof e.line === 'number' ? { line: originalLine(lines, e.line), column: (e.column ?? 0) + 1 } : { line: 0, column: 0 };
  const message = String(e.message ?? err);
  const verb = e.phase === 'parse' ? 'parse' : 'execute';
  return errorAt(at, `failed to ${verb} template: ${file}. Err: ${message}`, templateHint(message));
}

function templateHint(message: string): string | undefined {
  if (/nil pointer|map has no entry/.test(message)) return 'a value that is not set cannot be dereferenced: set it with --set or --values, or guard it with `{{if}}`';
  if (/can't evaluate field (Run|Values|Secrets|Build)\b/.test(message)) return 'inside {{range}} or {{with}} the dot is the current item: write `$.Run.X` / `$.Values.X` (aliases such as $ID expand to `{{.Run.ID}}`, so use `{{$.Run.ID}}` there)';
  return undefined;
}
