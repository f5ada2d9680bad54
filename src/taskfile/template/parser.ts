/**
 * Recursive-descent parser for Go text/template, producing one tree per template name (the main
 * one plus every `define`/`block`). Follows the grammar and the error wording of Go's
 * text/template/parse so that parse errors read the same (`unexpected "}" in operand`,
 * `function "foo" not defined`, `undefined variable "$x"`, `missing value for if`, ...).
 */
import { goQuote, lex, TokenType, type Token } from './lexer.js';
import type { ArgNode, BranchNode, CommandNode, ListNode, Node, PipeNode, TemplateNode } from './nodes.js';
import { isEmptyTree, nodeString } from './nodes.js';
import { parseNumber, unquoteString } from './literals.js';

/** A parse failure; the caller turns it into a TemplateError. */
export class ParseFailure extends Error {
  constructor(message: string, readonly pos: number, readonly line: number) {
    super(message);
  }
}

export interface ParseInput {
  readonly name: string;
  readonly source: string;
  /** Whether an identifier names a function (builtin, Sprig or caller-supplied). */
  readonly hasFunction: (name: string) => boolean;
}

/** Parses `source`; returns the trees by name (the main template under `name`). */
export function parseTrees(input: ParseInput): Map<string, ListNode> {
  const trees = new Map<string, ListNode>();
  const parser = new Parser(lex(input.source), input, trees);
  addTree(parser, input.name, parser.parseRoot());
  return trees;
}

function addTree(p: Parser, name: string, root: ListNode): void {
  const existing = p.trees.get(name);
  if (existing === undefined || isEmptyTree(existing)) p.trees.set(name, root);
  else if (!isEmptyTree(root)) p.fail(`template: multiple definition of template ${goQuote(name)}`);
}

type ControlEnd = { readonly node: Node & { kind: 'end' | 'else' } };

class Parser {
  private index = 0;
  private current: Token;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly input: ParseInput,
    readonly trees: Map<string, ListNode>,
  ) {
    this.current = tokens[0] ?? { type: TokenType.eof, val: '', pos: 0, line: 1 };
  }

  fail(message: string, token: Token = this.current): never {
    throw new ParseFailure(message, token.pos, token.line);
  }

  // ---- token stream ----
  private next(): Token {
    const t = this.tokens[Math.min(this.index, this.tokens.length - 1)];
    if (t === undefined) throw new Error('empty token stream');
    this.index = Math.min(this.index + 1, this.tokens.length);
    this.current = t;
    return t;
  }
  private backup(n = 1): void {
    this.index -= n;
  }
  private peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === TokenType.space) t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const start = this.index;
    const t = this.nextNonSpace();
    this.index = start;
    return t;
  }
  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }
  unexpected(token: Token, context: string): never {
    if (token.type === TokenType.error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.input.name}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.fail(`${token.val}${extra}`, token);
    }
    this.fail(`unexpected ${tokenString(token)} in ${context}`, token);
  }

  // ---- structure ----
  parseRoot(): ListNode {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== TokenType.eof) {
      if (this.peek().type === TokenType.leftDelim) {
        const delim = this.next();
        const t = this.nextNonSpace();
        if (t.type === TokenType.keyword && t.val === 'define') {
          this.parseDefinition(delim);
          continue;
        }
        this.index = this.tokens.indexOf(delim);
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.fail(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  private withFreshScope<T>(fn: () => T): T {
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return fn();
    } finally {
      this.vars = saved.vars;
      this.rangeDepth = saved.rangeDepth;
    }
  }

  private parseDefinition(delim: Token): void {
    const context = 'define clause';
    const nameToken = this.nextNonSpace();
    if (nameToken.type !== TokenType.string && nameToken.type !== TokenType.rawString) this.unexpected(nameToken, context);
    const name = this.unquote(nameToken);
    this.expect(TokenType.rightDelim, context);
    const { list, end } = this.withFreshScope(() => this.itemList());
    if (end.node.kind !== 'end') this.fail(`unexpected ${nodeString(end.node)} in ${context}`);
    void delim;
    addTree(this, name, list);
  }

  private itemList(): { list: ListNode; end: ControlEnd } {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== TokenType.eof) {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return { list, end: { node: n } };
      list.nodes.push(n);
    }
    return this.fail('unexpected EOF');
  }

  private textOrAction(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case TokenType.text: return { kind: 'text', pos: t.pos, text: t.val };
      case TokenType.leftDelim: {
        this.actionLine = t.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default: return this.unexpected(t, 'input');
    }
  }

  private action(): Node {
    const t = this.nextNonSpace();
    if (t.type === TokenType.keyword) {
      switch (t.val) {
        case 'block': return this.blockControl();
        case 'break': case 'continue': return this.loopControl(t);
        case 'else': return this.elseControl();
        case 'end': return { kind: 'end', pos: this.expect(TokenType.rightDelim, 'end').pos, line: t.line };
        case 'if': case 'range': case 'with': return this.branchControl(t.val);
        case 'template': return this.templateControl();
        default: break;
      }
    }
    this.backup();
    const first = this.peek();
    return { kind: 'action', pos: first.pos, line: first.line, pipe: this.pipeline('command', TokenType.rightDelim) };
  }

  private loopControl(t: Token): Node {
    const after = this.nextNonSpace();
    if (after.type !== TokenType.rightDelim) this.unexpected(after, `{{${t.val}}}`);
    if (this.rangeDepth === 0) this.fail(`{{${t.val}}} outside {{range}}`);
    return { kind: t.val === 'break' ? 'break' : 'continue', pos: t.pos, line: t.line };
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.type === TokenType.keyword && (peek.val === 'if' || peek.val === 'with')) {
      return { kind: 'else', pos: peek.pos, line: peek.line };
    }
    const t = this.expect(TokenType.rightDelim, 'else');
    return { kind: 'else', pos: t.pos, line: t.line };
  }

  private branchControl(kind: 'if' | 'range' | 'with'): BranchNode {
    const savedVars = this.vars.length;
    try {
      const pipe = this.pipeline(kind, TokenType.rightDelim);
      if (kind === 'range') this.rangeDepth++;
      const { list, end } = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (end.node.kind === 'else') elseList = this.elseBranch(kind, end.node.pos);
      return { kind, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = savedVars;
    }
  }

  private elseBranch(kind: 'if' | 'range' | 'with', pos: number): ListNode {
    const peek = this.peekNonSpace();
    if (peek.type === TokenType.keyword && peek.val === kind && kind !== 'range') {
      // "{{else if ...}}" is "{{else}}{{if ...}}...{{end}}{{end}}" sharing the last {{end}}.
      this.nextNonSpace();
      return { kind: 'list', pos, nodes: [this.branchControl(kind)] };
    }
    const { list, end } = this.itemList();
    if (end.node.kind !== 'end') this.fail(`expected end; found ${nodeString(end.node)}`);
    return list;
  }

  private parseTemplateName(token: Token, context: string): string {
    if (token.type === TokenType.string || token.type === TokenType.rawString) return this.unquote(token);
    return this.unexpected(token, context);
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== TokenType.rightDelim) {
      this.backup();
      pipe = this.pipeline(context, TokenType.rightDelim);
    }
    return { kind: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, TokenType.rightDelim);
    const { list, end } = this.withFreshScope(() => this.itemList());
    if (end.node.kind !== 'end') this.fail(`unexpected ${nodeString(end.node)} in ${context}`);
    addTree(this, name, list);
    return { kind: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  // ---- pipelines ----
  private pipeline(context: string, end: TokenType): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: first.pos, line: first.line, isAssign: false, decl: [], cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (!OPERAND_START.has(t.type)) this.unexpected(t, context);
      this.backup();
      pipe.cmds.push(this.command());
    }
  }

  private declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== TokenType.variable) return;
      const start = this.index;
      this.nextNonSpace();
      const afterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === TokenType.assign || next.type === TokenType.declare) {
        pipe.isAssign = next.type === TokenType.assign;
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
        return;
      }
      if (next.type === TokenType.char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === TokenType.variable || t === TokenType.rightDelim || t === TokenType.rightParen) continue;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      void afterVariable;
      this.index = start;
      return;
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]?.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.fail(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const t = this.next();
      if (t.type === TokenType.space) continue;
      if (t.type === TokenType.rightDelim || t.type === TokenType.rightParen) this.backup();
      else if (t.type !== TokenType.pipe) this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): Node | null {
    const node = this.term();
    if (node === null || this.peek().type !== TokenType.field) return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === TokenType.field) fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field': return { kind: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable': return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return this.fail(`unexpected . after term ${goQuote(nodeString(node))}`);
      default: return { kind: 'chain', pos, node, field: fields };
    }
  }

  private term(): Node | null {
    const t = this.nextNonSpace();
    switch (t.type) {
      case TokenType.identifier:
        if (!this.input.hasFunction(t.val)) this.fail(`function ${goQuote(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, name: t.val };
      case TokenType.dot: return { kind: 'dot', pos: t.pos };
      case TokenType.nil: return { kind: 'nil', pos: t.pos };
      case TokenType.variable: return this.useVar(t);
      case TokenType.field: return { kind: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case TokenType.bool: return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case TokenType.charConstant: case TokenType.number: return this.number(t);
      case TokenType.leftParen: return this.pipeline('parenthesized pipeline', TokenType.rightParen);
      case TokenType.string: case TokenType.rawString:
        return { kind: 'string', pos: t.pos, quoted: t.val, text: this.unquote(t) };
      default:
        this.backup();
        return null;
    }
  }

  private number(t: Token): ArgNode {
    const parsed = parseNumber(t.val, t.type === TokenType.charConstant);
    if (typeof parsed === 'string') this.fail(parsed);
    return { kind: 'number', pos: t.pos, ...parsed };
  }

  private unquote(t: Token): string {
    const s = unquoteString(t.val);
    if (s === null) this.fail('invalid syntax');
    return s;
  }

  private useVar(t: Token): ArgNode {
    const ident = t.val.split('.');
    if (!this.vars.includes(ident[0] ?? '')) this.fail(`undefined variable ${goQuote(ident[0] ?? '')}`);
    return { kind: 'variable', pos: t.pos, ident };
  }
}

const OPERAND_START: ReadonlySet<TokenType> = new Set<TokenType>([
  TokenType.bool, TokenType.charConstant, TokenType.dot, TokenType.field, TokenType.identifier, TokenType.number,
  TokenType.nil, TokenType.rawString, TokenType.string, TokenType.variable, TokenType.leftParen,
]);

/** Go's item.String(): `EOF`, the error text, `<keyword>`, or the quoted value (cut at 10). */
function tokenString(t: Token): string {
  if (t.type === TokenType.eof) return 'EOF';
  if (t.type === TokenType.error) return t.val;
  if (t.type === TokenType.keyword || t.type === TokenType.dot || t.type === TokenType.nil) return `<${t.val}>`;
  if ([...t.val].length > 10) return `${goQuote([...t.val].slice(0, 10).join(''))}...`;
  return goQuote(t.val);
}
