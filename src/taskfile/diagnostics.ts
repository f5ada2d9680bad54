/** Where a problem is: 1-based line and column in the task file as the user wrote it (0 = unknown). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export const Severity = { error: 'error', warning: 'warning' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/**
 * One problem found in a task file. `message` is acb's text where acb has one (so users can
 * search for it); `hint` is Slipway's suggestion of what to do.
 */
export interface Diagnostic extends Position {
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
}

export const NO_POSITION: Position = { line: 0, column: 0 };

export function errorAt(at: Position, message: string, hint?: string): Diagnostic {
  return { severity: Severity.error, message, line: at.line, column: at.column, ...(hint === undefined ? {} : { hint }) };
}

export function warningAt(at: Position, message: string, hint?: string): Diagnostic {
  return { severity: Severity.warning, message, line: at.line, column: at.column, ...(hint === undefined ? {} : { hint }) };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === Severity.error);
}

/** Orders by position (unknown positions first), keeping the discovery order for ties. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d, i) => ({ d, i })).sort((a, b) => a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i).map((x) => x.d);
}

/** `FILE:LINE:COLUMN: error: message` and, when there is one, an indented `hint:` line. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  const head = `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
  return d.hint === undefined ? head : `${head}\n  hint: ${d.hint}`;
}
