/**
 * The parse tree of a template, shaped like Go's text/template/parse nodes so that execution
 * errors can quote a node exactly as Go does (`at <.Values.x.y>`). `pos` is the JS offset of the
 * node's first token in the source.
 */

export interface NumberValue {
  /** Source text, e.g. `0x1F`, `1_000`, `'a'`, `1.5e3`. */
  readonly text: string;
  readonly isInt: boolean;
  readonly isFloat: boolean;
  readonly int: number;
  readonly float: number;
}

export type Node =
  | { readonly kind: 'text'; readonly pos: number; readonly text: string }
  | ActionNode
  | BranchNode
  | TemplateNode
  | { readonly kind: 'break' | 'continue'; readonly pos: number; readonly line: number }
  | ListNode
  | PipeNode
  | CommandNode
  | ArgNode
  | { readonly kind: 'end' | 'else'; readonly pos: number; readonly line: number };

export interface ListNode { readonly kind: 'list'; readonly pos: number; readonly nodes: Node[] }
export interface ActionNode { readonly kind: 'action'; readonly pos: number; readonly line: number; readonly pipe: PipeNode }
export interface BranchNode {
  readonly kind: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface TemplateNode {
  readonly kind: 'template';
  readonly pos: number;
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}
export interface PipeNode {
  readonly kind: 'pipe';
  readonly pos: number;
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode { readonly kind: 'command'; readonly pos: number; readonly args: Node[] }
export interface FieldNode { readonly kind: 'field'; readonly pos: number; readonly ident: readonly string[] }
export interface VariableNode { readonly kind: 'variable'; readonly pos: number; readonly ident: readonly string[] }
export interface ChainNode { readonly kind: 'chain'; readonly pos: number; readonly node: Node; readonly field: readonly string[] }
export interface IdentifierNode { readonly kind: 'identifier'; readonly pos: number; readonly name: string }
export interface NumberNode extends NumberValue { readonly kind: 'number'; readonly pos: number }
export interface StringNode { readonly kind: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }

export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | NumberNode
  | StringNode
  | { readonly kind: 'dot' | 'nil'; readonly pos: number }
  | { readonly kind: 'bool'; readonly pos: number; readonly value: boolean };

/** Go's Node.String(): the source-like rendering used in error contexts. */
export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'text': return n.text;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'if': case 'range': case 'with': return branchString(n);
    case 'template': return `{{template ${JSON.stringify(n.name)}${n.pipe ? ` ${nodeString(n.pipe)}` : ''}}}`;
    case 'break': case 'continue': case 'end': case 'else': return `{{${n.kind}}}`;
    case 'list': return n.nodes.map(nodeString).join('');
    case 'pipe': return pipeString(n);
    case 'command': return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field': return n.ident.map((i) => `.${i}`).join('');
    case 'variable': return n.ident.join('.');
    case 'chain': return (n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.field.map((f) => `.${f}`).join('');
    case 'identifier': return n.name;
    case 'number': return n.text;
    case 'string': return n.quoted;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(n.value);
  }
}

function pipeString(p: PipeNode): string {
  const decl = p.decl.length > 0 ? `${p.decl.map(nodeString).join(', ')}${p.isAssign ? ' = ' : ' := '}` : '';
  return decl + p.cmds.map(nodeString).join(' | ');
}

function branchString(n: BranchNode): string {
  const elsePart = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
  return `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elsePart}{{end}}`;
}

/** Go's parse.IsEmptyTree: only whitespace text (and nothing else) at the top level. */
export function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
}
