/**
 * Tokeniser for Go text/template source (delimiters `{{` `}}`), following the token rules of Go's
 * text/template/parse lexer: trim markers `{{- ` and ` -}}` (ASCII whitespace only), comments that
 * must touch their delimiters, newlines allowed inside actions, raw strings, char constants and Go
 * number syntax. Lexing stops at the first error, which becomes an `error` token.
 */

export const TokenType = {
  error: 'error',
  eof: 'eof',
  text: 'text',
  leftDelim: 'leftDelim',
  rightDelim: 'rightDelim',
  space: 'space',
  identifier: 'identifier',
  field: 'field',
  variable: 'variable',
  dot: 'dot',
  nil: 'nil',
  bool: 'bool',
  string: 'string',
  rawString: 'rawString',
  charConstant: 'charConstant',
  number: 'number',
  char: 'char',
  pipe: 'pipe',
  leftParen: 'leftParen',
  rightParen: 'rightParen',
  assign: 'assign',
  declare: 'declare',
  keyword: 'keyword',
} as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

export interface Token {
  readonly type: TokenType;
  /** The token text (for `error`, the message). */
  readonly val: string;
  /** Offset in the source (JS string index). */
  readonly pos: number;
  readonly line: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with',
]);

const LEFT = '{{';
const RIGHT = '}}';
const TRIM_MARKER_LEN = 2; // "- " or " -"

export function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

export function isAlphaNumeric(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && /^[_\p{L}\p{Nd}]$/u.test(ch);
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-';
}

/** Go's %#U: `U+00E9 'é'`. */
export function formatRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /^\P{C}$/u.test(ch) ? `U+${hex} '${ch}'` : `U+${hex}`;
}

class Lexer {
  private pos = 0;
  private start = 0;
  private line = 1;
  private startLine = 1;
  private parenDepth = 0;
  private insideAction = false;
  private done = false;
  readonly tokens: Token[] = [];

  constructor(private readonly input: string) {}

  run(): Token[] {
    while (!this.done) {
      if (this.insideAction) this.lexInsideAction();
      else this.lexText();
    }
    return this.tokens;
  }

  private emit(type: TokenType): void {
    this.tokens.push({ type, val: this.input.slice(this.start, this.pos), pos: this.start, line: this.startLine });
    this.ignore();
  }

  private ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  private error(message: string): void {
    this.tokens.push({ type: TokenType.error, val: message, pos: this.start, line: this.startLine });
    this.done = true;
  }

  private next(): string | undefined {
    if (this.pos >= this.input.length) {
      this.pos = this.input.length + 1; // so backup() restores the end
      return undefined;
    }
    const cp = this.input.codePointAt(this.pos) ?? 0;
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    return ch;
  }

  private backup(ch: string | undefined): void {
    this.pos -= ch === undefined ? 1 : ch.length;
  }

  private peek(): string | undefined {
    const ch = this.next();
    this.backup(ch);
    return ch;
  }

  private lexText(): void {
    const x = this.input.indexOf(LEFT, this.pos);
    if (x === -1) {
      this.pos = this.input.length;
      if (this.pos > this.start) this.emit(TokenType.text);
      this.tokens.push({ type: TokenType.eof, val: '', pos: this.pos, line: this.line });
      this.done = true;
      return;
    }
    const trim = hasLeftTrimMarker(this.input, x + LEFT.length) ? rightTrimLength(this.input.slice(this.start, x)) : 0;
    this.pos = x - trim;
    if (this.pos > this.start) this.emit(TokenType.text);
    this.pos = x;
    this.ignore();
    this.lexLeftDelim();
  }

  private lexLeftDelim(): void {
    this.pos += LEFT.length;
    const afterMarker = hasLeftTrimMarker(this.input, this.pos) ? TRIM_MARKER_LEN : 0;
    if (this.input.startsWith('/*', this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      this.lexComment();
      return;
    }
    this.emit(TokenType.leftDelim);
    this.pos += afterMarker;
    this.ignore();
    this.parenDepth = 0;
    this.insideAction = true;
  }

  private lexComment(): void {
    this.pos += 2;
    const x = this.input.indexOf('*/', this.pos);
    if (x === -1) return this.error('unclosed comment');
    this.pos = x + 2;
    const { isDelim, trimSpace } = this.atRightDelim();
    if (!isDelim) return this.error('comment ends before closing delimiter');
    if (trimSpace) this.pos += TRIM_MARKER_LEN;
    this.pos += RIGHT.length;
    if (trimSpace) this.pos += leftTrimLength(this.input.slice(this.pos));
    this.ignore();
  }

  private atRightDelim(): { isDelim: boolean; trimSpace: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT, this.pos + TRIM_MARKER_LEN)) {
      return { isDelim: true, trimSpace: true };
    }
    return { isDelim: this.input.startsWith(RIGHT, this.pos), trimSpace: false };
  }

  private lexRightDelim(trimSpace: boolean): void {
    if (trimSpace) {
      this.pos += TRIM_MARKER_LEN;
      this.ignore();
    }
    this.pos += RIGHT.length;
    this.emit(TokenType.rightDelim);
    if (trimSpace) {
      this.pos += leftTrimLength(this.input.slice(this.pos));
      this.ignore();
    }
    this.insideAction = false;
  }

  private lexInsideAction(): void {
    const { isDelim, trimSpace } = this.atRightDelim();
    if (isDelim) {
      if (this.parenDepth === 0) return this.lexRightDelim(trimSpace);
      return this.error('unclosed left paren');
    }
    const r = this.next();
    if (r === undefined) return this.error('unclosed action');
    if (isSpace(r)) {
      this.backup(r);
      return this.lexSpace();
    }
    if (this.lexPunctuation(r)) return;
    if (r === '.' && !/[0-9]/.test(this.input[this.pos] ?? '')) return this.lexFieldOrVariable(TokenType.field);
    if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      this.backup(r);
      return this.lexNumber();
    }
    if (isAlphaNumeric(r)) {
      this.backup(r);
      return this.lexIdentifier();
    }
    if (r.length === 1 && r.charCodeAt(0) >= 0x20 && r.charCodeAt(0) < 0x7f) return this.emit(TokenType.char);
    return this.error(`unrecognized character in action: ${formatRune(r)}`);
  }

  /** Single-character tokens, quotes and variables; returns false when `r` starts none of them. */
  private lexPunctuation(r: string): boolean {
    switch (r) {
      case '=': this.emit(TokenType.assign); return true;
      case ':':
        if (this.next() !== '=') this.error('expected :=');
        else this.emit(TokenType.declare);
        return true;
      case '|': this.emit(TokenType.pipe); return true;
      case '"': this.lexQuote('"', TokenType.string, 'unterminated quoted string'); return true;
      case "'": this.lexQuote("'", TokenType.charConstant, 'unterminated character constant'); return true;
      case '`': this.lexRawQuote(); return true;
      case '$': this.lexFieldOrVariable(TokenType.variable); return true;
      case '(': this.emit(TokenType.leftParen); this.parenDepth++; return true;
      case ')':
        this.parenDepth--;
        if (this.parenDepth < 0) this.error('unexpected right paren');
        else this.emit(TokenType.rightParen);
        return true;
      default: return false;
    }
  }

  private lexSpace(): void {
    let numSpaces = 0;
    while (isSpace(this.peek())) {
      this.next();
      numSpaces++;
    }
    // A trim-marked closing delimiter has a minus after a space: leave that space to the marker.
    if (hasRightTrimMarker(this.input, this.pos - 1) && this.input.startsWith(RIGHT, this.pos - 1 + TRIM_MARKER_LEN)) {
      this.pos--;
      if (numSpaces === 1) return;
    }
    this.emit(TokenType.space);
  }

  private lexQuote(quote: string, type: TokenType, unterminated: string): void {
    for (;;) {
      let r = this.next();
      if (r === '\\') {
        r = this.next();
        if (r !== undefined && r !== '\n') continue;
      }
      if (r === undefined || r === '\n') return this.error(unterminated);
      if (r === quote) break;
    }
    this.emit(type);
  }

  private lexRawQuote(): void {
    const end = this.input.indexOf('`', this.pos);
    if (end === -1) return this.error('unterminated raw quoted string');
    this.pos = end + 1;
    this.emit(TokenType.rawString);
  }

  private atTerminator(): boolean {
    const r = this.peek();
    if (r === undefined || isSpace(r) || '.,|:()'.includes(r)) return true;
    return this.input.startsWith(RIGHT, this.pos);
  }

  private lexFieldOrVariable(type: TokenType): void {
    if (this.atTerminator()) return this.emit(type === TokenType.variable ? TokenType.variable : TokenType.dot);
    let r: string | undefined;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) break;
    }
    this.backup(r);
    if (!this.atTerminator()) return this.error(`bad character ${formatRune(r ?? '')}`);
    this.emit(type);
  }

  private lexIdentifier(): void {
    let r: string | undefined;
    do r = this.next();
    while (isAlphaNumeric(r));
    this.backup(r);
    const word = this.input.slice(this.start, this.pos);
    if (!this.atTerminator()) return this.error(`bad character ${formatRune(r ?? '')}`);
    if (KEYWORDS.has(word)) this.emit(TokenType.keyword);
    else if (word === 'nil') this.emit(TokenType.nil);
    else if (word === 'true' || word === 'false') this.emit(TokenType.bool);
    else this.emit(TokenType.identifier);
  }

  private lexNumber(): void {
    if (!this.scanNumber()) return this.error(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
    this.emit(TokenType.number);
  }

  private accept(valid: string): boolean {
    const r = this.next();
    if (r !== undefined && valid.includes(r)) return true;
    this.backup(r);
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function rightTrimLength(s: string): number {
  let n = 0;
  while (n < s.length && isSpace(s[s.length - 1 - n])) n++;
  return n;
}

function leftTrimLength(s: string): number {
  let n = 0;
  while (n < s.length && isSpace(s[n])) n++;
  return n;
}

/** Go's %q for a string (strconv.Quote), ASCII-printable passthrough, other runes kept if printable. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += quoteRune(ch, '"');
  return `${out}"`;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\',
};

/** One rune as it appears inside a Go quoted literal delimited by `quote`. */
export function quoteRune(ch: string, quote: string): string {
  if (ch === quote) return `\\${ch}`;
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return simple;
  if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) return ch;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Tokenises the whole source; the last token is `eof` or `error`. */
export function lex(input: string): Token[] {
  return new Lexer(input).run();
}
