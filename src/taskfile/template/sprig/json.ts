/**
 * encoding/json.Marshal and MarshalIndent for template data: map keys sorted, `<`, `>`, `&`,
 * U+2028 and U+2029 escaped as Go does, floats in the ES6 form Go also uses, times as RFC 3339,
 * byte arrays as base64. Unsupported values (functions, NaN, infinities) make Marshal fail.
 */
import { formatGoLayout } from '../go-time.js';
import { kindOf, sortedKeys } from '../values.js';

class UnsupportedValue extends Error {}

const SHORT: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT[ch];
    if (short !== undefined) out += short;
    else if (ch < ' ' || ch === '<' || ch === '>' || ch === '&' || ch === '\u2028' || ch === '\u2029') {
      out += `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

function encode(v: unknown, indent: string | null, depth: number): string {
  switch (kindOf(v)) {
    case 'invalid': case 'nil': return 'null';
    case 'bool': return String(v);
    case 'int': return String(v);
    case 'float': {
      if (!Number.isFinite(v)) throw new UnsupportedValue(`json: unsupported value: ${String(v)}`);
      return String(v);
    }
    case 'string': return jsonString(v as string);
    case 'bytes': return jsonString(Buffer.from(v as Uint8Array).toString('base64'));
    case 'time': return jsonString(formatGoLayout(v as Date, '2006-01-02T15:04:05.999999999Z07:00'));
    case 'slice': return container((v as unknown[]).map((e) => encode(e, indent, depth + 1)), '[]', indent, depth);
    case 'map': {
      const m = v as Record<string, unknown>;
      const sep = indent === null ? ':' : ': ';
      return container(sortedKeys(m).map((k) => jsonString(k) + sep + encode(m[k], indent, depth + 1)), '{}', indent, depth);
    }
    case 'func': throw new UnsupportedValue('json: unsupported type: func()');
  }
}

function container(items: string[], brackets: string, indent: string | null, depth: number): string {
  const [open = '', close = ''] = brackets;
  if (items.length === 0) return open + close;
  if (indent === null) return open + items.join(',') + close;
  const inner = `\n${indent.repeat(depth + 1)}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${indent.repeat(depth)}${close}`;
}

/** json.Marshal (indent null) or json.MarshalIndent(v, "", indent); null when Marshal fails. */
export function marshalJson(v: unknown, indent: string | null = null): string | null {
  try {
    return encode(v, indent, 0);
  } catch (e) {
    if (e instanceof UnsupportedValue) return null;
    throw e;
  }
}

