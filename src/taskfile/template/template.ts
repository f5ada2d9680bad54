/**
 * The public entry points: parse a Go text/template source (with the Go builtins, the Sprig v2.22
 * text functions as ACR configures them, and caller-supplied functions), and execute it with data.
 */
import { BUILTINS } from './builtins.js';
import { ExecFailure, Executor, type MissingKey } from './exec.js';
import { variadic, type FuncSpec } from './func-spec.js';
import { goQuote } from './lexer.js';
import { nodeString, type ListNode } from './nodes.js';
import { ParseFailure, parseTrees } from './parser.js';
import { createSprigFuncs } from './sprig/sprig-funcs.js';
import { locate, TemplateError } from './template-error.js';

export interface TemplateOptions {
  /** Template name used in messages (the file name). @defaultValue 'template' */
  readonly name?: string;
  /**
   * Go's Option("missingkey=..."): 'zero' is what ACR uses; 'default' renders "<no value>"; 'error'
   * fails. With data made of plain objects (Go's map[string]interface{}), 'zero' also prints
   * "<no value>" for a missing key, exactly as Go does; ACR deletes every "<no value>" from the
   * output afterwards, which is the caller's job, not the engine's. The options differ when
   * indexing through a missing key: 'zero' fails with `nil pointer evaluating interface {}.x`,
   * 'default' yields no value, 'error' fails with `map has no entry for key`.
   * @defaultValue 'default'
   */
  readonly missingKey?: MissingKey;
  /** Extra or replacing functions (they take precedence over builtins and Sprig, as in Go). */
  readonly funcs?: Readonly<Record<string, (...args: unknown[]) => unknown>>;
  /** Environment for Sprig's env/expandenv. @defaultValue process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ParsedTemplate {
  /** Executes the parsed template with `data` (plain JS objects/arrays/strings/numbers/booleans/null). */
  execute(data: unknown, options?: Omit<TemplateOptions, 'name'>): string;
}

const DEFAULT_NAME = 'template';

/** A caller's JS function: any arguments, as interface{} values (nil as null). */
function userFunc(fn: (...args: unknown[]) => unknown): FuncSpec {
  return variadic([], 'any', fn);
}

function functionTable(options: Pick<TemplateOptions, 'funcs' | 'env'>): Map<string, FuncSpec> {
  const table = new Map<string, FuncSpec>(BUILTINS);
  for (const [name, spec] of createSprigFuncs({ env: options.env ?? process.env })) table.set(name, spec);
  for (const [name, fn] of Object.entries(options.funcs ?? {})) table.set(name, userFunc(fn));
  return table;
}

function parseError(name: string, source: string, e: ParseFailure): TemplateError {
  const { column } = locate(source, e.pos);
  return new TemplateError({ phase: 'parse', templateName: name, line: e.line, column, message: `template: ${name}:${e.line}: ${e.message}` });
}

function execError(name: string, source: string, e: ExecFailure): TemplateError {
  if (e.node === null) {
    return new TemplateError({ phase: 'execute', templateName: name, line: 0, column: 0, message: `template: ${e.templateName}: ${e.message}` });
  }
  const { line, column } = locate(source, e.node.pos);
  const full = nodeString(e.node);
  const chars = [...full];
  const context = chars.length > 20 ? `${chars.slice(0, 20).join('')}...` : full;
  const message = `template: ${name}:${line}:${column}: executing ${goQuote(e.templateName)} at <${context}>: ${e.message}`;
  return new TemplateError({ phase: 'execute', templateName: name, line, column, message });
}

class CompiledTemplate implements ParsedTemplate {
  constructor(
    private readonly name: string,
    private readonly source: string,
    private readonly trees: ReadonlyMap<string, ListNode>,
    private readonly parseFuncs: Pick<TemplateOptions, 'funcs'>,
  ) {}

  execute(data: unknown, options: Omit<TemplateOptions, 'name'> = {}): string {
    const funcs = functionTable({ funcs: { ...this.parseFuncs.funcs, ...options.funcs }, ...(options.env ? { env: options.env } : {}) });
    const executor = new Executor({ trees: this.trees, funcs, missingKey: options.missingKey ?? 'default' }, this.name);
    try {
      return executor.run(data);
    } catch (e) {
      if (e instanceof ExecFailure) throw execError(this.name, this.source, e);
      if (e instanceof RangeError) {
        throw new TemplateError({ phase: 'execute', templateName: this.name, line: 0, column: 0, message: `template: ${this.name}: ${e.message}` });
      }
      throw e;
    }
  }
}

/** Parse only (for validation): throws TemplateError on a parse error. */
export function parseTemplate(source: string, options: Pick<TemplateOptions, 'name' | 'funcs'> = {}): ParsedTemplate {
  const name = options.name ?? DEFAULT_NAME;
  const table = functionTable({ ...(options.funcs ? { funcs: options.funcs } : {}) });
  try {
    const trees = parseTrees({ name, source, hasFunction: (f) => table.has(f) });
    return new CompiledTemplate(name, source, trees, options.funcs ? { funcs: options.funcs } : {});
  } catch (e) {
    if (e instanceof ParseFailure) throw parseError(name, source, e);
    throw e;
  }
}

/** Parses and executes `source` with `data` (plain JS objects/arrays/strings/numbers/booleans/null). */
export function executeTemplate(source: string, data: unknown, options: TemplateOptions = {}): string {
  const { name, funcs, ...execOptions } = options;
  const parsed = parseTemplate(source, { ...(name !== undefined ? { name } : {}), ...(funcs ? { funcs } : {}) });
  return parsed.execute(data, execOptions);
}

