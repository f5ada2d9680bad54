/**
 * The one error type the template engine throws. `message` reads exactly like Go's text/template
 * error (`template: NAME:LINE:COL: executing "NAME" at <NODE>: MSG`, `template: NAME:LINE: MSG`),
 * because ACR users see those strings; the structured fields carry the same location.
 */
export class TemplateError extends Error {
  /** Which step failed: parsing the source, or executing the parsed template with data. */
  readonly phase: 'parse' | 'execute';
  /** The template name given in the options (the file name), used in the message. */
  readonly templateName: string;
  /** 1-based line of the offending token or node. */
  readonly line: number;
  /**
   * Byte offset of the offending token or node within its line, 0-based, as Go prints it in
   * execution errors (parse errors print the line only; this field still carries the column).
   */
  readonly column: number;

  constructor(init: { phase: 'parse' | 'execute'; templateName: string; line: number; column: number; message: string }) {
    super(init.message);
    this.name = 'TemplateError';
    this.phase = init.phase;
    this.templateName = init.templateName;
    this.line = init.line;
    this.column = init.column;
  }
}

/** Line (1-based) and Go column (0-based byte offset in the line) of byte-free JS offset `pos`. */
export function locate(source: string, pos: number): { line: number; column: number } {
  const before = source.slice(0, pos);
  const lastNl = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  const column = Buffer.byteLength(before.slice(lastNl + 1), 'utf8');
  return { line, column };
}
