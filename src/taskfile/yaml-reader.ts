import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { errorAt, warningAt, type Diagnostic, type Position } from './diagnostics.js';
import type { FieldSpec, FieldTable, FieldType } from './task-fields.js';
import { suggestKey } from './key-suggestions.js';
import { resolveScalar, shownValue } from './yaml-scalar.js';

/** A decoded YAML mapping: typed values (absent or null keys are missing) and where each came from. */
export interface DecodedObject {
  readonly at: Position;
  readonly values: Readonly<Record<string, unknown>>;
  /** Position of each present key. */
  readonly keyAt: Readonly<Record<string, Position>>;
  /** Position of each list item, for list-valued keys. */
  readonly itemAt: Readonly<Record<string, readonly Position[]>>;
}

/** Maps a position in the parsed text back to the file the user wrote. */
export type Locate = (line: number, column: number) => Position;

export interface ReadYamlOptions {
  readonly name: string;
  readonly fields: FieldTable;
  readonly locate?: Locate;
  /** Extra text for an unknown top-level key (e.g. `alias` below v1.1.0). */
  readonly unknownKeyHint?: (key: string) => string | undefined;
}

export interface ReadYamlResult {
  /** Null when the document is empty (or not a mapping, which is an error). */
  readonly value: DecodedObject | null;
  readonly diagnostics: Diagnostic[];
}

type ScalarTarget = 'string' | 'int' | 'bool';

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  /** The key whose value is being decoded, for hints. */
  private currentKey = '';
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly options: ReadYamlOptions,
  ) {}

  pos(node: Node | null | undefined): Position {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return this.options.locate ? this.options.locate(line, col) : { line, column: col };
  }

  deref(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  }

  typeError(node: Node, what: string): void {
    const kind = isMap(node) ? '!!map' : isSeq(node) ? '!!seq' : undefined;
    const shown = kind ?? (isScalar(node) ? `${resolveScalar(node).tag}${shownValue(resolveScalar(node).text)}` : '!!node');
    this.diagnostics.push(errorAt(this.pos(node), `cannot unmarshal ${shown} into ${what}`, this.typeHint(node, what)));
  }

  typeHint(node: Node, what: string): string | undefined {
    if (!what.startsWith('[]') || !isScalar(node)) return undefined;
    const item = resolveScalar(node).text.replace(/'/g, "''");
    return `write it as a list: \`${this.currentKey === '' ? '' : `${this.currentKey}: `}['${item}']\``;
  }

  decode(node: Node | null, type: FieldType): unknown {
    if (node === null) return undefined;
    if (isScalar(node) && resolveScalar(node).tag === '!!null') return undefined;
    switch (type.kind) {
      case 'any':
        return node.toJSON();
      case 'string':
      case 'int':
      case 'bool':
        return this.scalar(node, type.kind);
      case 'list':
        return this.list(node, type.of);
      case 'map':
        return this.map(node, type.of);
      case 'object':
        return this.object(node, type.name, type.fields);
    }
  }

  scalar(node: Node, target: ScalarTarget): unknown {
    if (!isScalar(node)) return this.typeError(node, target);
    const r = resolveScalar(node);
    if (target === 'string') return r.text;
    if (target === 'bool') return r.tag === '!!bool' ? r.value : this.typeError(node, 'bool');
    if (r.tag === '!!int') return r.value;
    if (r.tag === '!!float' && Number.isFinite(r.value)) {
      this.diagnostics.push(warningAt(this.pos(node), `${r.text} is not a whole number; it is truncated to ${Math.trunc(r.value as number)}`));
      return Math.trunc(r.value as number);
    }
    return this.typeError(node, 'int');
  }

  itemTypeName(type: FieldType): string {
    return type.kind === 'object' ? type.name : type.kind;
  }

  list(node: Node, of: FieldType): unknown {
    if (!isSeq(node)) return this.typeError(node, `[]${this.itemTypeName(of)}`);
    return node.items.map((item) => this.decode(this.deref(item), of) ?? zeroOf(of));
  }

  map(node: Node, of: FieldType): unknown {
    if (!isMap(node)) return this.typeError(node, `map[string]${this.itemTypeName(of)}`);
    const out: Record<string, unknown> = {};
    for (const pair of this.pairs(node)) out[keyText(pair)] = this.decode(this.deref(pair.value), of) ?? zeroOf(of);
    return out;
  }

  /** Pairs with `<<` merge keys expanded (explicit keys win over merged ones). */
  pairs(node: YAMLMap): Pair[] {
    const own = node.items.filter((p) => keyText(p) !== '<<');
    const merged: Pair[] = [];
    for (const p of node.items.filter((q) => keyText(q) === '<<')) {
      const source = this.deref(p.value);
      const sources = isSeq(source) ? source.items.map((i) => this.deref(i)) : [source];
      for (const s of sources) if (isMap(s)) merged.push(...this.pairs(s));
    }
    const ownKeys = new Set(own.map(keyText));
    return [...merged.filter((p) => !ownKeys.has(keyText(p))), ...own];
  }

  object(node: Node, name: string, fields: FieldTable): DecodedObject | undefined {
    if (!isMap(node)) {
      this.typeError(node, name);
      return undefined;
    }
    const values: Record<string, unknown> = {};
    const keyAt: Record<string, Position> = {};
    const itemAt: Record<string, Position[]> = {};
    for (const pair of this.pairs(node)) {
      const key = keyText(pair);
      const at = this.pos(pair.key as Node);
      const spec = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (spec === undefined) {
        this.unknownKey(key, at, fields, name);
        continue;
      }
      if (Object.hasOwn(keyAt, key)) this.diagnostics.push(warningAt(at, `key \`${key}\` is repeated; the later value wins`));
      this.hiddenKey(key, spec, at);
      const valueNode = this.deref(pair.value);
      keyAt[key] = at;
      this.currentKey = key;
      if (isSeq(valueNode)) itemAt[key] = valueNode.items.map((i) => this.pos(this.deref(i)));
      const value = this.decode(valueNode, spec.type);
      // null (`key:` or `~`) is kept as null, the Go zero value; a value that failed to decode is left out.
      if (value !== undefined) values[key] = value;
      else if (isNullNode(valueNode)) values[key] = null;
      else delete values[key];
    }
    return { at: this.pos(node), values, keyAt, itemAt };
  }

  unknownKey(key: string, at: Position, fields: FieldTable, name: string): void {
    const extra = name === 'task' ? this.options.unknownKeyHint?.(key) : undefined;
    const suggestion = suggestKey(key, Object.keys(fields));
    const hint = extra ?? (suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`);
    this.diagnostics.push(warningAt(at, `unknown key \`${key}\` in ${name} is ignored (ACR ignores it too)`, hint));
  }

  hiddenKey(key: string, spec: FieldSpec, at: Position): void {
    if (spec.ignoredBecause !== undefined) this.diagnostics.push(warningAt(at, `\`${key}\`: ${spec.ignoredBecause}`));
  }
}

function isNullNode(node: Node | null): boolean {
  return node === null || (isScalar(node) && resolveScalar(node).tag === '!!null');
}

function keyText(pair: Pair): string {
  const key = pair.key as unknown;
  if (isScalar(key)) return String(key.value ?? '');
  return String(key);
}

function zeroOf(type: FieldType): unknown {
  if (type.kind === 'string') return '';
  if (type.kind === 'int') return 0;
  if (type.kind === 'bool') return false;
  return undefined;
}

/** Parses YAML text and decodes its top-level mapping with the field table, collecting every problem. */
export function readYaml(text: string, options: ReadYamlOptions): ReadYamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter, uniqueKeys: false, prettyErrors: false, strict: false });
  const reader = new Reader(doc, lineCounter, options);
  const locate = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return options.locate ? options.locate(line, col) : { line, column: col };
  };
  const syntax = doc.errors.map((e) => errorAt(locate(e.pos[0]), `yaml: ${firstLine(e.message)}`));
  if (syntax.length > 0) return { value: null, diagnostics: syntax };
  const root = reader.deref(doc.contents);
  if (root === null || (isScalar(root) && resolveScalar(root).tag === '!!null')) return { value: null, diagnostics: reader.diagnostics };
  const value = reader.object(root, options.name, options.fields) ?? null;
  return { value, diagnostics: reader.diagnostics };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Parses a YAML document that must be a mapping of strings (an alias `src` file). */
export function readYamlStringMap(text: string): { value: Record<string, string>; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter, uniqueKeys: false, prettyErrors: false, strict: false });
  if (doc.errors.length > 0) return { value: {}, diagnostics: doc.errors.map((e) => errorAt({ line: 0, column: 0 }, `yaml: ${firstLine(e.message)}`)) };
  const reader = new Reader(doc, lineCounter, { name: 'alias file', fields: {} });
  const value = reader.decode(reader.deref(doc.contents), { kind: 'map', of: { kind: 'string' } }) as Record<string, string> | undefined;
  return { value: value ?? {}, diagnostics: reader.diagnostics };
}
