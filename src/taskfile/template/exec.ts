/**
 * Executes parsed trees against data with Go text/template semantics: pipelines and final
 * arguments, variables and their scopes, field chains over maps, `if`/`with`/`range` (arrays,
 * maps in sorted key order, Go 1.22 integers, `break`/`continue`), `template`/`block`,
 * short-circuit `and`/`or`, typed function arguments (func-spec.ts) and the missingkey option.
 * Errors are thrown as ExecFailure with Go's message and the node they happened at.
 */
import { type FuncSpec, type FuncTable, type ParamType } from './func-spec.js';
import { formatValue } from './go-fmt.js';
import { goQuote } from './lexer.js';
import { nodeString, type BranchNode, type ChainNode, type CommandNode, type FieldNode, type IdentifierNode, type ListNode, type Node, type NumberNode, type PipeNode, type TemplateNode, type VariableNode } from './nodes.js';
import { isGoMap, isTrue, kindOf, sortedKeys, typeName } from './values.js';

export type MissingKey = 'default' | 'zero' | 'error';

/** Go's maxExecDepth is 100000; JS stacks are shallower, so nesting stops earlier. */
export const MAX_EXEC_DEPTH = 1000;

/** An execution failure: Go's message and the node it happened at (null: before any node). */
export class ExecFailure extends Error {
  constructor(message: string, readonly node: Node | null, readonly templateName: string) {
    super(message);
  }
}

export interface ExecContext {
  readonly trees: ReadonlyMap<string, ListNode>;
  readonly funcs: FuncTable;
  readonly missingKey: MissingKey;
}

type Signal = 'break' | 'continue' | null;

const MISSING: unique symbol = Symbol('missing final argument');
type Final = unknown;

const GO_TYPE: Readonly<Record<ParamType, string>> = {
  any: 'interface {}', string: 'string', int: 'int', float: 'float64', bool: 'bool', map: 'map[string]interface {}',
  list: '[]interface {}', time: 'time.Time', value: 'reflect.Value',
};

interface Variable {
  readonly name: string;
  value: unknown;
}

export class Executor {
  private node: Node | null = null;
  private vars: Variable[] = [];
  private depth = 0;
  private out: string[] = [];

  constructor(private readonly ctx: ExecContext, private templateName: string) {}

  run(data: unknown): string {
    const root = this.ctx.trees.get(this.templateName);
    if (root === undefined) this.fail(`${goQuote(this.templateName)} is an incomplete or empty template`);
    const dot = data === null ? undefined : data;
    this.vars = [{ name: '$', value: dot }];
    this.walk(dot, root);
    return this.out.join('');
  }

  private at(node: Node): void {
    this.node = node;
  }

  fail(message: string): never {
    throw new ExecFailure(message, this.node, this.templateName);
  }

  // ---- statements ----
  private walk(dot: unknown, node: Node): Signal {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return null;
      }
      case 'break': case 'continue': return node.kind;
      case 'if': case 'with': return this.walkIfOrWith(dot, node);
      case 'range': return this.walkRange(dot, node);
      case 'list':
        for (const n of node.nodes) {
          const signal = this.walk(dot, n);
          if (signal !== null) return signal;
        }
        return null;
      case 'template': return this.walkTemplate(dot, node);
      case 'text': this.out.push(node.text); return null;
      default: return this.fail(`unknown node: ${nodeString(node)}`);
    }
  }

  private printValue(node: Node, val: unknown): void {
    this.at(node);
    if (val === undefined || val === null) this.out.push('<no value>');
    else if (typeof val === 'function') this.fail(`can't print ${nodeString(node)} of type ${typeName(val)}`);
    else this.out.push(formatValue(val));
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): Signal {
    const mark = this.vars.length;
    const val = this.evalPipeline(dot, node.pipe);
    let signal: Signal = null;
    if (isTrue(val)) signal = this.walk(node.kind === 'with' ? val : dot, node.list);
    else if (node.elseList) signal = this.walk(dot, node.elseList);
    this.vars.length = mark;
    return signal;
  }

  private rangeItems(val: unknown, node: BranchNode): Array<[unknown, unknown]> | null {
    switch (kindOf(val)) {
      case 'slice': return (val as unknown[]).map((v, i) => [i, v ?? null]);
      case 'map': {
        const m = val as Record<string, unknown>;
        return sortedKeys(m).map((k) => [k, m[k] ?? null]);
      }
      case 'int': {
        if (node.pipe.decl.length > 1) this.fail(`can't use ${formatValue(val)} to iterate over more than one variable`);
        const n = Number(val);
        return Array.from({ length: Math.max(n, 0) }, (_, i) => [i, i]);
      }
      case 'invalid': case 'nil': return null;
      default: return this.fail(`range can't iterate over ${formatValue(val)}`);
    }
  }

  private walkRange(dot: unknown, node: BranchNode): Signal {
    this.at(node);
    const mark = this.vars.length;
    const items = this.rangeItems(this.evalPipeline(dot, node.pipe), node);
    const inner = this.vars.length;
    const decl = node.pipe.decl;
    for (const [index, elem] of items ?? []) {
      if (decl.length > 0) {
        if (node.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
        else this.vars[this.vars.length - 1]!.value = elem;
      }
      if (decl.length > 1) {
        if (node.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
        else this.vars[this.vars.length - 2]!.value = index;
      }
      const signal = this.walk(elem, node.list);
      this.vars.length = inner;
      if (signal === 'break') break;
    }
    if ((items === null || items.length === 0) && node.elseList) this.walk(dot, node.elseList);
    this.vars.length = mark;
    return null;
  }

  private walkTemplate(dot: unknown, node: TemplateNode): Signal {
    this.at(node);
    const tree = this.ctx.trees.get(node.name);
    if (tree === undefined) this.fail(`template ${goQuote(node.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.fail(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, node.pipe);
    const saved = { vars: this.vars, name: this.templateName };
    this.vars = [{ name: '$', value: newDot }];
    this.templateName = node.name;
    this.depth++;
    try {
      this.walk(newDot, tree);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.templateName = saved.name;
    }
    return null;
  }

  // ---- variables ----
  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    return this.fail(`undefined variable: ${name}`);
  }

  // ---- expressions ----
  private evalPipeline(dot: unknown, pipe: PipeNode | null): unknown {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: unknown = undefined;
    let final: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, final);
      // An interface{} holding nil becomes no value at all (Go digs one level into interfaces).
      if (value === null) value = undefined;
      final = value;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  private notAFunction(args: readonly Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.fail(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field': return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain': return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariableNode(dot, first, cmd.args, final);
      default: break;
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.fail('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
      default: return this.fail(`can't evaluate command ${goQuote(nodeString(first))}`);
    }
  }

  private idealConstant(n: NumberNode): number {
    this.at(n);
    const isHexInt = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    const looksFloat = /[.eEpP]/.test(n.text) && !isHexInt && !n.text.startsWith("'");
    if (n.isFloat && looksFloat) return n.float;
    if (n.isInt) return n.int;
    return this.fail(`${n.text} overflows int`);
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: readonly Node[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, field, field.ident, { args, final });
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: readonly Node[], final: Final): unknown {
    this.at(chain);
    if (chain.node.kind === 'nil') this.fail(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(receiver, chain, chain.field, { args, final });
  }

  private evalVariableNode(dot: unknown, v: VariableNode, args: readonly Node[], final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(value, v, v.ident.slice(1), { args, final });
  }

  private evalFieldChain(receiver: unknown, node: Node, ident: readonly string[], call: { args: readonly Node[]; final: Final }): unknown {
    let r = receiver;
    ident.forEach((name, i) => {
      const last = i === ident.length - 1;
      r = this.evalField(name, r, last ? call : { args: [], final: MISSING }, i > 0);
    });
    void node;
    return r;
  }

  private evalField(name: string, receiver: unknown, call: { args: readonly Node[]; final: Final }, boxed: boolean): unknown {
    if (receiver === undefined) {
      if (this.ctx.missingKey === 'error') this.fail(`nil data; no entry for key ${goQuote(name)}`);
      return undefined;
    }
    if (receiver === null) this.fail(`nil pointer evaluating interface {}.${name}`);
    if (!isGoMap(receiver)) this.fail(`can't evaluate field ${name} in type ${boxed ? 'interface {}' : typeName(receiver)}`);
    if (call.args.length > 1 || call.final !== MISSING) this.fail(`${name} is not a method but has arguments`);
    if (Object.hasOwn(receiver, name)) return receiver[name] ?? null;
    switch (this.ctx.missingKey) {
      case 'zero': return null;
      case 'error': return this.fail(`map has no entry for key ${goQuote(name)}`);
      default: return undefined;
    }
  }

  private evalFunction(dot: unknown, ident: IdentifierNode, cmd: CommandNode | IdentifierNode, final: Final): unknown {
    this.at(ident);
    const name = ident.name;
    const spec = this.ctx.funcs.get(name);
    if (spec === undefined) this.fail(`${goQuote(name)} is not a defined function`);
    const argNodes = cmd.kind === 'command' ? cmd.args.slice(1) : [];
    return this.evalCall(dot, { spec, name, node: cmd, argNodes, final });
  }

  private checkArity(name: string, spec: FuncSpec, argCount: number, numIn: number): void {
    if (spec.variadic !== null) {
      if (numIn < spec.params.length) this.fail(`wrong number of args for ${name}: want at least ${spec.params.length} got ${argCount}`);
    } else if (numIn !== spec.params.length) {
      this.fail(`wrong number of args for ${name}: want ${spec.params.length} got ${numIn}`);
    }
  }

  private evalCall(dot: unknown, c: { spec: FuncSpec; name: string; node: Node; argNodes: readonly Node[]; final: Final }): unknown {
    const { spec, name, argNodes, final } = c;
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    this.checkArity(name, spec, argNodes.length, numIn);
    if (spec.isBuiltin === true && (name === 'and' || name === 'or')) return this.andOr(dot, name, argNodes, final);
    const argv = argNodes.map((n, i) => this.evalArg(dot, spec.params[i] ?? spec.variadic ?? 'any', n));
    if (final !== MISSING) {
      const t = numIn - 1 < spec.params.length ? spec.params[numIn - 1] : spec.variadic;
      argv.push(this.validateType(final, t ?? 'any'));
    }
    let result: unknown;
    try {
      result = spec.call(...argv);
    } catch (e) {
      this.at(c.node);
      this.fail(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return result === undefined && spec.isBuiltin !== true ? null : result;
  }

  private andOr(dot: unknown, name: string, argNodes: readonly Node[], final: Final): unknown {
    let v: unknown = undefined;
    for (const n of argNodes) {
      v = this.evalArg(dot, 'value', n);
      if (isTrue(v) === (name === 'or')) return v;
    }
    return final === MISSING ? v : final;
  }

  private validateType(value: unknown, typ: ParamType): unknown {
    if (value === undefined) {
      if (typ === 'value') return undefined;
      if (typ === 'any' || typ === 'map' || typ === 'list') return null;
      this.fail(`invalid value; expected ${GO_TYPE[typ]}`);
    }
    if (typ === 'value' || typ === 'any') return value;
    const k = kindOf(value);
    const ok: Record<Exclude<ParamType, 'value' | 'any'>, boolean> = {
      string: k === 'string', int: k === 'int', float: k === 'float' || k === 'int', bool: k === 'bool',
      map: k === 'map', list: k === 'slice', time: k === 'time',
    };
    if (ok[typ]) return typ === 'int' || typ === 'float' ? Number(value) : value;
    return this.fail(`wrong type for value; expected ${GO_TYPE[typ]}; got ${value === null ? 'interface {}' : typeName(value)}`);
  }

  private evalArg(dot: unknown, typ: ParamType, n: Node): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot': return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'value') return undefined;
        if (typ === 'any' || typ === 'map' || typ === 'list') return null;
        return this.fail(`cannot assign nil to ${GO_TYPE[typ]}`);
      case 'field': return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable': return this.validateType(this.evalVariableNode(dot, n, [n], MISSING), typ);
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier': return this.validateType(this.evalFunction(dot, n, n, MISSING), typ);
      case 'chain': return this.validateType(this.evalChainNode(dot, n, [n], MISSING), typ);
      default: return this.evalLiteral(typ, n);
    }
  }

  private evalLiteral(typ: ParamType, n: Node): unknown {
    const found = (what: string): never => this.fail(`expected ${what}; found ${nodeString(n)}`);
    switch (typ) {
      case 'bool': return n.kind === 'bool' ? n.value : found('bool');
      case 'int': return n.kind === 'number' && n.isInt ? n.int : found('integer');
      case 'float': return n.kind === 'number' && n.isFloat ? n.float : found('float');
      case 'string': return n.kind === 'string' ? n.text : found('string');
      case 'any': case 'value':
        if (n.kind === 'bool') return n.value;
        if (n.kind === 'number') return this.idealConstant(n);
        if (n.kind === 'string') return n.text;
        return this.fail(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
      default: return this.fail(`can't handle ${nodeString(n)} for arg of type ${GO_TYPE[typ]}`);
    }
  }
}

