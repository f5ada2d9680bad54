import { createRequire } from 'node:module';
import type * as Jmespath from 'jmespath';
import type * as Yaml from 'yaml';
import { AppError, Errors } from '../../core/errors/index.js';

// jmespath and yaml load on first use (both have CommonJS builds): most commands need neither,
// and importing them up front cost every CLI start about 50 ms.
const requireCjs = createRequire(import.meta.url);
const jmespath = (): typeof Jmespath => requireCjs('jmespath') as typeof Jmespath;
const toYaml = (value: unknown): string => (requireCjs('yaml') as typeof Yaml).stringify(value);

export const OUTPUT_FORMATS = ['json', 'table', 'tsv', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface FormatOptions {
  readonly output: OutputFormat;
  /** A JMESPath expression applied to the data before formatting. */
  readonly query?: string;
}

/** The `-o` and `--query` flags every data command takes, as CommandSpec flags. */
export const OUTPUT_FLAGS = {
  output: { type: 'string', short: 'o', description: 'Output format: json (default), table, tsv or yaml' },
  query: { type: 'string', description: 'JMESPath query applied to the result before formatting, e.g. "[?contains(@, \'app\')]"' },
} as const;

export function parseOutputFormat(text: string | undefined): OutputFormat {
  if (text === undefined) return 'json';
  if ((OUTPUT_FORMATS as readonly string[]).includes(text)) return text as OutputFormat;
  throw new AppError(Errors.USAGE_INVALID, { message: `--output must be one of ${OUTPUT_FORMATS.join(', ')}, not "${text}"` });
}

export function applyQuery(data: unknown, query: string | undefined): unknown {
  if (query === undefined) return data;
  try {
    return jmespath().search(data as Parameters<typeof Jmespath.search>[0], query);
  } catch (err) {
    throw new AppError(Errors.USAGE_INVALID, { message: `--query is not valid JMESPath: ${(err as Error).message}`, cause: err });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One cell: scalars as text, lists of scalars joined, anything deeper as compact JSON. */
function cell(value: unknown, listSeparator: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => !isRecord(v) && !Array.isArray(v))) return value.map((v) => cell(v, listSeparator)).join(listSeparator);
  return JSON.stringify(value);
}

/** Rows of named columns: a list of objects, one object, or scalars under a `Result` column. */
function toRows(data: unknown): { columns: string[]; rows: unknown[][] } {
  const items = Array.isArray(data) ? data : data === null || data === undefined ? [] : [data];
  if (!items.some(isRecord)) return { columns: ['Result'], rows: items.map((v) => [v]) };
  const columns: string[] = [];
  for (const item of items) if (isRecord(item)) for (const key of Object.keys(item)) if (!columns.includes(key)) columns.push(key);
  return { columns, rows: items.map((item) => columns.map((c) => (isRecord(item) ? item[c] : undefined))) };
}

/** Upper-case headers, a dashed rule, then left-aligned columns two spaces apart. */
function table(data: unknown): string {
  const { columns, rows } = toRows(data);
  if (rows.length === 0) return '';
  const header = columns.map((c) => c.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase());
  const cells = rows.map((row) => row.map((v) => cell(v, ', ')));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (parts: string[]): string => parts.map((p, i) => p.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** Tab-separated, no header: one line per item, a column per field. */
function tsv(data: unknown): string {
  const { rows } = toRows(data);
  return rows.map((row) => row.map((v) => cell(v, ',').replace(/[\t\n]/g, ' ')).join('\t')).join('\n') + (rows.length ? '\n' : '');
}

/** Applies `--query`, then renders in the chosen format; the text goes to stdout. */
export function formatOutput(data: unknown, options: FormatOptions): string {
  const shaped = applyQuery(data, options.query);
  switch (options.output) {
    case 'json':
      return `${JSON.stringify(shaped ?? null, null, 2)}\n`;
    case 'yaml':
      return toYaml(shaped ?? null);
    case 'table':
      return table(shaped);
    case 'tsv':
      return tsv(shaped);
  }
}
